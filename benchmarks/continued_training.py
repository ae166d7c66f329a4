"""Benchmark: continued training (``train --continue``) against training from scratch after ~10 % new widgets.

From a dataset (the demo's by default) a tenth of the train split is held back as "new": an adapter is
trained on the rest (the one a user has), then the new widgets come back and two runs learn the whole set:
  scratch:   a fresh adapter on every train widget, validating every ``--eval-steps`` steps,
  continued: ``--continue`` from the first adapter (the new widgets plus as many replayed), validating as often,
and the wall time each needs to reach the same validation loss — the best the scratch run reaches within
its budget — is compared (target: continued ≤ 1/3 of scratch). The gate's decision is reported too.
Both runs use the same base, settings and validation split, one after the other on this machine.

    .venv/bin/python benchmarks/continued_training.py [--data DIR] [--minutes 4] [--first-minutes 3]

Writes benchmarks/results/continued_training.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dataset_tools.progress import CallbackProgress  # noqa: E402
from trainer.adapters import read_metadata  # noqa: E402
from trainer.training.config import TrainConfig  # noqa: E402
from trainer.training.train import train  # noqa: E402


def write_split(folder: Path, train_records: list[dict], source: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in train_records), encoding="utf-8")
    for name in ("validation.jsonl", "test.jsonl", "manifest.json"):
        shutil.copy(source / name, folder / name)
    return folder


def timed_run(config: TrainConfig) -> tuple[list[tuple[float, float]], object]:
    """Train; the (seconds since the start, validation loss) of every validation, and the AdapterInfo."""
    started = time.monotonic()
    evals: list[tuple[float, float]] = []

    def seen(event) -> None:
        loss = event.data.get("eval_loss") if event.data else None
        if loss is not None and event.data.get("step"):  # step 0: --continue's measure of the adapter it starts from
            evals.append((time.monotonic() - started, float(loss)))

    info = train(config, CallbackProgress(seen))
    return evals, info


def time_to(evals: list[tuple[float, float]], target: float) -> float | None:
    return next((seconds for seconds, loss in evals if loss <= target + 1e-9), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "demo_output" / "dataset")
    parser.add_argument("--minutes", type=float, default=4.0, help="budget of each of the two compared runs")
    parser.add_argument("--first-minutes", type=float, default=3.0, help="budget of the first adapter's training")
    parser.add_argument("--eval-steps", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    train_records = [json.loads(line) for line in (args.data / "train.jsonl").read_text().splitlines()]
    rng = random.Random(args.seed)
    new = set(rng.sample(range(len(train_records)), max(1, len(train_records) // 10)))
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        before = write_split(scratch / "before", [r for i, r in enumerate(train_records) if i not in new], args.data)
        after = write_split(scratch / "after", train_records, args.data)
        base = TrainConfig(adapters_dir=str(scratch / "adapters"), eval_steps=args.eval_steps, seed=args.seed,
                           activate="if_better")
        first = train(dataclasses.replace(base, data_dir=str(before), max_minutes=args.first_minutes))
        scratch_evals, scratch_info = timed_run(dataclasses.replace(base, data_dir=str(after), max_minutes=args.minutes,
                                                                    activate="never"))
        target = min(loss for _, loss in scratch_evals)
        continued_evals, continued_info = timed_run(dataclasses.replace(
            base, data_dir=str(after), max_minutes=args.minutes, continue_training=True))
        gate = read_metadata(continued_info.path).get("gate", {})
    scratch_s, continued_s = time_to(scratch_evals, target), time_to(continued_evals, target)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "")
    ratio = f"{continued_s / scratch_s:.2f}" if continued_s is not None and scratch_s else "not reached"
    text = "\n".join([
        "# Continued training against training from scratch", "",
        f"`.venv/bin/python benchmarks/continued_training.py --minutes {args.minutes:g} --first-minutes "
        f"{args.first_minutes:g} --eval-steps {args.eval_steps}` — {time.strftime('%Y-%m-%d')}, {cpu}, "
        f"{os.cpu_count()} cores; dataset `{args.data}` ({len(train_records)} train widgets, {len(new)} of them "
        f"held back as new); default base model, default settings but validation every {args.eval_steps} steps.", "",
        f"First adapter (without the new widgets): best validation loss {first.best_validation_loss:.4f}.",
        f"Target: the best validation loss the scratch run reaches in {args.minutes:g} min, **{target:.4f}**.", "",
        "| run | validations (s: loss) | reaches the target after |", "|---|---|---|",
        f"| scratch, every widget | {', '.join(f'{s:.0f}: {loss:.3f}' for s, loss in scratch_evals)} | "
        f"{scratch_s:.0f} s |" if scratch_s is not None else "| scratch | – | – |",
        f"| --continue (new + replay) | {', '.join(f'{s:.0f}: {loss:.3f}' for s, loss in continued_evals)} | "
        + (f"{continued_s:.0f} s |" if continued_s is not None else "not within its budget |"),
        "", f"Continued ÷ scratch, time to the target: **{ratio}** (target ≤ 0.33).",
        f"Gate: {'switched' if gate.get('switch') else 'kept, not used'} — {gate.get('reason', '')}.", ""])
    (ROOT / "benchmarks" / "results" / "continued_training.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
