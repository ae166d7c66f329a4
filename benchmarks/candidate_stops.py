"""Benchmark: where each widget's candidates spend their tokens and why they stop.

On the example app's held-out widgets (test + validation split of the demo's dataset), with the demo's
active adapter on the onnx int8 backend, retrieval on and default settings (one fixed seed), generates
every widget once and records, per candidate: why it stopped, its tokens, the checks it failed and what
was mended. Prints per widget the seconds and tokens decoded, and in all: widgets passing, p50 seconds,
tokens by stop reason, and why greedy candidates failed — the figures that say which failures cost
the time of a request. ``--compare-syntax-stop`` generates each widget twice, with and without the
``syntax_error`` stop (:mod:`trainer.generation.dead_end`), taking turns which goes first, and prints
the ratio of their p50s; ``--compare-grammar`` does the same with and without the grammar mask
(``DecodeConfig.grammar_mask``), counting the candidates it let go (a token outside the grammar);
``--compare-loop-takebacks N`` with the default ``DecodeConfig.max_loop_takebacks`` and with N (0: none);
``--candidates 1`` measures the greedy candidate alone.

    .venv/bin/python benchmarks/candidate_stops.py [--adapter DIR] [--dataset DIR] [--seed 1] [--out NAME]
        [--limit N] [--candidates N] [--compare-syntax-stop | --compare-grammar | --compare-loop-takebacks N]

Run `bash scripts/demo.sh` first. Writes benchmarks/results/<--out>.{md,json} (candidate_stops by default;
<--out>_with and <--out>_without when comparing).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from demo_inputs import demo_adapter_and_dataset  # noqa: E402  (benchmarks/ is on sys.path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", default=None, help="adapter folder (default: the demo's active one); "
                                                         "'none': the base model alone")
    parser.add_argument("--dataset", default=str(ROOT / "demo_output" / "dataset"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="candidate_stops")
    parser.add_argument("--compare-syntax-stop", action="store_true",
                        help="generate each widget twice, with and without the syntax_error stop "
                             "(trainer.generation.dead_end), taking turns which goes first")
    parser.add_argument("--limit", type=int, default=None, help="the first N held-out widgets only")
    parser.add_argument("--compare-loop-takebacks", type=int, default=None, metavar="N",
                        help="generate each widget twice, with the default DecodeConfig.max_loop_takebacks and with "
                             "N (0: loops not taken back), taking turns")
    parser.add_argument("--candidates", type=int, default=None,
                        help="candidates per widget (default: the setting's default; 1: the greedy one alone)")
    parser.add_argument("--compare-grammar", action="store_true",
                        help="generate each widget twice, with and without the grammar mask, taking turns")
    args = parser.parse_args()
    from trainer.generation.decoding import DecodeConfig

    from dataset_tools.atomic_io import read_jsonl
    from trainer.evaluation.style import learn_profile
    from trainer.generation.serving import load_serving
    from trainer.retrieval.examples import RetrievalSettings, examples_for

    base_only = args.adapter == "none"
    adapter, dataset = demo_adapter_and_dataset(None if base_only else args.adapter, args.dataset)
    adapter = None if base_only else adapter
    records = (read_jsonl(dataset / "test.jsonl") + read_jsonl(dataset / "validation.jsonl"))[:args.limit]
    profile = learn_profile(r["output"] for r in read_jsonl(dataset / "train.jsonl"))
    serving = load_serving(None, adapter, backend="onnx")
    if args.compare_grammar:
        decodes = {"with": DecodeConfig(), "without": DecodeConfig(grammar_mask=False)}
        what = "the grammar mask"
    elif args.compare_loop_takebacks is not None:
        n = args.compare_loop_takebacks
        decodes = {"with": DecodeConfig(), "without": DecodeConfig(take_back_loops=n > 0, max_loop_takebacks=n)}
        what = f"{DecodeConfig().max_loop_takebacks} loops taken back per candidate (with), {n} (without)"
    else:
        decodes = {"with": DecodeConfig(), "without": DecodeConfig(syntax_error_stop=False)}
        what = "the syntax_error stop"
    compared = args.compare_syntax_stop or args.compare_grammar or args.compare_loop_takebacks is not None
    configurations = ["with", "without"] if compared else ["with"]
    rows: dict[str, list[dict]] = {name: [] for name in configurations}
    for k, record in enumerate(records):
        examples = examples_for(RetrievalSettings(), dataset, serving.tokenizer, record["instruction"], exclude=record)
        for name in (configurations if k % 2 == 0 else configurations[::-1]):
            rows[name].append(generate_row(serving, k, record, examples, args.seed, decodes[name], profile, args.candidates,
                                           label="" if name == "with" else " (without)"))
    if compared:
        for name in configurations:
            write(rows[name], adapter, args, f"{args.out}_{name}", f"{name} {what}")
        with_, without = (statistics.median(r["seconds"] for r in rows[name]) for name in configurations)
        print(f"p50 with / without {what}: {with_:.2f} / {without:.2f} s = {with_ / without:.2f}x; "
              f"tokens decoded {sum(r['decoded'] for r in rows['with'])} / "
              f"{sum(r['decoded'] for r in rows['without'])}")
    else:
        write(rows["with"], adapter, args, args.out)


def generate_row(serving, k: int, record: dict, examples, seed: int, decode, profile, candidates: int | None = None,
                 label: str = "") -> dict:
    """Generate one widget at default settings with the guards of ``decode``; its seconds, tokens, every
    candidate's stop, and the returned code's chrF and style score against the real widget (``profile``:
    the train split's style)."""
    from trainer.evaluation.evaluate import score_code
    from trainer.generation.generate import GenerationSettings, generate_code

    if getattr(serving, "onnx_model", None) is not None:
        serving.onnx_model.last_prompt = None  # each run prefills its prompt, as a request after another one
    settings = GenerationSettings(seed=seed, decode=decode, **({"candidates": candidates} if candidates else {}))
    start = time.perf_counter()
    result = generate_code(serving, None, record["instruction"], examples=examples, settings=settings)
    seconds = time.perf_counter() - start
    candidates = [{"index": c.index, "stop": str(c.stop_reason), "tokens": c.new_tokens, "passed": c.passed,
                   "failed": c.failed, "mended": getattr(c, "mended", []),  # (none before 2026-12-03)
                   "grammar_fallback": c.grammar_fallback, "loops_taken_back": c.loops_taken_back}
                  for c in sorted(result.candidates, key=lambda c: c.index)]
    print(f"#{k}{label} {seconds:5.1f} s {result.total_tokens:5d} tokens "
          f"passed={result.passed} "
          + " ".join(f"[{c['index']} {c['stop']} {c['tokens']}{' ok' if c['passed'] else ''}"
                     f"{' mended' if c['mended'] else ''}]" for c in candidates), flush=True)
    score = score_code(result.code, record["output"], profile)
    return {"widget": k, "instruction": record["instruction"], "seconds": round(seconds, 2),
            "chrf": round(score["chrf"], 2), "style": round(100 * (score["style_score"] or 0.0), 2),
            "decoded": result.total_tokens, "passed": result.passed,
            "parses": "parses" not in result.failed, "candidates": candidates}


def write(rows: list[dict], adapter: Path | None, args, out_name: str, label: str = "") -> None:
    from trainer.evaluation.evaluate import percentile

    seconds = [r["seconds"] for r in rows]
    by_stop: collections.Counter = collections.Counter()
    greedy_failed: collections.Counter = collections.Counter()
    for r in rows:
        for c in r["candidates"]:
            by_stop[c["stop"]] += c["tokens"]
        greedy = r["candidates"][0] if r["candidates"] else None
        if greedy is not None and not greedy["passed"]:
            greedy_failed[greedy["stop"] if greedy["stop"] not in ("eos", "widget_end") else greedy["failed"][0]] += 1
    mended = sum(bool(c["mended"]) for r in rows for c in r["candidates"] if c["passed"])
    summary = {
        "widgets": len(rows), "passed": sum(r["passed"] for r in rows), "parses": sum(r["parses"] for r in rows),
        "p50_s": round(statistics.median(seconds), 2), "p95_s": percentile(rows, 95),
        "seconds": round(sum(seconds), 1),
        "chrf": round(statistics.fmean(r["chrf"] for r in rows), 1),
        "style": round(statistics.fmean(r["style"] for r in rows), 1),
        "decoded": sum(r["decoded"] for r in rows), "tokens_by_stop": dict(by_stop.most_common()),
        "greedy_failed": dict(greedy_failed.most_common()), "passing_candidates_mended": mended,
        "greedy_parses": sum(bool(r["candidates"]) and "parses" not in r["candidates"][0]["failed"] for r in rows),
        "grammar_fallbacks": sum(any(c.get("grammar_fallback") for c in r["candidates"]) for r in rows),
        "loops_taken_back": sum(c.get("loops_taken_back", 0) for r in rows for c in r["candidates"]),
    }
    lines = [f"# Where candidates spend their tokens ({time.strftime('%Y-%m-%d %H:%M')})", "",
             f"Adapter `{adapter.name if adapter is not None else 'none (the base model)'}`, onnx int8, default settings{', ' + label if label else ''}, seed {args.seed}, "
             "retrieval on; "
             f"{len(rows)} held-out widgets (test, then validation).", "",
             f"- passed every check: **{summary['passed']}/{len(rows)}**; returned code parses: "
             f"{summary['parses']}/{len(rows)}; the greedy candidate parses: {summary['greedy_parses']}/{len(rows)}",
             f"- seconds per widget p50 **{summary['p50_s']}**, p95 {summary['p95_s']}, in all {summary['seconds']}; "
             f"tokens decoded {summary['decoded']}",
             f"- returned code against the real widget: chrF {summary['chrf']}, style {summary['style']}",
             f"- tokens by stop reason: {summary['tokens_by_stop']}",
             f"- greedy candidate failed by: {summary['greedy_failed']}",
             f"- passing candidates that were mended: {mended}",
             f"- widgets with a candidate the grammar mask let go: {summary['grammar_fallbacks']}; loops taken back: "
             f"{summary['loops_taken_back']}", "",
             "| # | s | decoded | passed | candidates (index stop tokens) |", "|---|---|---|---|---|"]
    for r in rows:
        cands = " ".join(f"{c['index']} {c['stop']} {c['tokens']}" + (" ✓" if c["passed"] else "")
                         + (" (mended)" if c["mended"] else "") + (" ↺" * c.get("loops_taken_back", 0))
                         for c in r["candidates"])
        lines.append(f"| {r['widget']} | {r['seconds']} | {r['decoded']} | {'yes' if r['passed'] else 'no'} | {cands} |")
    out = ROOT / "benchmarks" / "results"
    (out / f"{out_name}.md").write_text("\n".join(lines) + "\n")
    (out / f"{out_name}.json").write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))
    print("\n".join(lines[:10]))


if __name__ == "__main__":
    main()
