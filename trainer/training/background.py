"""Training in the background of an editor: at low priority, on fewer threads, paused while a widget is
being generated.

``low_priority()`` lowers the calling thread's CPU priority (nice + 10; on Linux a thread has its own)
and torch's intra-op threads to one, so the training runs on the calling thread alone and leaves the
other cores to generation. ``YieldToGeneration(busy)`` holds the training between micro-batches (and
steps) for as long as ``busy()`` says a generation runs: a request competes with at most one
micro-batch's remainder.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from transformers import TrainerCallback

NICE_STEP = 10
POLL_S = 0.02


class YieldToGeneration(TrainerCallback):
    """Waits at every micro-batch's and step's end while ``busy()``; ``paused_s`` sums the waits."""

    def __init__(self, busy: Callable[[], bool], poll_s: float = POLL_S) -> None:
        self.busy = busy
        self.poll_s = poll_s
        self.paused_s = 0.0

    def _wait(self) -> None:
        started = None
        while self.busy():
            started = started or time.monotonic()
            time.sleep(self.poll_s)
        if started is not None:
            self.paused_s += time.monotonic() - started

    def on_substep_end(self, args, state, control, **kwargs):
        self._wait()

    def on_step_end(self, args, state, control, **kwargs):
        self._wait()


@contextmanager
def low_priority(threads: int = 1) -> Iterator[None]:
    """This thread at a lower CPU priority and torch on ``threads`` threads while the block runs (torch's
    count is restored after; the priority stays with the thread, which an unprivileged process cannot
    raise again: run it on a thread of its own)."""
    import torch

    before = torch.get_num_threads()
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + NICE_STEP))
    except (AttributeError, OSError):
        pass  # no per-thread priority here (not Linux): fewer threads still leave cores to generation
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
