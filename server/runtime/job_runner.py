"""Long commands (harvest, train, evaluate) as cancellable background jobs with work-done progress.

``run_job`` runs ``fn(progress)`` in its own thread while the server keeps answering, forwards
its ``dataset_tools.progress`` events to the client, and stops it on ``$/cancelRequest``, the
progress Cancel button or ``flutterTune.cancel`` (``progress.is_cancelled`` turns true).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import Progress, ProgressEvent

from .errors import RequestFailed
from .jobs import run_in_thread
from .model_host import is_out_of_memory
from .progress_bridge import WorkDone

if TYPE_CHECKING:
    from ..app import FlutterTuneServer

logger = logging.getLogger(__name__)


@dataclass
class JobOutcome:
    """``value``: what ``fn`` returned (None when cancelled); ``message``: why it stopped early."""

    value: Any = None
    cancelled: bool = False
    message: str = ""
    error: Exception | None = None  # what ``fn`` raised when it stopped on cancel


async def run_job(ls: FlutterTuneServer, kind: str, title: str, fn: Callable[[Progress], Any], *,
                  describe: Callable[[ProgressEvent], str] | None = None,
                  on_event: Callable[[ProgressEvent], None] | None = None,
                  on_stopped: Callable[[], None] | None = None) -> JobOutcome:
    """Run ``fn(progress)`` in its own thread as job ``kind``; one job of a kind at a time.

    The job keeps its slot (and ``on_stopped`` runs) only once the worker thread has really ended:
    a request cancelled with ``$/cancelRequest`` is answered at once, but a second job of the same
    kind is refused until the first one has stopped.
    """
    running = ls.jobs.running(kind)
    if running:
        raise RequestFailed(f"A {kind} job ({running[0].id}) is already running. Wait for it or cancel it "
                            "with flutterTune.cancel.")
    work = WorkDone(ls, title, cancellable=True, describe=describe, on_event=on_event)
    job = ls.jobs.start(kind, work.cancel, title)
    msg_id = ls.protocol.msg_id
    ls.protocol.on_cancel(msg_id, work.cancel)
    work.begin()
    worker = run_in_thread(kind, fn, work.progress)

    def release(ending: str) -> None:
        ls.protocol.forget_cancel(msg_id)
        ls.jobs.finish(job)
        work.end(ending)
        if on_stopped is not None:
            on_stopped()

    ending, deferred = "failed", False
    try:
        value = await asyncio.wrap_future(worker)
        ending = "cancelled" if work.is_cancelled else "done"
        return JobOutcome(value=value, cancelled=work.is_cancelled)
    except asyncio.CancelledError:
        work.cancel()
        deferred = not worker.done()
        if deferred:  # the request is answered now; the slot is freed when the worker has stopped
            worker.add_done_callback(lambda _: ls.call_soon(release, "cancelled"))
        ending = "cancelled"
        raise
    except FlutterTuneError as exc:
        if work.is_cancelled:
            ending = "cancelled"
            return JobOutcome(cancelled=True, message=str(exc), error=exc)
        raise RequestFailed(str(exc)) from exc
    except Exception as exc:
        logger.exception("%s failed", kind)
        if is_out_of_memory(exc):
            raise RequestFailed(f"{title}: out of memory. Use quantization '8bit' or '4bit', a smaller batch "
                                "or base model, and close other programs.") from exc
        raise RequestFailed(f"{title} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        if not deferred:
            release(ending)
