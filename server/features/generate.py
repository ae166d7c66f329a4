"""``flutterTune.generate``: write a widget from a description and insert it at a position.

Argument: ``{uri, position: {line, character}, instruction, input?, maxNewTokens?, candidates?}``
(positional ``[uri, position, instruction]`` works too). Several candidates are written and checked
(``trainer.generation``); when the machine has a Dart SDK they are formatted and the best ones analysed in
place (``runtime.dart_check``: the check ``analyzer``); the best is inserted with ``workspace/applyEdit``
(one undoable edit). Returns ``{applied, cancelled, code, stopReason, newTokens, seconds, firstTokenSeconds,
examples, backend, passed, checks, failed, unresolved, range, candidates: [{text, code, passed, checks,
failed, unresolved, meanLogprob, stopReason, newTokens, mended, diagnostics}], noAdapter}`` — ``range`` is
where the inserted text now lies and each candidate's ``text`` is ready to replace it, so the editor can
step through them; ``unresolved`` says what did not resolve against the API index ("Text: no parameter
'color'", "unknown class TrailIcon"; [] without an index); ``diagnostics`` are the analyzer's errors and
warnings inside the widget (line 1 = its first line).
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from dataset_tools.converter import NonEmptyStr
from dataset_tools.settings import same_setting
from trainer.generation.generate import GenerationSettings

from ..app import FlutterTuneServer
from ..runtime.arguments import Position, arg, command_args
from ..runtime.dart_check import check_with_dart, dart_for, placement, snapshot
from ..runtime.editor_generation import generate_for_editor
from ..runtime.edits import clamp_position, insert, is_dart, range_after_insert, text_for_insertion, workspace_edit
from ..runtime.engine import GenerationRequest
from ..runtime.errors import RequestFailed, invalid_params

GENERATE = "flutterTune.generate"


@dataclass(frozen=True, kw_only=True)
class GenerateArgs:
    """The argument (the bounds of ``maxNewTokens`` and ``candidates`` are the settings' own)."""

    uri: NonEmptyStr
    position: Position
    instruction: NonEmptyStr = arg(aliases=("description", "prompt"))
    input: str = ""
    max_new_tokens: int | None = same_setting(GenerationSettings, "max_new_tokens", default=None)
    candidates: int | None = same_setting(GenerationSettings, "candidates", default=None)


POSITIONAL = ("uri", "position", "instruction")
NO_ADAPTER = ("No trained adapter yet: this is the base model, not your style. Harvest your project and train "
              "(Flutter Tune: Harvest Workspace, then Train Adapter), or run the demo.")


def diagnostic_payload(diagnostic) -> dict:
    return {"severity": diagnostic.severity.lower(), "code": diagnostic.code.lower(), "message": diagnostic.message,
            "line": diagnostic.line, "column": diagnostic.column}


def candidate_payload(candidate, text: str | None = None) -> dict:
    return {"text": candidate.code if text is None else text, "code": candidate.code, "passed": candidate.passed,
            "checks": candidate.checks, "failed": candidate.failed, "unresolved": candidate.unresolved,
            "meanLogprob": round(candidate.mean_logprob, 4) if candidate.new_tokens else None,
            "stopReason": candidate.stop_reason, "newTokens": candidate.new_tokens, "mended": list(candidate.mended),
            "diagnostics": [diagnostic_payload(d) for d in candidate.diagnostics]}


def result_payload(result, applied: bool, *, texts: list[str] | None = None, where=None,
                   no_adapter: bool = False) -> dict:
    """The command's answer; ``texts`` are the candidates shaped for insertion at ``where``."""
    texts = texts or [None] * len(result.candidates)
    return {
        "applied": applied, "cancelled": False, "code": result.code, "stopReason": result.stop_reason,
        "newTokens": result.new_tokens, "seconds": round(result.seconds, 3),
        "firstTokenSeconds": None if result.first_token_seconds is None else round(result.first_token_seconds, 3),
        "examples": result.examples, "backend": result.backend, "passed": result.passed,
        "checks": result.checks, "failed": result.failed, "unresolved": result.unresolved,
        "range": _range(where, texts[0]) if applied and where is not None and texts and texts[0] else None,
        "candidates": [candidate_payload(c, t) for c, t in zip(result.candidates, texts)],
        "noAdapter": no_adapter,
    }


def _range(where, text: str) -> dict:
    r = range_after_insert(where, text)
    return {"start": {"line": r.start.line, "character": r.start.character},
            "end": {"line": r.end.line, "character": r.end.character}}


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


async def generate(ls: FlutterTuneServer, *args) -> dict:
    options = command_args(GENERATE, args, GenerateArgs, positional=POSITIONAL)
    uri = options.uri
    try:
        document = ls.workspace.get_text_document(uri)
        source = document.source
    except Exception as exc:
        raise invalid_params(f"{GENERATE}: cannot read document {uri}: {exc}") from exc
    if not is_dart(document):
        raise RequestFailed(f"{GENERATE}: {uri} is not a Dart file; open a .dart file to insert a widget.")
    request = GenerationRequest(instruction=options.instruction, input=options.input, context_code=source[-4000:],
                                max_new_tokens=options.max_new_tokens, candidates=options.candidates)
    result = await generate_for_editor(ls, ls.jobs, ls.engine, request, "generate", "Flutter Tune: generating widget")
    if result is None:
        return dict(CANCELLED)
    no_adapter = ls.models.active_adapter_path() is None
    if no_adapter:
        ls.status.update(message=NO_ADAPTER)
    if not result.code.strip():
        ls.warn("The model wrote no code for this description. Try rephrasing it."
                + (f" {NO_ADAPTER}" if no_adapter else ""))
        return result_payload(result, False, no_adapter=no_adapter)
    document = ls.workspace.get_text_document(uri)  # it may have changed while generating
    where = clamp_position(document, options.position.to_lsp())
    dart = dart_for(ls.settings, document, ls.workspace)
    if dart is not None:
        result = await check_with_dart(ls, ls.jobs, request, "generate", result, dart, _insertion(document, where))
        if result is None:
            return dict(CANCELLED)
        document = ls.workspace.get_text_document(uri)  # and while it was checked
        where = clamp_position(document, options.position.to_lsp())
    texts = [text_for_insertion(document, where, c.code) for c in result.candidates]
    edit = workspace_edit(uri, [insert(where, texts[0])])
    applied = await apply_edit(ls, edit, "Flutter Tune: generate widget")
    if applied and not result.passed:  # the editor shows the checks with the result; the log keeps them
        ls.log(f"The inserted widget failed these checks: {', '.join(result.failed)}.")
    if applied and result.unresolved:
        ls.log(f"In the inserted widget, these do not resolve: {'; '.join(result.unresolved)}.")
    if applied and result.mended:
        ls.log(f"Mended in the inserted widget: {'; '.join(result.mended)}.")
    errors = [d for d in result.best.diagnostics if d.is_error]
    if applied and errors:
        ls.log("The Dart analyzer found errors in the inserted widget: "
               + "; ".join(f"line {d.line}: {d.message}" for d in errors))
    return result_payload(result, applied, texts=texts, where=where, no_adapter=no_adapter)


def _insertion(document, where: types.Position):
    """Where a candidate goes for the final check: inserted at ``where``, shaped as it will be inserted."""
    document = snapshot(document)
    offset = document.offset_at_position(where)
    return placement(document, offset, offset, lambda code: text_for_insertion(document, where, code))


def register(server: FlutterTuneServer) -> None:
    server.command(GENERATE)(generate)
