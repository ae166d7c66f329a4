"""Training speed and quality: the guide's recipe vs our trainer, same base, same data, same wall time.

    .venv/bin/python benchmarks/train_speed.py [--minutes 3] [--none-minutes 1] [--data DIR]

Each configuration trains in its own process (so peak memory is per run) for the same wall-time
budget on the default base (SmolLM2-135M-Instruct, 8-bit), on a dataset harvested from examples/:
  (a) benchmarks/guide_recipe.py — the guide's recipe, faithfully (padding to 1024, labels overwritten);
  (b) trainer.train.train — ours (prompt/completion SFT, dynamic padding, length-grouped batches);
  (c) ours without quantization, briefly, for the 8-bit vs none peak-memory comparison.
Printed: real (non-pad) tokens/s, response tokens trained/s, their ratio, validation loss on the
response tokens after the equal budget (each model with its own prompt format), peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def response_loss(model, tokenizer, pairs: list[tuple[str, str]]) -> float:
    """Mean negative log-likelihood of the response tokens given the prompt (token-weighted)."""
    import torch

    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for prompt, response in pairs:
            p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
            r_ids = tokenizer(response, add_special_tokens=False)["input_ids"]
            ids = torch.tensor([(p_ids + r_ids)[:1024]])
            labels = ids.clone()
            labels[0, : len(p_ids)] = -100
            logits = model(input_ids=ids).logits[0, :-1].float()
            target = labels[0, 1:]
            mask = target != -100
            nll = torch.nn.functional.cross_entropy(logits[mask], target[mask], reduction="sum")
            total += float(nll)
            count += int(mask.sum())
    return total / max(count, 1)


def dataset(data: str | None, work: Path) -> Path:
    """The dataset folder: given, or harvested from examples/ with dataset_tools."""
    if data:
        return Path(data)
    from dataset_tools.pipeline import harvest_to_dataset

    out = work / "dataset"
    harvest_to_dataset([ROOT / "examples"], out)
    return out


def worker(args) -> dict:
    from dataset_tools.progress import NULL_PROGRESS
    from trainer.data import load_splits
    from trainer.models import resolve_base
    from trainer.prompt import format_prompt

    splits = load_splits(args.data)
    base_path = resolve_base("default")
    result = {"run": args.worker, "quantization": args.quantization, "budget_minutes": args.minutes}
    if args.worker == "guide":
        from guide_recipe import build_guide_trainer, guide_prompt

        from trainer.callbacks import StopCallback, StopRequest

        stop = StopCallback(StopRequest(), NULL_PROGRESS, args.minutes, has_eval=False)
        trainer, tokenizer = build_guide_trainer(base_path, splits.train, splits.validation,
                                                 str(Path(args.work) / "guide-out"), callbacks=[stop],
                                                 quantization=args.quantization)
        start = time.monotonic()
        trainer.train()
        seconds = time.monotonic() - start
        result.update(steps=trainer.state.global_step, train_seconds=seconds, real_tokens=trainer.real_tokens,
                      padded_tokens=trainer.state.global_step * 4 * 1024,
                      response_tokens=0,  # its labels are the prompt: no response token is ever trained on
                      peak_rss_mb=peak_rss_mb())
        if not args.no_eval:
            pairs = [(guide_prompt(r), r["output"].strip("\n")) for r in splits.validation]
            result["validation_response_loss"] = response_loss(trainer.model, tokenizer, pairs)
        return result

    from trainer.config import TrainConfig
    from trainer.models import load_for_inference
    from trainer.train import train

    config = TrainConfig(base="default", train_file=str(Path(args.data) / "train.jsonl"),
                         adapters_dir=str(Path(args.work) / f"adapters-{args.quantization}"),
                         quantization=args.quantization, device="cpu", max_minutes=args.minutes,
                         gradient_checkpointing=args.gradient_checkpointing)
    info = train(config)
    metrics = info.metrics
    stats = metrics["train_samples"]
    real = max([e.get("num_tokens", 0) for e in json.loads((info.path / "flutter_tune.json").read_text())
                ["loss_history"]] or [0])
    ratio = stats["completion_tokens"] / max(stats["total_tokens"], 1)
    result.update(steps=metrics["steps"], train_seconds=metrics["train_seconds"], real_tokens=int(real),
                  response_tokens=int(real * ratio), peak_rss_mb=peak_rss_mb())
    if not args.no_eval:
        model, tokenizer, _ = load_for_inference("default", info.path, quantization=args.quantization, device="cpu")
        pairs = [(format_prompt(tokenizer, r["instruction"], r.get("input", "")), r["output"].strip("\n"))
                 for r in splits.validation]
        result["validation_response_loss"] = response_loss(model, tokenizer, pairs)
        base_model, _, _ = load_for_inference("default", None, quantization=args.quantization, device="cpu")
        result["base_validation_response_loss"] = response_loss(base_model, tokenizer, pairs)
    return result


def run_worker(kind: str, quantization: str, minutes: float, data: Path, work: Path, no_eval=False) -> dict:
    out = work / f"{kind}-{quantization}.json"
    cmd = [sys.executable, __file__, "--worker", kind, "--quantization", quantization, "--minutes", str(minutes),
           "--data", str(data), "--work", str(work), "--out", str(out)] + (["--no-eval"] if no_eval else [])
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{kind}/{quantization} failed:\n{proc.stderr[-4000:]}")
    return json.loads(out.read_text())


def report(guide: dict, ours: dict, none: dict, data: Path, n_train: int, n_val: int) -> str:
    def rate(r, key):
        return r[key] / max(r["train_seconds"], 1e-9)

    lines = [
        f"dataset: {data} ({n_train} train / {n_val} validation samples); base: SmolLM2-135M-Instruct",
        f"equal wall-time budget: {guide['budget_minutes']} min each; CPU threads: {os.cpu_count()}",
        "",
        "| run | steps | train s | real tokens/s | response tokens trained/s | val loss (response) | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in (("guide recipe, 8-bit", guide), ("ours, 8-bit", ours), ("ours, no quantization", none)):
        loss = r.get("validation_response_loss")
        lines.append(f"| {name} | {r['steps']} | {r['train_seconds']:.0f} | {rate(r, 'real_tokens'):.1f} | "
                     f"{rate(r, 'response_tokens'):.1f} | {'-' if loss is None else f'{loss:.3f}'} | "
                     f"{r['peak_rss_mb']:.0f} |")
    ratio = rate(ours, "real_tokens") / max(rate(guide, "real_tokens"), 1e-9)
    lines += [
        "",
        f"real tokens/s ratio (ours / guide): {ratio:.1f}x",
        f"response tokens trained/s: ours {rate(ours, 'response_tokens'):.1f}, guide 0 "
        "(its collator replaces the labels with the prompt, so it never trains on code)",
        f"padding share of the guide's compute: "
        f"{1 - guide['real_tokens'] / max(guide['padded_tokens'], 1):.1%} of its {guide['padded_tokens']} tokens",
        f"validation loss on response tokens after equal time: ours {ours['validation_response_loss']:.3f} vs "
        f"guide {guide['validation_response_loss']:.3f} (untrained base with our prompt: "
        f"{ours['base_validation_response_loss']:.3f})",
        f"peak RSS: 8-bit {ours['peak_rss_mb']:.0f} MB vs no quantization {none['peak_rss_mb']:.0f} MB",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3.0, help="training budget for (a) and (b)")
    parser.add_argument("--none-minutes", type=float, default=1.0, help="budget for the unquantized memory run")
    parser.add_argument("--data", help="dataset folder (default: harvest examples/)")
    parser.add_argument("--worker", choices=["guide", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--quantization", default="8bit", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--no-eval", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--gradient-checkpointing", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        Path(args.out).write_text(json.dumps(worker(args)))
        return
    from trainer.data import load_splits
    from trainer.default_model import ensure_default_model

    ensure_default_model()  # convert once, outside the timed runs
    with tempfile.TemporaryDirectory(prefix="train-speed-") as tmp:
        work = Path(tmp)
        data = dataset(args.data, work)
        splits = load_splits(data)
        guide = run_worker("guide", "8bit", args.minutes, data, work)
        ours = run_worker("ours", "8bit", args.minutes, data, work)
        none = run_worker("ours", "none", args.none_minutes, data, work, no_eval=True)
        print(report(guide, ours, none, data, len(splits.train), len(splits.validation)))


if __name__ == "__main__":
    main()
