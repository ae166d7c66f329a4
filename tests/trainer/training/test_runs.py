"""One training per adapters folder, each run with its own checkpoints (trainer.training.runs)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dataset_tools.errors import FlutterTuneError
from trainer.training.runs import (LOCK_FILE, OWNER_FILE, already_running_message, is_training, last_complete_checkpoint,
                          new_run, resumable_run, runs, training_lock)

ROOT = Path(__file__).resolve().parents[3]
HOLD_LOCK = """
import sys, time
from trainer.training.runs import training_lock
with training_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def lock_holder(tmp_path):
    """Another process holding the training lock of tmp_path/adapters."""
    folder = tmp_path / "adapters"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "locked"
    yield folder, proc
    proc.kill()
    proc.wait()


def _fake_interrupted_run(adapters: Path, step: int = 2):
    run = new_run(adapters, "20250101-000000-deadbeef", {"epochs": 1.0}, "hash")
    checkpoint = run.path / f"checkpoint-{step}"
    checkpoint.mkdir()
    (checkpoint / "trainer_state.json").write_text("{}")
    return run


def test_a_second_training_fails_at_once_naming_the_running_one(lock_holder, tiny_config):
    from trainer.training.train import train

    folder, proc = lock_holder
    assert is_training(folder)
    started = time.monotonic()
    with pytest.raises(FlutterTuneError, match=rf"Training is already running \(pid {proc.pid}, started at "):
        train(tiny_config)
    assert time.monotonic() - started < 5  # before any model or data is loaded
    assert runs(folder) == []  # it created no run folder


def test_the_cli_reports_the_running_training(lock_holder, tiny_config, tmp_path):
    folder, proc = lock_holder
    config = tmp_path / "train.json"
    config.write_text(json.dumps({**tiny_config.to_dict(), "adapters_dir": str(folder)}))
    done = subprocess.run([sys.executable, "-m", "server.cli", "train", "--config", str(config)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert f"Training is already running (pid {proc.pid}" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_lock_is_free_again_after_a_run(tmp_path):
    with training_lock(tmp_path):
        assert is_training(tmp_path)
        with pytest.raises(FlutterTuneError, match="already running"):
            with training_lock(tmp_path):
                pass  # pragma: no cover
    assert not is_training(tmp_path)
    with training_lock(tmp_path):
        pass
    assert "it started a moment ago" in already_running_message(tmp_path)  # no owner recorded once released


def test_a_training_arriving_while_the_first_takes_the_lock_names_its_owner(tmp_path):
    """The owner record is written just after the lock is taken: the second run waits for it."""
    from filelock import FileLock

    lock = FileLock(str(tmp_path / LOCK_FILE), timeout=0, thread_local=False)
    lock.acquire()  # the first run has the lock, its owner record is not written yet
    writer = threading.Timer(0.5, lambda: (tmp_path / OWNER_FILE).write_text(
        json.dumps({"pid": 4242, "host": socket.gethostname(), "started": "2026-12-07T10:00:00+00:00"})))
    writer.start()
    try:
        with pytest.raises(FlutterTuneError, match=r"already running \(pid 4242, started at 2026-12-07T10:00:00"):
            with training_lock(tmp_path):
                pass  # pragma: no cover
    finally:
        writer.join()
        lock.release()


def test_pointer_and_owner_files_are_readable_by_the_user_group(tmp_path):
    """ACTIVE, LATEST and the owner record get the mode of a plain write (umask), not mkstemp's 0600."""
    from trainer.adapters import ACTIVE_FILE, LATEST_FILE, set_active, set_latest

    (tmp_path / "a1").mkdir()
    (tmp_path / "a1" / "adapter_config.json").write_text("{}")
    set_latest(tmp_path, tmp_path / "a1")
    set_active(tmp_path, tmp_path / "a1")
    umask = os.umask(0)
    os.umask(umask)
    with training_lock(tmp_path):
        modes = {name: (tmp_path / name).stat().st_mode & 0o777 for name in (ACTIVE_FILE, LATEST_FILE, OWNER_FILE)}
    assert modes == dict.fromkeys(modes, 0o666 & ~umask)


def test_a_run_killed_before_its_first_checkpoint_is_cleaned_by_the_next_training(tiny_config):
    from trainer.training.train import train

    adapters = Path(tiny_config.adapters_dir)
    killed = new_run(adapters, "20250101-000000-0badc0de", {}, "h")  # run.json only: never resumable
    half_saved = new_run(adapters, "20250101-000001-0badc0de", {}, "h")
    (half_saved.path / "checkpoint-3").mkdir()  # killed while saving its first checkpoint
    resumable = _fake_interrupted_run(adapters)
    train(tiny_config)
    assert not killed.path.exists() and not half_saved.path.exists()
    assert [r.path for r in runs(adapters)] == [resumable.path]  # a resumable run is kept


def test_a_new_run_keeps_an_interrupted_runs_checkpoints(tiny_config, tmp_path):
    from trainer.training.train import train

    adapters = Path(tiny_config.adapters_dir)
    interrupted = _fake_interrupted_run(adapters)
    info = train(tiny_config)
    assert info.path.is_dir()
    assert (interrupted.path / "checkpoint-2" / "trainer_state.json").is_file()
    assert resumable_run(adapters).path == interrupted.path
    assert [r.path for r in runs(adapters)] == [interrupted.path]  # the finished run removed only its own


def test_resumable_run_is_the_newest_with_a_complete_checkpoint(tmp_path):
    older = _fake_interrupted_run(tmp_path, step=3)
    newer = new_run(tmp_path, "20260101-000000-cafebabe", {}, "h")
    (newer.path / "checkpoint-5").mkdir()  # killed while saving: no trainer_state.json
    assert last_complete_checkpoint(newer.path) is None
    found = resumable_run(tmp_path)
    assert found.path == older.path and found.step == 3
