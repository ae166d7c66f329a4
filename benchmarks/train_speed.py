"""Training speed, memory and quality: today's default path vs the trainer now, same data, same wall time.

    .venv/bin/python benchmarks/train_speed.py [--minutes 4] [--repeat 5] [--skip-larger-base]

Runs, each in its own process (so peak memory is per run), on the default base (SmolLM2-135M-Instruct):
  baseline — the default path before issue 13 (benchmarks/baseline_trainer.py: 8-bit base, TRL's stock
             SFTTrainer, padded length-grouped batches of 4);
  ours     — ``trainer.training.train.train`` with its defaults (quantization auto → none on the CPU, one
             sequence per forward accumulated to batches of 4, loss at completion tokens only);
on two datasets: the demo's (examples/ harvested) and a larger one (its training widgets repeated
``--repeat`` times, same validation split). Both runs get the same ``--minutes`` budget and the default
schedule (3 epochs, batch 4, max length 1024). Order: baseline, ours on the demo data, then ours,
baseline on the larger one, so a drift in the shared machine's load hits both sides alike.
Then, for memory at the limits: ours on a batch of four 1024-token samples (the default batch and max
length, the worst case), and the same with a SmolLM2-360M-layout base (random weights built from a config).
Printed and written to benchmarks/results/train_speed.json: completion tokens trained per second (and
per CPU-second of all threads, which other work on a shared machine disturbs less), peak resident
memory and the validation loss on response tokens after the equal budget, for both.
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
RESULTS = ROOT / "benchmarks" / "results" / "train_speed.json"

# SmolLM2-360M's architecture (HuggingFaceTB/SmolLM2-360M-Instruct config.json), built with random weights.
SMOLLM2_360M = dict(hidden_size=960, intermediate_size=2560, num_hidden_layers=32, num_attention_heads=15,
                    num_key_value_heads=5, max_position_embeddings=8192, rope_theta=100000.0, rms_norm_eps=1e-5,
                    tie_word_embeddings=True)


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


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
            logits = model(input_ids=ids).logits[0, :-1].float()
            target = ids[0, 1:].clone()
            target[: len(p_ids) - 1] = -100
            total += float(torch.nn.functional.cross_entropy(logits, target, ignore_index=-100, reduction="sum"))
            count += int((target != -100).sum())
    return total / max(count, 1)


def validation_pairs(tokenizer, records: list[dict]) -> list[tuple[str, str]]:
    from trainer.prompt import format_completion, format_prompt

    return [(format_prompt(tokenizer, r["instruction"], r.get("input", "")), format_completion(tokenizer, r["output"]))
            for r in records]


# ---- datasets -------------------------------------------------------------------------------------------

def demo_dataset(work: Path) -> Path:
    from dataset_tools.pipeline import harvest_to_dataset

    out = work / "demo"
    harvest_to_dataset([ROOT / "examples"], out)
    return out


def larger_dataset(demo: Path, repeat: int, work: Path) -> Path:
    """The demo's training widgets repeated ``repeat`` times (a project that size trains like it), same validation."""
    out = work / f"demo-x{repeat}"
    out.mkdir()
    lines = (demo / "train.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (out / "train.jsonl").write_text("".join(lines * repeat), encoding="utf-8")
    (out / "validation.jsonl").write_text((demo / "validation.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    return out


def longest_batch_dataset(demo: Path, tokenizer_base: str, work: Path, samples: int = 4) -> Path:
    """``samples`` records of at least 1024 tokens (widgets chained), so every batch is batch × max length."""
    from dataset_tools.inputs import load_file
    from trainer.models import load_tokenizer, resolve_base

    tokenizer = load_tokenizer(resolve_base(tokenizer_base))
    records = sorted(load_file(demo / "train.jsonl"), key=lambda r: -len(r["output"]))
    out = work / "longest"
    out.mkdir()
    rows = []
    for i in range(samples):
        body, j = "", i
        while len(tokenizer(body)["input_ids"]) < 1100:
            body += records[j % len(records)]["output"] + "\n\n"
            j += samples
        rows.append({"instruction": f"Write these widgets ({i}).", "input": "", "output": body})
    (out / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return out


def larger_base(work: Path) -> Path:
    """A SmolLM2-360M-layout model with random weights and the default model's tokenizer (no download)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from trainer.models import load_tokenizer, resolve_base

    tokenizer = load_tokenizer(resolve_base("default"))
    config = LlamaConfig(vocab_size=len(tokenizer), bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, **SMOLLM2_360M)
    torch.manual_seed(0)
    out = work / "smollm2-360m-layout"
    LlamaForCausalLM(config).save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


# ---- one run, in its own process ------------------------------------------------------------------------

def worker(args) -> dict:
    from trainer.training.config import TrainConfig
    from trainer.training.data import load_splits

    data = Path(args.data)
    validation = load_splits(data).validation
    config = TrainConfig(base=args.base, data_dir=str(data), adapters_dir=str(Path(args.work) / "adapters"),
                         max_minutes=args.minutes, max_steps=args.max_steps)
    result = {"run": args.worker, "data": data.name, "budget_minutes": args.minutes}
    if args.worker == "baseline":
        from baseline_trainer import build_baseline_trainer

        from dataset_tools.progress import NULL_PROGRESS
        from trainer.training.callbacks import StopCallback, StopRequest
        from trainer.training.time_budget import TimeBudget

        stop = StopCallback(StopRequest(), NULL_PROGRESS, TimeBudget(args.minutes), has_eval=bool(validation))
        trainer, tokenizer = build_baseline_trainer(config, Path(args.work) / "baseline-out", callbacks=[stop])
        start, cpu_start = time.monotonic(), time.process_time()
        trainer.train()
        seconds, cpu_seconds = time.monotonic() - start, time.process_time() - cpu_start
        result.update(quantization="8bit", precision="fp32", micro_batch=config.batch_size,
                      steps=trainer.state.global_step, epochs=round(trainer.state.epoch or 0, 3),
                      train_seconds=seconds, train_cpu_seconds=cpu_seconds,
                      completion_tokens=trainer.completion_tokens_trained, peak_rss_gb=peak_rss_gb())
        model = trainer.model
    else:
        from trainer.adapters import read_metadata
        from trainer.hardware import training_precision
        from trainer.models import load_for_inference
        from trainer.training.train import micro_batch, train

        info = train(config)
        meta = read_metadata(info.path)
        m = meta["metrics"]
        result.update(quantization=meta["quantization"], precision=training_precision(meta["device"]),
                      micro_batch=micro_batch(config, meta["device"]), steps=m["steps"], epochs=m["epochs"],
                      train_seconds=m["train_seconds"], train_cpu_seconds=m["train_cpu_seconds"],
                      completion_tokens=m["completion_tokens_trained"], peak_rss_gb=peak_rss_gb())
        if validation:
            model, tokenizer, _ = load_for_inference(args.base, info.path, quantization=meta["quantization"])
    result["completion_tokens_per_second"] = result["completion_tokens"] / max(result["train_seconds"], 1e-9)
    result["completion_tokens_per_cpu_second"] = result["completion_tokens"] / max(result["train_cpu_seconds"], 1e-9)
    if validation:
        result["validation_loss"] = response_loss(model, tokenizer, validation_pairs(tokenizer, validation))
    return result


def run_worker(kind: str, data: Path, work: Path, minutes: float, base: str = "default", max_steps: int = 0) -> dict:
    out = work / f"{kind}-{data.name}-{Path(base).name}.json"
    run_dir = work / f"run-{kind}-{data.name}-{Path(base).name}"
    cmd = [sys.executable, __file__, "--worker", kind, "--data", str(data), "--work", str(run_dir),
           "--minutes", str(minutes), "--max-steps", str(max_steps), "--base", base, "--out", str(out)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} on {data.name} failed:\n{proc.stderr[-4000:]}")
    result = json.loads(out.read_text())
    result["load_average"] = round(os.getloadavg()[1], 1)  # over the last 5 minutes: the machine is shared
    print(f"  {kind:8s} {data.name:12s} {result['completion_tokens_per_second']:7.1f} completion tokens/s, "
          f"peak {result['peak_rss_gb']:.2f} GB, val loss {result.get('validation_loss', float('nan')):.3f} "
          f"({time.monotonic() - started:.0f} s)", flush=True)
    return result


# ---- report ---------------------------------------------------------------------------------------------

def summary(pairs: dict[str, tuple[dict, dict]], worst: dict, big: dict | None, n_train: dict) -> dict:
    datasets = {}
    for name, (base, ours) in pairs.items():
        datasets[name] = {
            "train_samples": n_train[name],
            "tokens_per_second": round(ours["completion_tokens_per_second"], 1),
            "baseline_tokens_per_second": round(base["completion_tokens_per_second"], 1),
            "speedup": round(ours["completion_tokens_per_second"] / max(base["completion_tokens_per_second"], 1e-9), 2),
            # the same ratio per CPU-second (all threads): what each would do with the machine to itself
            "cpu_time_speedup": round(ours["completion_tokens_per_cpu_second"]
                                      / max(base["completion_tokens_per_cpu_second"], 1e-9), 2),
            "peak_rss_gb": round(ours["peak_rss_gb"], 2),
            "baseline_peak_rss_gb": round(base["peak_rss_gb"], 2),
            "validation_loss": round(ours["validation_loss"], 4),
            "baseline_validation_loss": round(base["validation_loss"], 4),
            "ours": ours, "baseline": base,
        }
    demo = datasets["demo"]
    result = {
        "machine": {"cpus": os.cpu_count(), "command": "benchmarks/train_speed.py " + " ".join(sys.argv[1:])},
        # the headline figures (the demo's dataset), then every dataset
        **{k: demo[k] for k in ("tokens_per_second", "baseline_tokens_per_second", "speedup", "cpu_time_speedup",
                                "peak_rss_gb",
                                "baseline_peak_rss_gb", "validation_loss", "baseline_validation_loss")},
        "min_speedup": min(d["speedup"] for d in datasets.values()),
        "min_cpu_time_speedup": min(d["cpu_time_speedup"] for d in datasets.values()),
        "datasets": datasets,
        "worst_case_batch_peak_rss_gb": round(worst["peak_rss_gb"], 2),
        "worst_case_batch": worst,
    }
    if big is not None:
        result["smollm2_360m_layout_peak_rss_gb"] = round(big["peak_rss_gb"], 2)
        result["smollm2_360m_layout"] = big
    return result


def report(result: dict) -> str:
    lines = ["| dataset | run | quantization | sequences per forward | steps | train s | completion tokens/s | "
             "per CPU-second | peak RSS GB | val loss (response) | load avg (5 min) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, d in result["datasets"].items():
        for label, r in (("baseline (before)", d["baseline"]), ("ours", d["ours"])):
            lines.append(f"| {name} ({d['train_samples']} train) | {label} | {r['quantization']} | {r['micro_batch']} | "
                         f"{r['steps']} | {r['train_seconds']:.0f} | {r['completion_tokens_per_second']:.1f} | "
                         f"{r['completion_tokens_per_cpu_second']:.1f} | {r['peak_rss_gb']:.2f} | "
                         f"{r['validation_loss']:.3f} | {r['load_average']} |")
    lines.append("")
    for name, d in result["datasets"].items():
        ours, base = d["ours"], d["baseline"]
        lines.append(f"{name}: {d['speedup']:.2f}x completion tokens/s ({d['cpu_time_speedup']:.2f}x per CPU-second); peak RSS {ours['peak_rss_gb']:.2f} vs "
                     f"{base['peak_rss_gb']:.2f} GB; validation loss {ours['validation_loss']:.3f} vs "
                     f"{base['validation_loss']:.3f}")
    w = result["worst_case_batch"]
    lines.append(f"default model, batch 4 x 1024 tokens (worst case): peak RSS {w['peak_rss_gb']:.2f} GB, "
                 f"{w['completion_tokens_per_second']:.1f} completion tokens/s")
    if "smollm2_360m_layout" in result:
        b = result["smollm2_360m_layout"]
        lines.append(f"SmolLM2-360M layout (random weights), batch 4 x 1024 tokens: peak RSS {b['peak_rss_gb']:.2f} GB "
                     f"(limit 24), {b['completion_tokens_per_second']:.1f} completion tokens/s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=4.0, help="training budget of each dataset run")
    parser.add_argument("--repeat", type=int, default=5, help="the larger dataset: the demo's widgets this many times")
    parser.add_argument("--skip-larger-base", action="store_true", help="leave out the SmolLM2-360M-layout run")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {RESULTS.name}")
    parser.add_argument("--worker", choices=["baseline", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--base", default="default", help=argparse.SUPPRESS)
    parser.add_argument("--max-steps", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        Path(args.out).write_text(json.dumps(worker(args)))
        return
    from trainer.training.data import load_splits
    from trainer.default_model import ensure_default_model

    ensure_default_model()  # convert once, outside the timed runs
    with tempfile.TemporaryDirectory(prefix="train-speed-") as tmp:
        work = Path(tmp)
        demo = demo_dataset(work)
        larger = larger_dataset(demo, args.repeat, work)
        n_train = {"demo": len(load_splits(demo).train), larger.name: len(load_splits(larger).train)}
        print(f"budget {args.minutes} min per run; datasets: {n_train}", flush=True)
        pairs = {"demo": (run_worker("baseline", demo, work, args.minutes), run_worker("ours", demo, work, args.minutes))}
        ours = run_worker("ours", larger, work, args.minutes)
        pairs[larger.name] = (run_worker("baseline", larger, work, args.minutes), ours)
        longest = longest_batch_dataset(demo, "default", work)
        worst = run_worker("ours", longest, work, 0, max_steps=2)
        big = None if args.skip_larger_base else run_worker("ours", longest, work, 0, str(larger_base(work)), 2)
        result = summary(pairs, worst, big, n_train)
    print(report(result))
    if not args.no_write:
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
