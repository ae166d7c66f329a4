"""Bridge from ``dataset_tools.progress`` events to LSP work-done progress.

``WorkDone(client, jobs, feature, title)`` owns one progress token: it creates it on the client, turns
start/advance/finish events into begin/report/end, throttles reports, and forwards the client's
cancel (the Cancel button) to the ``Progress`` object and to an optional ``threading.Event``. All
sends run on the event loop.

The token is ``flutter-tune-<feature>-<id>`` (docs/ARCHITECTURE.md): the client decides by the
feature how to show the progress (``generate`` has the Generate Widget command's own notification).
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Callable

from lsprotocol import types

from dataset_tools.progress import CallbackProgress, ProgressEvent

from .client import Client
from .jobs import JobRegistry

REPORT_INTERVAL_S = 0.1


class WorkDone:
    """One work-done progress shown by ``client``; ``jobs`` lets the client's Cancel button (and
    ``flutterTune.cancel``) find it. ``progress`` is the object to hand to long-running code."""

    def __init__(self, client: Client, jobs: JobRegistry, feature: str, title: str, *, cancellable: bool = True,
                 cancel_event: threading.Event | None = None,
                 on_event: Callable[[ProgressEvent], None] | None = None,
                 describe: Callable[[ProgressEvent], str] | None = None) -> None:
        self.client = client
        self.jobs = jobs
        self.title = title
        self.cancellable = cancellable
        self.cancel_event = cancel_event or threading.Event()
        self.on_event = on_event
        self.describe = describe
        self.progress = CallbackProgress(self._on_event)
        self.enabled = client.supports_progress
        self.token = f"flutter-tune-{feature}-{uuid.uuid4().hex[:12]}"
        self._created = False
        self._pending: list = []
        self._begun = False
        self._ended = False
        self._last_report = 0.0

    # --- lifecycle ---------------------------------------------------------------------------
    def begin(self, message: str = "") -> "WorkDone":
        """Show the progress (the client's Cancel button then reaches ``cancel``)."""
        self.jobs.register_progress(self.token, self.cancel)
        if self.enabled:
            self.client.call_soon(self._create)
        self._send(types.WorkDoneProgressBegin(title=self.title, message=message or None,
                                               cancellable=self.cancellable, percentage=0))
        self._begun = True
        return self

    def report(self, message: str | None = None, percent: int | None = None, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_report < REPORT_INTERVAL_S:
            return
        self._last_report = now
        self._send(types.WorkDoneProgressReport(message=message, percentage=percent,
                                                cancellable=self.cancellable))

    def end(self, message: str = "") -> None:
        if self._ended:
            return
        self._ended = True
        self._send(types.WorkDoneProgressEnd(message=message or None))
        self.jobs.forget_progress(self.token)

    def cancel(self) -> None:
        """The client pressed Cancel (or ``flutterTune.cancel``)."""
        self.cancel_event.set()
        self.progress.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self.cancel_event.is_set() or self.progress.is_cancelled

    # --- dataset_tools.progress events -----------------------------------------------------
    def _on_event(self, event: ProgressEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)
        if event.kind == "start":
            if not self._begun:
                self.begin(event.message or event.title)
            else:
                self.report(event.message or event.title, event.percent, force=True)
        elif event.kind == "advance":
            message = self.describe(event) if self.describe is not None else event.message
            self.report(message or None, event.percent)
        # "finish" of one phase is not the end of the whole job; the owner calls end()

    # --- sending ------------------------------------------------------------------------------
    def _send(self, value) -> None:
        if self.enabled:
            self.client.call_soon(self._send_now, value)

    def _send_now(self, value) -> None:
        if not self._created:
            self._pending.append(value)
            return
        self.client.notify_client(types.PROGRESS, types.ProgressParams(token=self.token, value=value))

    def _create(self) -> None:
        def created(future) -> None:
            if future.cancelled() or future.exception() is not None:
                self.enabled = False  # the client refused the token: no progress UI
                return
            self.client.call_soon(self._flush)

        try:
            fut = self.client.request_client(
                types.WINDOW_WORK_DONE_PROGRESS_CREATE, types.WorkDoneProgressCreateParams(token=self.token))
            fut.add_done_callback(created)
        except Exception:  # client gone: drop progress, keep working
            self.enabled = False

    def _flush(self) -> None:
        self._created = True
        pending, self._pending = self._pending, []
        for value in pending:
            self._send_now(value)
