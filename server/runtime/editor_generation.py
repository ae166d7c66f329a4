"""Run one generation for an editor request: queue it, show progress, honour every kind of cancel.

Used by ``flutterTune.generate`` and by code-action resolve. Cancel arrives as
``$/cancelRequest`` (the protocol's cancel hook, or the handler task being cancelled), as the
work-done-progress Cancel button, or as ``flutterTune.cancel``; each sets the request's event
and generation stops before the next token.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from dataset_tools.errors import FlutterTuneError

from .engine import GenerationCancelled, GenerationRequest
from .errors import RequestFailed
from .progress_bridge import WorkDone

if TYPE_CHECKING:
    from ..app import FlutterTuneServer


async def generate_for_editor(ls: FlutterTuneServer, request: GenerationRequest, title: str, token=None):
    """The GenerationResult, or None when cancelled. Failures raise RequestFailed (an LSP error)."""
    work = WorkDone(ls, title, token=token, cancel_event=request.cancel)
    job = ls.jobs.start("generate", work.cancel, title)
    msg_id = ls.protocol.msg_id
    ls.protocol.on_cancel(msg_id, work.cancel)
    limit = request.max_new_tokens or ls.settings.max_new_tokens

    produced = [0]

    def on_token(token_id: int, text: str) -> None:
        produced[0] += 1
        count = produced[0]
        work.report(f"{count} tokens", min(99, int(100 * count / max(limit, 1))), force=count == 1)

    request.on_token = on_token
    request.on_start = lambda: work.report("writing", 0, force=True)
    waiting = "waiting for the model" if not ls.models.is_loaded() else (
        "queued" if ls.status.generating or ls.engine.pending() else "")
    work.begin(waiting)
    outcome = "cancelled"
    try:
        result = await asyncio.wrap_future(ls.engine.submit(request))
        outcome = "done"
    except GenerationCancelled:
        return None
    except asyncio.CancelledError:
        work.cancel()
        raise
    except FlutterTuneError as exc:
        outcome = "failed"
        raise RequestFailed(str(exc)) from exc
    finally:
        ls.protocol.forget_cancel(msg_id)
        ls.jobs.finish(job)
        if outcome != "done":
            work.end(outcome)
    if request.cancel.is_set() or getattr(result, "stop_reason", "") == "cancelled":
        work.end("cancelled")
        return None
    work.end(f"{result.new_tokens} tokens in {result.seconds:.1f}s ({result.stop_reason})")
    return result
