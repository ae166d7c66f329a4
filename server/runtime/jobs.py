"""The registry of running work that can be cancelled: generation requests, training, harvest, evaluation.

Each job has an id, a kind and a cancel function. ``flutterTune.cancel`` cancels by id or kind
(or everything); the client's work-done-progress Cancel button reaches a job through its token.
``job_runner.run_job`` is how work becomes a job.
"""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable


class JobCancelled(Exception):
    """Raised by work that stopped because its job was cancelled."""


@dataclass
class Job:
    """``id``: "train-3"; ``kind``: generate | train | harvest | evaluate | load; ``cancel``: stops it."""

    id: str
    kind: str
    cancel: Callable[[], None]
    title: str = ""


class JobRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._progress: dict[object, Callable[[], None]] = {}
        self._ids = itertools.count(1)

    def start(self, kind: str, cancel: Callable[[], None], title: str = "") -> Job:
        with self._lock:
            job = Job(f"{kind}-{next(self._ids)}", kind, cancel, title)
            self._jobs[job.id] = job
            return job

    def finish(self, job: Job) -> None:
        with self._lock:
            self._jobs.pop(job.id, None)

    def running(self, kind: str | None = None) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs.values() if kind is None or j.kind == kind]

    def cancel(self, what: str | None = None) -> list[str]:
        """Cancel the job with id ``what``, or every job of kind ``what``, or all jobs (None)."""
        with self._lock:
            targets = [j for j in self._jobs.values() if what is None or what in (j.id, j.kind)]
        for job in targets:
            job.cancel()
        return [j.id for j in targets]

    def cancel_all(self) -> None:
        self.cancel(None)

    # --- work-done progress tokens -------------------------------------------------------
    def register_progress(self, token, cancel: Callable[[], None]) -> None:
        with self._lock:
            self._progress[token] = cancel

    def forget_progress(self, token) -> None:
        with self._lock:
            self._progress.pop(token, None)

    def cancel_progress(self, token) -> bool:
        with self._lock:
            cancel = self._progress.get(token)
        if cancel is None:
            return False
        cancel()
        return True


# --- the server's own threads ---------------------------------------------------------------
_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def start_thread(name: str, target: Callable, *args) -> threading.Thread:
    """Run ``target(*args)`` in a daemon thread of its own that ``join_threads`` waits for at shutdown
    (long work must not hold pygls' small thread pool)."""
    def run() -> None:
        try:
            target(*args)
        finally:
            with _threads_lock:
                _threads.discard(threading.current_thread())

    thread = threading.Thread(target=run, name=f"flutter-tune-{name}", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()
    return thread


def join_threads(wait_s: float) -> list[str]:
    """Wait up to ``wait_s`` in all for the threads ``start_thread`` started; the names of those still
    running. (A daemon thread still inside ONNX Runtime or torch when the interpreter exits aborts the
    process, so the server waits for them once their work is cancelled.)"""
    deadline = time.monotonic() + wait_s
    with _threads_lock:
        threads = [t for t in _threads if t is not threading.current_thread()]
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [t.name for t in threads if t.is_alive()]


def run_in_thread(name: str, fn: Callable, *args, **kwargs) -> Future:
    """Run ``fn`` in a thread of its own (``start_thread``); its result or exception in the Future."""
    future: Future = Future()

    def target() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting handler
            future.set_exception(exc)

    start_thread(name, target)
    return future
