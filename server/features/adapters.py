"""``flutterTune.listAdapters`` and ``flutterTune.useAdapter``: see and switch adapters without a restart.

listAdapters → ``[{path, name, created, base, validationLoss, active}]`` (newest first).
useAdapter ``{adapter: folder | name | "active" | "latest" | null}`` (or the value alone) → makes it the
active adapter (persisted in the adapters folder when it is one of its adapters, or null for the base
model alone), loads it and returns ``{base, adapter, name}`` as now active (the base alone when it had
to fall back, with a warning).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from dataset_tools.errors import FlutterTuneError

from ..app import FlutterTuneServer
from ..runtime.arguments import arg, command_args
from ..runtime.errors import RequestFailed

LIST_ADAPTERS = "flutterTune.listAdapters"
USE_ADAPTER = "flutterTune.useAdapter"


@dataclass(frozen=True, kw_only=True)
class UseAdapterArgs:
    adapter: str | None = arg(help='a folder, a name, "latest" or null')


def list_adapters(ls: FlutterTuneServer, *args) -> list[dict]:
    from trainer.adapters import list_adapters as find

    folder = ls.settings.adapters_folder()
    try:
        adapters = find(folder)
    except (FlutterTuneError, OSError) as exc:
        raise RequestFailed(f"Cannot list adapters in {folder}: {exc}") from exc
    active = ls.models.current_adapter()
    active = active.resolve() if active else None
    return [{"path": str(a.path), "name": a.name, "created": a.created, "base": a.base,
             "validationLoss": a.best_validation_loss, "active": active == a.path.resolve()}
            for a in adapters]


async def use_adapter(ls: FlutterTuneServer, *args) -> dict:
    from trainer.adapters import resolve_adapter

    spec = command_args(USE_ADAPTER, args, UseAdapterArgs, positional=("adapter",)).adapter
    if spec:
        try:
            path = resolve_adapter(ls.settings.adapters_folder(), spec)
        except FlutterTuneError as exc:
            raise RequestFailed(str(exc)) from exc
        keyword = spec.strip().lower()
        choice = keyword if keyword in ("active", "latest") else str(path)
    else:
        choice = None
    try:
        loaded = await asyncio.wrap_future(ls.models.use_adapter(choice))
    except (FlutterTuneError, OSError) as exc:
        raise RequestFailed(str(exc)) from exc
    adapter = loaded.info.get("adapter")
    return {"base": loaded.info.get("base"), "adapter": adapter,
            "name": Path(adapter).name if adapter else None}


def register(server: FlutterTuneServer) -> None:
    server.command(LIST_ADAPTERS)(list_adapters)
    server.command(USE_ADAPTER)(use_adapter)
