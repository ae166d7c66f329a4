"""Fault injection: run an artifact write in a child process and kill it (SIGKILL) or make its writes
fail with ENOSPC at a chosen point.

Points are counted with an audit hook (``sys.addaudithook``) over the file-system operations Python
performs under one folder: opening a file for writing, mkdir, rename/replace, remove, rmdir, rmtree,
chmod. A point is ``(event number, delay)``: the child is killed ``delay`` seconds after that event
(0 = at the event itself), so points also land in the middle of writing a file's bytes. ENOSPC
points count opens for writing only: the K-th such open fails as a full disk would make it fail.

Children come from a ``forkserver`` that has torch, transformers and peft imported already, so each
point costs a fork, not a fresh interpreter.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import random
import signal
import sys
import threading
from pathlib import Path
from typing import Callable

EVENTS = {"open", "os.rename", "os.mkdir", "os.remove", "os.rmdir", "shutil.rmtree", "os.chmod", "os.truncate"}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def context():
    """The forkserver context (tests/conftest.py has it preload torch, transformers and peft)."""
    return multiprocessing.get_context("forkserver")


def _is_write(event: str, args: tuple) -> bool:
    if event != "open":
        return True
    mode, flags = args[1], args[2]
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _install(prefix: str, mode: str, at: int, delay: float, counter: list[int]) -> None:
    def hook(event: str, args: tuple) -> None:
        if event not in EVENTS or not args:
            return
        path = args[0]
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, (str, os.PathLike)) or not str(path).startswith(prefix):
            return
        if not _is_write(event, args):
            return
        counter[0] += 1
        if event == "open":
            counter[1] += 1
        if (counter[1] if mode == "enospc" else counter[0]) != at or (mode == "enospc" and event != "open"):
            return
        if mode == "kill":
            if delay <= 0:
                os.kill(os.getpid(), signal.SIGKILL)
            threading.Timer(delay, os.kill, (os.getpid(), signal.SIGKILL)).start()
        elif mode == "enospc":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    sys.addaudithook(hook)


def _child(operation: Callable[[], None], prefix: str, mode: str, at: int, delay: float, report: str) -> None:
    counter = [0, 0]  # file-system events, opens for writing
    _install(prefix, mode, at, delay, counter)
    try:
        operation()
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        Path(report).write_text(f"{type(exc).__name__}\n{exc}", encoding="utf-8")
        os._exit(3)
    Path(report).write_text(f"ok\n{counter[0]}\n{counter[1]}", encoding="utf-8")
    os._exit(0)


def run(operation: Callable[[], None], prefix: Path, mode: str = "count", at: int = 0, delay: float = 0.0,
        timeout: float = 300) -> tuple[int, str]:
    """Run ``operation`` in a child; returns (exit code, report text). Exit code -9: killed."""
    report = Path(prefix) / f".fault-report-{random.getrandbits(32):08x}"
    proc = context().Process(target=_child, args=(operation, str(prefix), mode, at, delay, str(report)))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        raise AssertionError(f"the child did not finish within {timeout}s")
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    report.unlink(missing_ok=True)
    return proc.exitcode, text


def count_events(operation: Callable[[], None], prefix: Path) -> tuple[int, int]:
    """(file-system events, opens for writing) of a complete run of ``operation``."""
    code, text = run(operation, prefix, "count")
    assert code == 0, text
    _, events, opens = text.split("\n")
    return int(events), int(opens)


def kill_points(total: int, n: int = 20, seed: int = 0) -> list[tuple[int, float]]:
    """``n`` or more points over ``total`` events: at an event (delay 0) or shortly after it.

    With fewer than ``n`` events, every event is a point and random (event, delay) points fill up
    the rest; with more, ``n`` distinct events are drawn, half of them with a delay.
    """
    rng = random.Random(seed)
    if total >= n:
        events = sorted(rng.sample(range(1, total + 1), n))
        return [(k, rng.uniform(0.0005, 0.02) if i % 2 else 0.0) for i, k in enumerate(events)]
    points = [(k, 0.0) for k in range(1, total + 1)]
    while len(points) < n:
        points.append((rng.randint(1, total), rng.uniform(0.0005, 0.02)))
    return points
