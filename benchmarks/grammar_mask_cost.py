"""Benchmark: what the GrammarMask logits processor costs per token, against a decoding step of the model.

1. GrammarMask's time per token: the held-out widgets' reference tokens (test + validation of each
   ``--replay`` dataset) replayed through a candidate stream, timing only ``GrammarMask.before_choice``
   (the matcher fed the new token, the mask computed and applied to a row of scores);
2. the model's time per token and the mask's share end to end: the first ``--generate`` held-out widgets
   of ``--dataset`` generated greedily, one candidate, with the mask off and on, taking turns which goes
   first (seconds / tokens decoded, prefill included), on the onnx int8 backend with ``--adapter``.

Prints the ratio mask / model step (the issue's target: <= 15 %) and the end-to-end ratio.

    .venv/bin/python benchmarks/grammar_mask_cost.py --dataset DIR [--adapter DIR] [--replay DIR ...]
        [--generate 6]

Writes benchmarks/results/grammar_mask_cost.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from on_off import on_off_lines, seconds_per_token  # noqa: E402  (benchmarks/ is on sys.path)


def held_out(folder: Path) -> list[dict]:
    from dataset_tools.atomic_io import read_jsonl

    return read_jsonl(folder / "test.jsonl") + read_jsonl(folder / "validation.jsonl")


def replay(tokenizer, folders: list[Path]) -> tuple[list[float], int, int]:
    """Seconds of ``before_choice`` per token over the folders' held-out widgets; widgets; fallbacks."""
    from trainer.generation.decoding.grammar_mask import GrammarMask
    from trainer.generation.decoding.stream import CandidateStream
    from trainer.generation.detokenize import IncrementalDetokenizer

    logits = np.random.default_rng(0).standard_normal((1, len(tokenizer))).astype(np.float32)
    times, widgets, fallbacks = [], 0, 0
    for folder in folders:
        for record in held_out(folder):
            mask = GrammarMask(tokenizer, {tokenizer.eos_token_id})
            stream = CandidateStream(IncrementalDetokenizer(tokenizer))
            for token in tokenizer(record["output"].strip("\n"), add_special_tokens=False)["input_ids"]:
                start = time.perf_counter()
                mask.before_choice([stream], logits)
                times.append(time.perf_counter() - start)
                stream.add(token, 0.0)
            widgets += 1
            fallbacks += mask.fallbacks
    return times, widgets, fallbacks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True, help="the widgets generated (held-out: test, then validation)")
    parser.add_argument("--adapter", default=None, help="default: the base model")
    parser.add_argument("--replay", nargs="*", default=None, help="datasets replayed (default: --dataset)")
    parser.add_argument("--generate", type=int, default=6, help="widgets generated with the mask off and on")
    args = parser.parse_args()

    from trainer.generation.decoding import DecodeConfig
    from trainer.generation.decoding.grammar import DartGrammar
    from trainer.generation.generate import GenerationSettings, generate_code
    from trainer.generation.serving import load_serving

    dataset = Path(args.dataset)
    serving = load_serving(None, Path(args.adapter) if args.adapter else None, backend="onnx")
    tokenizer = serving.tokenizer
    started = time.perf_counter()
    DartGrammar.for_tokenizer(tokenizer)
    setup_s = time.perf_counter() - started
    folders = [Path(f) for f in (args.replay or [args.dataset])]
    times, widgets, fallbacks = replay(tokenizer, folders)

    runs: dict[str, list[tuple[float, int]]] = {"off": [], "on": []}
    for k, record in enumerate(held_out(dataset)[:args.generate]):
        for name in (("off", "on") if k % 2 == 0 else ("on", "off")):
            if getattr(serving, "onnx_model", None) is not None:
                serving.onnx_model.last_prompt = None  # each run prefills its prompt
            settings = GenerationSettings(candidates=1, decode=DecodeConfig(grammar_mask=name == "on"))
            start = time.perf_counter()
            result = generate_code(serving, None, record["instruction"], settings=settings)
            runs[name].append((time.perf_counter() - start, result.total_tokens))

    step_ms = 1000 * seconds_per_token(runs, "off")
    mask_ms, p95_ms = 1000 * statistics.mean(times), 1000 * float(np.percentile(times, 95))
    lines = [
        "# GrammarMask: cost per token",
        "",
        f"`.venv/bin/python benchmarks/grammar_mask_cost.py --dataset {dataset} "
        f"{'--adapter ' + args.adapter + ' ' if args.adapter else ''}--replay {' '.join(map(str, folders))} "
        f"--generate {args.generate}` — {time.strftime('%Y-%m-%d')}, onnx int8, greedy, one candidate, "
        f"adapter {Path(args.adapter).name if args.adapter else 'none (base model)'}.",
        "",
        "```",
        f"model, seconds per token decoded (mask off):        {step_ms:7.2f} ms",
        f"GrammarMask.before_choice per token (replayed refs): {mask_ms:7.3f} ms mean, {p95_ms:.3f} ms p95 "
        f"({len(times)} tokens, {widgets} widgets, {fallbacks} fell back)",
        f"  ratio mask / model step:                          {mask_ms / step_ms:7.1%}   (target <= 15 %)",
        *on_off_lines(runs, "the mask", 51),
        f"grammar compiled for the tokenizer, once:           {setup_s:7.2f} s",
        "```",
        "",
    ]
    text = "\n".join(lines)
    (ROOT / "benchmarks" / "results" / "grammar_mask_cost.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
