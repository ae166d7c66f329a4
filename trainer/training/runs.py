"""Training runs in an adapters folder: one at a time, each with its own checkpoint folder.

- ``training_lock(adapters_dir)`` is an inter-process lock (``filelock``) held for a whole run. A
  second run on the same adapters folder — from the CLI or any editor window — fails at once with
  "Training is already running (pid …, started at …)". Who holds it is recorded next to the lock.
- Each run checkpoints into ``<adapters_dir>/.checkpoints/<run name>/`` (marked as ours, with
  ``run.json`` holding its settings). A run deletes only its own folder, when it completes; the
  checkpoints of an interrupted run stay until that run is resumed and finishes.
- ``resumable_run(adapters_dir)`` is the newest interrupted run that has a complete checkpoint.
"""

from __future__ import annotations

import json
import os
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from dataset_tools.artifacts import remove_artifact, write_marker
from dataset_tools.atomic_io import ensure_dir, write_json_atomic
from dataset_tools.errors import FlutterTuneError
from dataset_tools.processes import pid_alive

CHECKPOINTS = ".checkpoints"
RUN_FILE = "run.json"
LOCK_FILE = ".train.lock"
OWNER_FILE = ".train-owner.json"
OWNER_WAIT_S = 3.0  # a run writes its owner record right after taking the lock
RUN_KIND = "checkpoints"


@dataclass
class RunFolder:
    """The checkpoint folder of one run and what it saved about itself."""

    path: Path
    config: dict
    manifest_hash: str
    created: str
    checkpoint: str | None  # newest complete checkpoint, if any

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def step(self) -> int | None:
        return int(Path(self.checkpoint).name.split("-")[1]) if self.checkpoint else None


def checkpoints_root(adapters_dir: Path) -> Path:
    return Path(adapters_dir) / CHECKPOINTS


def last_complete_checkpoint(run_dir: Path) -> str | None:
    """The newest ``checkpoint-N`` folder that was written to the end, or None.

    transformers writes ``trainer_state.json`` last, so a run killed while saving leaves a newer
    folder without it; ``get_last_checkpoint`` would pick that one and resuming would fail.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        return None
    steps = [(int(p.name.split("-")[1]), p) for p in run_dir.glob("checkpoint-*")
             if p.name.split("-")[1].isdigit() and (p / "trainer_state.json").is_file()]
    return str(max(steps)[1]) if steps else None


def read_run(run_dir: Path) -> RunFolder | None:
    try:
        data = json.loads((Path(run_dir) / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("config"), dict):
        return None
    return RunFolder(Path(run_dir), data["config"], str(data.get("manifest_hash", "")),
                     str(data.get("created", "")), last_complete_checkpoint(run_dir))


def runs(adapters_dir: Path) -> list[RunFolder]:
    """Every run folder with its settings, newest first."""
    root = checkpoints_root(adapters_dir)
    if not root.is_dir():
        return []
    found = [r for p in root.iterdir() if p.is_dir() and (r := read_run(p)) is not None]
    return sorted(found, key=lambda r: (r.created, r.name), reverse=True)


def resumable_run(adapters_dir: Path) -> RunFolder | None:
    """The newest interrupted run that can be resumed (it has a complete checkpoint), or None."""
    return next((r for r in runs(adapters_dir) if r.checkpoint), None)


def new_run(adapters_dir: Path, name: str, config: dict, manifest_hash: str) -> RunFolder:
    """Create this run's own checkpoint folder, marked as ours, with its settings."""
    root = ensure_dir(checkpoints_root(adapters_dir), "checkpoint folder")
    path = root / name
    suffix = 1
    while path.exists():
        path, suffix = root / f"{name}-{suffix}", suffix + 1
    path.mkdir()
    write_marker(path, RUN_KIND, [RUN_FILE])
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    write_json_atomic(path / RUN_FILE, {"config": config, "manifest_hash": manifest_hash, "created": created})
    return RunFolder(path, config, manifest_hash, created, None)


def remove_unresumable_runs(adapters_dir: Path) -> list[str]:
    """Delete the run folders that have no complete checkpoint (killed before their first one): they
    can never be resumed. Call it holding the training lock, so that no such run is still going.
    Returns the names removed (a folder holding the user's files stays)."""
    root = checkpoints_root(adapters_dir)
    if not root.is_dir():
        return []
    return [p.name for p in sorted(root.iterdir())
            if p.is_dir() and last_complete_checkpoint(p) is None and remove_artifact(p, RUN_KIND)]


def finish_run(run: RunFolder) -> None:
    """Delete a completed run's own checkpoints (only when the folder is ours), and the checkpoints
    folder too when that leaves it empty."""
    remove_artifact(run.path, RUN_KIND)
    try:
        run.path.parent.rmdir()  # only ever removes an empty folder
    except OSError:
        pass


# --- one training at a time --------------------------------------------------------------------------
def lock_owner(adapters_dir: Path, wait_s: float = 0.0) -> dict:
    """Who holds the training lock (``{pid, host, started}``), {} when nobody says so. ``wait_s``: how
    long to wait for the record of a run that has just taken the lock (it writes it right after)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            data = json.loads((Path(adapters_dir) / OWNER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) or time.monotonic() >= deadline:
            return data if isinstance(data, dict) else {}
        time.sleep(0.05)


def already_running_message(adapters_dir: Path, wait_s: float = 0.0) -> str:
    """Training is already running (who, since when) ...; ``wait_s`` as in ``lock_owner``."""
    owner = lock_owner(adapters_dir, wait_s)
    who = (f"pid {owner.get('pid')}, started at {owner.get('started')}" if owner else
           "it started a moment ago")
    if owner.get("host") and owner.get("host") != socket.gethostname():
        who += f" on {owner['host']}"
    return (f"Training is already running ({who}) in {adapters_dir}. Wait for it to finish or cancel it; "
            "one training runs at a time per adapters folder.")


def is_training(adapters_dir: Path) -> bool:
    """Whether a live process on this machine holds the training lock of ``adapters_dir``.

    Read from the owner record (never by taking the lock, which could make a starting run fail).
    """
    owner = lock_owner(adapters_dir)
    pid = owner.get("pid")
    if not isinstance(pid, int) or owner.get("host") not in (None, socket.gethostname()):
        return bool(owner)
    return pid_alive(pid)


@contextmanager
def training_lock(adapters_dir: Path) -> Iterator[None]:
    """Hold the adapters folder's training lock for the block, or fail at once if another run has it."""
    from filelock import FileLock, Timeout

    folder = ensure_dir(Path(adapters_dir), "adapters folder")
    lock = FileLock(str(folder / LOCK_FILE), timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise FlutterTuneError(already_running_message(folder, OWNER_WAIT_S)) from None
    try:
        write_json_atomic(folder / OWNER_FILE, {
            "pid": os.getpid(), "host": socket.gethostname(),
            "started": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")})
        yield
    finally:
        try:
            (folder / OWNER_FILE).unlink(missing_ok=True)
        finally:
            lock.release()
