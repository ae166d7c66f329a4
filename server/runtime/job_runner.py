"""Run work as a cancellable job with work-done progress: how every generation, harvest, training and
evaluation runs.

``run_job`` registers the job (``flutterTune.cancel`` finds it by id or kind), hooks the request's
``$/cancelRequest`` to it, shows its ``WorkDone`` progress (whose Cancel button reaches it too), awaits
the Future that ``start()`` returns and turns failures into readable LSP errors. Every kind of cancel
calls ``work.cancel()``, which the work sees (``progress.is_cancelled``, its cancel event) between units
of work. The job keeps its slot, and its progress stays open, until the work has really stopped: a
request cancelled with ``$/cancelRequest`` is answered at once, but a second job of an exclusive kind
is refused until the first one has ended.

``run_in_background`` is the form for long commands (harvest, train, evaluate): ``fn(progress)`` in
its own thread, one job of a kind at a time.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable

from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import Progress, ProgressEvent

from .client import Client
from .errors import RequestFailed
from .jobs import JobCancelled, JobRegistry, run_in_thread
from .model_host import is_out_of_memory
from .progress_bridge import WorkDone

logger = logging.getLogger(__name__)


@dataclass
class JobOutcome:
    """``value``: what the work returned (None when it stopped on cancel); ``message``: why it stopped early."""

    value: Any = None
    cancelled: bool = False
    message: str = ""
    error: Exception | None = None  # what the work raised when it stopped on cancel


def failure(title: str, exc: Exception) -> RequestFailed:
    """The LSP error for work that failed (not cancelled): the user's message, or what went wrong."""
    if isinstance(exc, FlutterTuneError):
        return RequestFailed(str(exc))
    logger.error("%s failed", title, exc_info=exc)
    if is_out_of_memory(exc):
        return RequestFailed(f"{title}: out of memory. Use quantization '8bit' or '4bit', a smaller batch "
                             "or base model, and close other programs.")
    return RequestFailed(f"{title} failed: {type(exc).__name__}: {exc}")


async def run_job(client: Client, jobs: JobRegistry, kind: str, work: WorkDone, start: Callable[[], Future], *,
                  exclusive: bool = False, begin_message: str = "",
                  summary: Callable[[Any], str] | None = None,
                  on_stopped: Callable[[], None] | None = None) -> JobOutcome:
    """Run the work ``start()`` launches as job ``kind`` of ``jobs``, with ``work`` as its progress and cancel;
    ``client``'s cancel of the request being handled reaches it too.

    ``exclusive``: refuse while a job of this kind runs. ``summary(value)``: the progress's closing
    message when the work is done. ``on_stopped`` runs once the work has really stopped, however it ended.
    """
    running = jobs.running(kind) if exclusive else []
    if running:
        raise RequestFailed(f"A {kind} job ({running[0].id}) is already running. Wait for it or cancel it "
                            "with flutterTune.cancel.")
    job = jobs.start(kind, work.cancel, work.title)
    forget_cancel = client.on_cancel_request(work.cancel)

    def release(ending: str) -> None:
        forget_cancel()
        jobs.finish(job)
        work.end(ending)
        if on_stopped is not None:
            on_stopped()

    ending, deferred = "failed", False
    try:
        work.begin(begin_message)
        future = start()
        value = await asyncio.wrap_future(future)
        ending = "cancelled" if work.is_cancelled else (summary(value) if summary else "done")
        return JobOutcome(value=value, cancelled=work.is_cancelled)
    except asyncio.CancelledError:  # $/cancelRequest: answered now, the slot is freed when the work stops
        work.cancel()
        ending = "cancelled"
        deferred = not future.done()
        if deferred:
            future.add_done_callback(lambda _: client.call_soon(release, ending))
        raise
    except (FlutterTuneError, JobCancelled) as exc:
        if not work.is_cancelled:
            raise failure(work.title, exc) from exc
        ending = "cancelled"
        return JobOutcome(cancelled=True, message=str(exc), error=exc)
    except Exception as exc:
        raise failure(work.title, exc) from exc
    finally:
        if not deferred:
            release(ending)


async def run_in_background(client: Client, jobs: JobRegistry, kind: str, title: str,
                            fn: Callable[[Progress], Any], *,
                            describe: Callable[[ProgressEvent], str] | None = None,
                            on_event: Callable[[ProgressEvent], None] | None = None,
                            on_stopped: Callable[[], None] | None = None) -> JobOutcome:
    """Run ``fn(progress)`` in its own thread as job ``kind`` (one at a time), forwarding its progress
    events to the client; ``describe`` words a step, ``on_event`` sees every event."""
    work = WorkDone(client, jobs, kind, title, describe=describe, on_event=on_event)
    return await run_job(client, jobs, kind, work, lambda: run_in_thread(kind, fn, work.progress), exclusive=True,
                         on_stopped=on_stopped)
