"""What the benchmarks that replay the demo share: its adapter and its dataset (run `bash scripts/demo.sh` first)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def demo_adapter_and_dataset(adapter: str | None, dataset: str) -> tuple[Path, Path]:
    """``adapter`` (default: the demo's active adapter) and ``dataset``; exits saying what to run when either is missing."""
    from trainer.adapters import active_adapter

    found = Path(adapter) if adapter else active_adapter(ROOT / "demo_output" / "adapters")
    folder = Path(dataset)
    if found is None or not (folder / "test.jsonl").is_file():
        sys.exit("No demo adapter/dataset: run `bash scripts/demo.sh` first (or pass --adapter and --dataset).")
    return found, folder
