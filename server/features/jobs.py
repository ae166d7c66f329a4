"""``flutterTune.cancel``: stop running work — ``{job: id | kind}`` or everything when empty.

Kinds: generate, train, harvest, evaluate. Returns ``{cancelled: [job ids], running: [job ids]}``.
"""

from __future__ import annotations

from ..app import FlutterTuneServer
from ..runtime.errors import command_options, get_str

CANCEL = "flutterTune.cancel"


def cancel(ls: FlutterTuneServer, *args) -> dict:
    options = command_options(CANCEL, args, positional=("job",))
    what = get_str(CANCEL, options, "job")
    cancelled = ls.jobs.cancel(what or None)
    return {"cancelled": cancelled, "running": [j.id for j in ls.jobs.running()]}


def register(server: FlutterTuneServer) -> None:
    server.command(CANCEL)(cancel)
