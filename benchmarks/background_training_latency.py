"""Benchmark: generating a widget while a training runs in the background, against generating idle.

The demo's adapter (onnx int8) writes the example app's held-out widgets (default settings, one seed) three
times: with nothing else running (idle); while a training runs as the editor runs it in the background
(``TrainConfig.background``: one torch thread at a lower priority, and held between micro-batches while a
widget is generated — ``trainer.training.background``); and while a training runs plainly (all threads,
never held), for reference. Each pass waits until the training has taken its first step. Prints p50 and
the ratio to idle (target for the background run: ≤ 1.3×) and how long the training was held.

    .venv/bin/python benchmarks/background_training_latency.py [--widgets 6] [--seed 1]

Writes benchmarks/results/background_training_latency.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from demo_inputs import demo_adapter_and_dataset  # noqa: E402  (benchmarks/ is on sys.path)


def generation_pass(serving, records, examples, seed: int, generating: threading.Event) -> list[float]:
    from trainer.generation.generate import GenerationSettings, generate_code

    seconds = []
    for record, shown in zip(records, examples):
        if getattr(serving, "onnx_model", None) is not None:
            serving.onnx_model.last_prompt = None
        generating.set()
        start = time.perf_counter()
        try:
            generate_code(serving, None, record["instruction"], examples=shown, settings=GenerationSettings(seed=seed))
        finally:
            generating.clear()
        seconds.append(time.perf_counter() - start)
    return seconds


def with_training(background: bool, dataset: Path, adapters: Path, run_pass) -> tuple[list[float], dict]:
    """``run_pass()`` while a training runs (started first, until its first step); the training is then
    cancelled. Returns the pass's seconds and what the training reported."""
    from dataset_tools.progress import CallbackProgress
    from trainer.training.config import TrainConfig
    from trainer.training.train import train

    stepped, report = threading.Event(), {}
    generating = run_pass.generating

    def seen(event) -> None:
        if event.kind == "advance" and (event.data or {}).get("step"):
            stepped.set()

    progress = CallbackProgress(seen)
    config = TrainConfig(data_dir=str(dataset), adapters_dir=str(adapters), max_minutes=30, activate="never",
                         background=background)

    def run() -> None:
        try:
            train(config, progress, busy=(lambda: generating.is_set()) if background else None)
        except Exception as exc:  # noqa: BLE001 — cancelled on purpose: TrainingInterrupted
            report["ended"] = type(exc).__name__

    worker = threading.Thread(target=run, name="training")
    worker.start()
    stepped.wait(600)
    seconds = run_pass()
    progress.cancel()
    worker.join()
    return seconds, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widgets", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from dataset_tools.atomic_io import read_jsonl
    from trainer.generation.serving import load_serving
    from trainer.retrieval.examples import RetrievalSettings, examples_for

    adapter, dataset = demo_adapter_and_dataset(None, str(ROOT / "demo_output" / "dataset"))
    records = (read_jsonl(dataset / "test.jsonl") + read_jsonl(dataset / "validation.jsonl"))[:args.widgets]
    serving = load_serving(None, adapter, backend="onnx")
    examples = [examples_for(RetrievalSettings(), dataset, serving.tokenizer, r["instruction"], exclude=r)
                for r in records]
    generating = threading.Event()

    def run_pass() -> list[float]:
        return generation_pass(serving, records, examples, args.seed, generating)

    run_pass.generating = generating
    run_pass()  # warm-up: the first request loads what it loads
    idle = run_pass()
    with tempfile.TemporaryDirectory() as scratch:
        background, _ = with_training(True, dataset, Path(scratch) / "a", run_pass)
        plain, _ = with_training(False, dataset, Path(scratch) / "b", run_pass)
    passes = [("idle", idle), ("training in the background (1 thread, nice +10, held while generating)", background),
              ("training plainly, all threads (reference)", plain)]
    idle_p50 = statistics.median(idle)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "")
    text = "\n".join([
        "# Generating while a training runs in the background", "",
        f"`.venv/bin/python benchmarks/background_training_latency.py --widgets {args.widgets}` — "
        f"{time.strftime('%Y-%m-%d')}, {cpu}, {os.cpu_count()} cores. The demo's adapter (onnx int8, default "
        f"settings, retrieval, seed {args.seed}) writes {len(records)} held-out widgets of the example app in each "
        "pass; the trainings are of the default model on the demo's dataset, cancelled after the pass.", "",
        "| pass | p50 s | ÷ idle | per widget (s) |", "|---|---|---|---|",
        *(f"| {name} | {statistics.median(values):.2f} | {statistics.median(values) / idle_p50:.2f}× | "
          f"{', '.join(f'{v:.1f}' for v in values)} |" for name, values in passes),
        "", "Target: in the background ≤ 1.3× idle.", ""])
    (ROOT / "benchmarks" / "results" / "background_training_latency.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
