"""Where a training step's time and memory go: one optimizer step under torch.profiler, before and after.

    .venv/bin/python benchmarks/train_profile.py [--rows 12]

Each side runs in its own process on the same four longest samples of the demo's dataset (the
step that sets the peak memory): the default path before issue 13 (benchmarks/baseline_trainer.py)
and the trainer now. Printed per side: the step's wall time, the top operators by self CPU time
(with the memory they allocated) and the process's peak resident memory. The tables are recorded in
benchmarks/results/train_speed.md.
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


def _longest(data: Path, work: Path, samples: int = 4) -> Path:
    """A dataset of the ``samples`` longest training records (one optimizer step)."""
    from dataset_tools.inputs import load_file

    records = sorted(load_file(data / "train.jsonl"), key=lambda r: -len(r["output"]))[:samples]
    out = work / "longest4"
    out.mkdir(exist_ok=True)
    (out / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return out


def worker(kind: str, data: Path, work: Path, rows: int) -> str:
    import torch
    from transformers import TrainerCallback

    from trainer.training.config import TrainConfig

    config = TrainConfig(data_dir=str(data), adapters_dir=str(work / f"adapters-{kind}"), max_steps=1,
                         logging_steps=1)
    profile = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], profile_memory=True)
    timing = {}

    class Profile(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):
            timing["start"] = time.monotonic()
            profile.__enter__()

        def on_step_end(self, args, state, control, **kwargs):
            profile.__exit__(None, None, None)
            timing["seconds"] = time.monotonic() - timing["start"]

    if kind == "baseline":
        from baseline_trainer import build_baseline_trainer

        trainer, _ = build_baseline_trainer(config, work / "baseline-out", callbacks=[Profile()])
    else:
        from trainer.training.train import build_run

        trainer = build_run(config, callbacks=[Profile()]).trainer
    trainer.train()
    table = profile.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows, max_name_column_width=48)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    return f"{kind}: one optimizer step {timing['seconds']:.1f} s, process peak RSS {peak:.2f} GB\n{table}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=12)
    parser.add_argument("--worker", choices=["baseline", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(worker(args.worker, Path(args.data), Path(args.work), args.rows))
        return
    from dataset_tools.pipeline import harvest_to_dataset

    with tempfile.TemporaryDirectory(prefix="train-profile-") as tmp:
        work = Path(tmp)
        harvest_to_dataset([ROOT / "examples"], work / "demo")
        data = _longest(work / "demo", work)
        for kind in ("baseline", "ours"):
            env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
            proc = subprocess.run([sys.executable, __file__, "--worker", kind, "--data", str(data), "--work", str(work),
                                   "--rows", str(args.rows)], env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{kind} failed:\n{proc.stderr[-4000:]}")
            print(proc.stdout[proc.stdout.find(kind + ":"):].strip() + "\n", flush=True)


if __name__ == "__main__":
    main()
