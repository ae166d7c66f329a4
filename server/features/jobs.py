"""``flutterTune.cancel``: stop running work — ``{job: id | kind}`` or everything when empty.

Kinds: generate, train, harvest, evaluate. Returns ``{cancelled: [job ids], running: [job ids]}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..app import FlutterTuneServer
from ..runtime.arguments import command_args

CANCEL = "flutterTune.cancel"


@dataclass(frozen=True, kw_only=True)
class CancelArgs:
    job: str | None = None  # a job id or kind; none: every job


def cancel(ls: FlutterTuneServer, *args) -> dict:
    what = command_args(CANCEL, args, CancelArgs, positional=("job",)).job
    cancelled = ls.jobs.cancel(what or None)
    return {"cancelled": cancelled, "running": [j.id for j in ls.jobs.running()]}


def register(server: FlutterTuneServer) -> None:
    server.command(CANCEL)(cancel)
