"""The active adapter is persisted in the adapters folder; training activates a better one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dataset_tools.errors import FlutterTuneError
from trainer.adapters import (activate_after_training, active_adapter, active_name, info_for, resolve_adapter,
                              set_active, set_latest)

ROOT = Path(__file__).resolve().parents[2]


def fake_adapter(root: Path, name: str, loss: float | None, created: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "base"}))
    (folder / "flutter_tune.json").write_text(json.dumps({
        "created": created, "base": "default", "metrics": {"best_validation_loss": loss}}))
    return folder


@pytest.fixture
def adapters(tmp_path):
    root = tmp_path / "adapters"
    good = fake_adapter(root, "20250101-000000-aaaa", 1.2, "2025-01-01T00:00:00+00:00")
    worse = fake_adapter(root, "20250102-000000-bbbb", 1.9, "2025-01-02T00:00:00+00:00")
    set_latest(root, worse)
    return root, good, worse


def test_active_falls_back_to_latest_until_chosen(adapters):
    root, good, worse = adapters
    assert active_name(root) is None
    assert resolve_adapter(root, "active") == worse
    set_active(root, good)
    assert resolve_adapter(root, "active") == good  # a later process (a restart) reads the same file
    assert resolve_adapter(root, "latest") == worse
    set_active(root, None)
    assert active_name(root) == "none" and resolve_adapter(root, "active") is None


def test_training_activates_only_a_better_adapter(adapters):
    root, good, worse = adapters
    set_active(root, good)
    newer = fake_adapter(root, "20250103-000000-cccc", 1.5, "2025-01-03T00:00:00+00:00")
    set_latest(root, newer)
    act = activate_after_training(root, info_for(newer), "if_better", current=good)
    assert not act.activated and act.previous == good.name and act.previous_loss == 1.2
    assert active_adapter(root) == good  # still serving the better one after a "restart"
    best = fake_adapter(root, "20250104-000000-dddd", 0.9, "2025-01-04T00:00:00+00:00")
    act = activate_after_training(root, info_for(best), "if_better", current=good)
    assert act.activated and active_adapter(root) == best
    never = fake_adapter(root, "20250105-000000-eeee", 0.1, "2025-01-05T00:00:00+00:00")
    assert not activate_after_training(root, info_for(never), "never", current=best).activated
    assert active_adapter(root) == best


def test_only_adapters_of_the_folder_can_be_made_active(adapters, tmp_path):
    root, good, _ = adapters
    elsewhere = fake_adapter(tmp_path / "other", "x", 1.0, "2025-01-01T00:00:00+00:00")
    with pytest.raises(FlutterTuneError, match="not in the adapters folder"):
        set_active(root, elsewhere)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_cli_marks_and_sets_the_active_adapter(adapters):
    root, good, worse = adapters
    done = _cli("adapters", "--adapters-dir", str(root))
    assert done.returncode == 0, done.stderr
    marked = [line for line in done.stdout.splitlines() if line.startswith("*")]
    assert len(marked) == 1 and worse.name in marked[0]  # nothing chosen yet: the latest is active
    assert _cli("adapters", "--adapters-dir", str(root), "--use", good.name).returncode == 0
    listed = json.loads(_cli("adapters", "--adapters-dir", str(root), "--json").stdout)
    assert [a["name"] for a in listed if a["active"]] == [good.name]
    bad = _cli("adapters", "--adapters-dir", str(root), "--use", "nope")
    assert bad.returncode == 2 and "Adapter 'nope' not found" in bad.stderr
