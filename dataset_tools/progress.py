"""One small progress interface for long work (harvest, training, model load, evaluation).

Producers call ``progress.start(title, total)``, ``progress.advance(n, message)`` and
``progress.finish(message)``. The CLI renders it as a tqdm bar, the language server forwards it
as LSP work-done progress, and ``JsonLinesProgress`` writes machine-readable events.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, TextIO


@dataclass
class ProgressEvent:
    kind: str  # "start" | "advance" | "finish"
    title: str
    done: float = 0
    total: float | None = None
    message: str = ""
    data: dict = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return max(0, min(100, int(100 * self.done / self.total)))


class Progress:
    """Base reporter: keeps the counters, sends each event to ``emit``. Silent by default."""

    def __init__(self) -> None:
        self.title = ""
        self.done: float = 0
        self.total: float | None = None
        self.cancelled = threading.Event()

    def start(self, title: str, total: float | None = None, message: str = "") -> None:
        self.title, self.done, self.total = title, 0, total
        self.emit(ProgressEvent("start", title, 0, total, message))

    def advance(self, n: float = 1, message: str = "", **data) -> None:
        self.done += n
        self.emit(ProgressEvent("advance", self.title, self.done, self.total, message, data))

    def finish(self, message: str = "", **data) -> None:
        self.emit(ProgressEvent("finish", self.title, self.done, self.total, message, data))

    def cancel(self) -> None:
        self.cancelled.set()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled.is_set()

    def emit(self, event: ProgressEvent) -> None:  # pragma: no cover - overridden
        pass


class CallbackProgress(Progress):
    """Forwards every event to a callback (the language server uses this)."""

    def __init__(self, callback: Callable[[ProgressEvent], None]) -> None:
        super().__init__()
        self.callback = callback

    def emit(self, event: ProgressEvent) -> None:
        self.callback(event)


class JsonLinesProgress(Progress):
    """Writes one JSON object per event to a stream (``--progress-json``)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        super().__init__()
        self.stream = stream

    def emit(self, event: ProgressEvent) -> None:
        record = asdict(event)
        record["percent"] = event.percent
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()


class TqdmProgress(Progress):
    """A progress bar on stderr for the CLI; where stderr is not a terminal (a log file, a pipe, CI),
    a plain line at the start, every ``LINE_EVERY_S`` seconds and at the end instead."""

    LINE_EVERY_S = 30.0

    def __init__(self, disable: bool | None = None, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.bar = None
        self.disable = disable
        self.stream = stream
        self.clock = clock
        self._last_line: float | None = None

    def _lines(self) -> bool:
        stream = self.stream or sys.stderr
        return self.disable is not True and not (hasattr(stream, "isatty") and stream.isatty())

    def emit(self, event: ProgressEvent) -> None:
        if self._lines():
            self._line(event)
            return
        from tqdm import tqdm

        if event.kind == "start":
            self._close()
            self.bar = tqdm(total=event.total, desc=event.title, disable=self.disable,
                            dynamic_ncols=True, leave=False)
        elif self.bar is not None:
            self.bar.n = event.done
            if event.message:
                self.bar.set_postfix_str(event.message, refresh=False)
            self.bar.refresh()
            if event.kind == "finish":
                self._close()

    def _line(self, event: ProgressEvent) -> None:
        now = self.clock()
        if event.kind == "advance" and self._last_line is not None and now - self._last_line < self.LINE_EVERY_S:
            return
        self._last_line = now
        count = f"{event.done:g}/{event.total:g}" if event.total else f"{event.done:g}" if event.done else ""
        percent = f" ({event.percent}%)" if event.percent is not None and event.kind != "start" else ""
        eta = event.data.get("eta_seconds")
        state = "done" if event.kind == "finish" else count + percent
        parts = [f"{event.title}:", state + ("," if state and event.message else ""), event.message,
                 f"(ETA {eta:.0f} s)" if isinstance(eta, (int, float)) else ""]
        stream = self.stream or sys.stderr
        stream.write(" ".join(part for part in parts if part).rstrip(":") + "\n")
        stream.flush()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


NULL_PROGRESS = Progress()
