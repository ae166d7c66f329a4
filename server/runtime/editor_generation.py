"""Run one generation for an editor request as a job: queue it, show progress, honour every kind of cancel.

Used by ``flutterTune.generate`` and by code-action resolve. Cancel arrives as ``$/cancelRequest``,
as the work-done-progress Cancel button, or as ``flutterTune.cancel``; each sets the request's event
and generation stops before the next token (``job_runner.run_job``).
"""

from __future__ import annotations

from .client import Client
from .engine import GenerationEngine, GenerationRequest
from .job_runner import run_job
from .jobs import JobRegistry
from .progress_bridge import WorkDone


def summary(result) -> str:
    return f"{result.new_tokens} tokens in {result.seconds:.1f}s ({result.stop_reason})"


async def generate_for_editor(client: Client, jobs: JobRegistry, engine: GenerationEngine,
                              request: GenerationRequest, feature: str, title: str):
    """The GenerationResult of ``request`` run by ``engine`` as a job of ``jobs``, or None when cancelled.
    Failures raise RequestFailed (an LSP error). ``feature`` ("generate", "codeAction") names the progress
    for the client."""
    work = WorkDone(client, jobs, feature, title, cancel_event=request.cancel)
    limit = engine.token_limit(request)
    produced = 0

    def on_token(token_id: int, text: str) -> None:
        nonlocal produced
        produced += 1
        work.report(f"{produced} tokens", min(99, int(100 * produced / max(limit, 1))), force=produced == 1)

    request.on_token = on_token
    request.on_start = lambda: work.report("writing", 0, force=True)
    outcome = await run_job(client, jobs, "generate", work, lambda: engine.submit(request),
                            begin_message=engine.waiting_for(), summary=summary)
    if outcome.cancelled or outcome.value.stop_reason == "cancelled":
        return None
    return outcome.value
