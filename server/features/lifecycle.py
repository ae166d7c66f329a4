"""Settings and session lifecycle: initialize, initialized, didChangeConfiguration, progress cancel, shutdown.

Settings come from ``initializationOptions`` and ``workspace/didChangeConfiguration`` (pushed
settings, or pulled with ``workspace/configuration`` when the client sends none). Problems are
shown as warnings; a change of base/adapter/quantization/device reloads a loaded model.
"""

from __future__ import annotations

from lsprotocol import types

from ..app import FlutterTuneServer
from ..settings import SECTION, merge_settings


def apply_settings(ls: FlutterTuneServer, values, source: str) -> list[str]:
    old = ls.settings
    new, warnings = merge_settings(old, values, source=source)
    ls.settings = new
    for warning in warnings:
        ls.warn(warning)
    ls.models.settings_changed(old, new)  # reloads a loaded model when the settings choose another one
    ls.status.refresh_resumable()
    return warnings


def initialize(ls: FlutterTuneServer, params: types.InitializeParams) -> None:
    ls.bind_loop()
    ls.settings, warnings = merge_settings(ls.settings, params.initialization_options,
                                           source="initializationOptions")
    ls.startup_warnings.extend(warnings)  # the client shows messages only once initialized


def initialized(ls: FlutterTuneServer, params: types.InitializedParams) -> None:
    for warning in ls.startup_warnings:
        ls.warn(warning)
    ls.startup_warnings.clear()
    ls.status.refresh_resumable()


async def did_change_configuration(ls: FlutterTuneServer, params: types.DidChangeConfigurationParams) -> None:
    values = params.settings
    if values is None or (isinstance(values, dict) and not values):
        try:
            pulled = await ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)]))
        except Exception as exc:  # the client cannot answer: keep the current settings
            ls.log(f"workspace/configuration failed: {exc}")
            return
        values = pulled[0] if pulled else None
    apply_settings(ls, values, source=SECTION)


def progress_cancel(ls: FlutterTuneServer, params: types.WorkDoneProgressCancelParams) -> None:
    ls.jobs.cancel_progress(params.token)


def shutdown(ls: FlutterTuneServer, params) -> None:
    ls.jobs.cancel_all()


def register(server: FlutterTuneServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)(progress_cancel)
    server.feature(types.SHUTDOWN)(shutdown)
