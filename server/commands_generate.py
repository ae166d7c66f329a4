"""``flutterTune.generate``: write a widget from a description and insert it at a position.

Argument: ``{uri, position: {line, character}, instruction, input?, maxNewTokens?}``
(positional ``[uri, position, instruction]`` works too). The code is inserted with
``workspace/applyEdit`` (one undoable edit). Returns ``{applied, cancelled, code, stopReason,
newTokens, seconds, firstTokenSeconds}``.
"""

from __future__ import annotations

from lsprotocol import types

from .app import FlutterTuneServer
from .editor_generation import generate_for_editor
from .edits import clamp_position, insert, is_dart, text_for_insertion, workspace_edit
from .engine import GenerationRequest
from .errors import RequestFailed, command_options, get_number, get_position, get_str, invalid_params

GENERATE = "flutterTune.generate"


def result_payload(result, applied: bool) -> dict:
    return {
        "applied": applied, "cancelled": False, "code": result.code, "stopReason": result.stop_reason,
        "newTokens": result.new_tokens, "seconds": round(result.seconds, 3),
        "firstTokenSeconds": None if result.first_token_seconds is None else round(result.first_token_seconds, 3),
        "examples": result.examples,
    }


CANCELLED = {"applied": False, "cancelled": True, "code": "", "stopReason": "cancelled", "newTokens": 0}


async def apply_edit(ls: FlutterTuneServer, edit: types.WorkspaceEdit, label: str) -> bool:
    try:
        response = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=label))
    except Exception as exc:  # the client failed to apply: report, do not crash
        ls.warn(f"The editor could not apply the edit: {exc}")
        return False
    if not response.applied:
        ls.warn(f"The editor did not apply the edit{': ' + response.failure_reason if response.failure_reason else '.'}")
    return bool(response.applied)


def register(server: FlutterTuneServer) -> None:
    @server.command(GENERATE)
    async def generate(ls: FlutterTuneServer, *args):
        options = command_options(GENERATE, args, positional=("uri", "position", "instruction"))
        uri = get_str(GENERATE, options, "uri", required=True)
        position = get_position(GENERATE, options)
        instruction = get_str(GENERATE, options, "instruction", required=True, aliases=("description", "prompt"))
        extra = get_str(GENERATE, options, "input", default="") or ""
        max_new = get_number(GENERATE, options, "maxNewTokens", low=1, high=8192)
        try:
            document = ls.workspace.get_text_document(uri)
            source = document.source
        except Exception as exc:
            raise invalid_params(f"{GENERATE}: cannot read document {uri}: {exc}") from exc
        if not is_dart(document):
            raise RequestFailed(f"{GENERATE}: {uri} is not a Dart file; open a .dart file to insert a widget.")
        request = GenerationRequest(instruction=instruction, input=extra, context_code=source[-4000:],
                                    max_new_tokens=int(max_new) if max_new else None)
        result = await generate_for_editor(ls, request, "Flutter Tune: generating widget")
        if result is None:
            return dict(CANCELLED)
        if not result.code.strip():
            ls.warn("The model wrote no code for this description. Try rephrasing it.")
            return result_payload(result, False)
        document = ls.workspace.get_text_document(uri)  # it may have changed while generating
        where = clamp_position(document, position)
        edit = workspace_edit(uri, [insert(where, text_for_insertion(document, where, result.code))])
        applied = await apply_edit(ls, edit, "Flutter Tune: generate widget")
        return result_payload(result, applied)
