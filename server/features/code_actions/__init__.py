"""Code actions in Dart files, listed from the syntax tree and resolved lazily with the model.

Listing (``textDocument/codeAction``) only parses the document with tree-sitter: no model call.
Each action carries ``data`` (which action, where); ``codeAction/resolve`` runs the model (and, when the
machine has a Dart SDK, the final check of the widget in its place: ``runtime.dart_check``) and fills in
the edit:
- "Generate widget from this comment": the code goes under the comment;
- "Rewrite in my style": the widget class/function is replaced by the model's version;
- "Add a doc comment": a ``///`` line above the declaration (offered when it has none);
- "Extract into a widget in my style": a new widget class after the enclosing declaration,
  and the expression replaced by a call to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cattrs
from lsprotocol import types
from pygls.workspace import TextDocument

from dataset_tools.converter import converter
from dataset_tools.dart import parse
from dataset_tools.dart.names import identifier_words

from ...app import FlutterTuneServer
from ...runtime.arguments import Position
from ...runtime.dart_check import check_with_dart, dart_for, placement, snapshot
from ...runtime.editor_generation import generate_for_editor
from ...runtime.edits import indent_code, is_dart, replace, workspace_edit
from ...runtime.engine import GenerationRequest
from ...runtime.errors import RequestFailed, invalid_params
from .dart_context import DartContext, analyze, comment_text

GENERATE_FROM_COMMENT = "generateFromComment"
REWRITE = "rewrite"
DOC_COMMENT = "docComment"
EXTRACT = "extract"

TITLES = {
    GENERATE_FROM_COMMENT: "Generate widget from this comment",
    REWRITE: "Rewrite in my style",
    DOC_COMMENT: "Add a doc comment",
    EXTRACT: "Extract into a widget in my style",
}
KINDS = {
    GENERATE_FROM_COMMENT: types.CodeActionKind.Refactor,
    REWRITE: types.CodeActionKind.RefactorRewrite,
    DOC_COMMENT: types.CodeActionKind.Refactor,
    EXTRACT: types.CodeActionKind.RefactorExtract,
}
DOC_MAX_CHARS = 100


@dataclass(frozen=True, kw_only=True)
class ActionData:
    """What a listed action carries (its ``data``) to its resolve: which action, in which document, where."""

    action: str = field(metadata={"choices": tuple(TITLES)})
    uri: str
    position: Position


def applicable(ctx: DartContext) -> list[str]:
    """Which actions fit the cursor (in the order they are listed)."""
    actions = []
    if ctx.comment is not None:
        actions.append(GENERATE_FROM_COMMENT)
    if ctx.expression is not None:
        actions.append(EXTRACT)
    if ctx.widget is not None:
        actions.append(REWRITE)
        if not ctx.widget.has_doc:
            actions.append(DOC_COMMENT)
    return actions


def _wanted(kind: str, only: list[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def _document_context(ls: FlutterTuneServer, uri: str, position: types.Position) -> tuple[TextDocument, DartContext] | None:
    try:
        document = ls.workspace.get_text_document(uri)
        if not is_dart(document):
            return None
        source = document.source
        offset = document.offset_at_position(position)
    except (OSError, IndexError, ValueError, TypeError):  # unreadable or not a file: no actions
        return None
    return document, analyze(source, offset)


def code_action(ls: FlutterTuneServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """``textDocument/codeAction``: the actions that fit the cursor, from the syntax tree only."""
    found = _document_context(ls, params.text_document.uri, params.range.start)
    if found is None:
        return []
    document, ctx = found
    only = [str(k.value if hasattr(k, "value") else k) for k in (params.context.only or [])]
    position = Position(line=params.range.start.line, character=params.range.start.character)
    return [
        types.CodeAction(title=TITLES[action], kind=KINDS[action],
                         data=converter.unstructure(ActionData(action=action, uri=document.uri, position=position)))
        for action in applicable(ctx) if _wanted(KINDS[action].value, only)
    ]


# --- resolving: prompts and edits -----------------------------------------------------------
def doc_comment_line(output: str, name: str, indent: str) -> str:
    """A one-line ``///`` comment from the model's output (or a plain one naming the widget)."""
    text = ""
    for line in output.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("//"):
            text = comment_text(line)
        elif not re.search(r"[{};()=<>\[\]]", line) and len(line.split()) >= 3:
            text = line
        break
    if not text:
        words = " ".join(identifier_words(name)).lower()
        text = f"The {words} widget."
    if len(text) > DOC_MAX_CHARS:
        text = text[: DOC_MAX_CHARS - 3].rstrip() + "..."
    return f"{indent}/// {text}\n"


def declared_class(code: str) -> str | None:
    root = parse(code).root_node
    for child in root.children:
        if child.type == "class_definition":
            for part in child.children:
                if part.type == "identifier":
                    return part.text.decode("utf-8", errors="replace")
    return None


def extracted_name(owner: str, type_name: str) -> str:
    owner = re.sub(r"State$", "", owner.lstrip("_")) or "My"
    return f"_{owner}{type_name}"


def _prompt(action: str, ctx: DartContext, source: str) -> tuple[str, str]:
    if action == GENERATE_FROM_COMMENT:
        return ctx.comment.text, ""
    if action == EXTRACT:
        expr = ctx.expression
        name = extracted_name(expr.owner, expr.type_name)
        return (f"Extract this widget tree into a new StatelessWidget named {name}.",
                source[expr.span.start:expr.span.end])
    widget = ctx.widget
    code = source[widget.span.start:widget.span.end]
    if action == REWRITE:
        return f"Rewrite the Flutter widget {widget.name} in my style, keeping what it does.", code
    return f"Write a one-line /// doc comment that describes the widget {widget.name}.", code


def _edits(action: str, ctx: DartContext, document: TextDocument, code: str) -> list[types.TextEdit]:
    source = document.source
    if action == GENERATE_FROM_COMMENT:
        end = ctx.comment.span.end
        line_start = source.rfind("\n", 0, ctx.comment.span.start) + 1
        indent = source[line_start:ctx.comment.span.start]
        indent = indent if not indent.strip() else ""
        newline = source.find("\n", end)
        body = indent + indent_code(code.strip("\n"), indent) + "\n"
        if newline == -1:
            return [replace(document, len(source), len(source), "\n" + body)]
        return [replace(document, newline + 1, newline + 1, body)]
    if action == DOC_COMMENT:
        widget = ctx.widget
        return [replace(document, widget.doc_at, widget.doc_at, doc_comment_line(code, widget.name, widget.indent))]
    if action == REWRITE:
        widget = ctx.widget
        return [replace(document, widget.span.start, widget.span.end, indent_code(code.strip("\n"), widget.indent))]
    expr = ctx.expression
    name = declared_class(code)
    edits = [replace(document, expr.insert_at, expr.insert_at, "\n\n" + code.strip("\n"))]
    if name:
        edits.append(replace(document, expr.span.start, expr.span.end, f"{name}()"))
    return edits


def _expected_name(action: str, ctx: DartContext) -> str | None:
    """The widget name the generated code must declare, when the action fixes one."""
    if action == REWRITE:
        return ctx.widget.name
    if action == EXTRACT:
        return extracted_name(ctx.expression.owner, ctx.expression.type_name)
    return None


async def code_action_resolve(ls: FlutterTuneServer, action: types.CodeAction) -> types.CodeAction:
    """``codeAction/resolve``: run the model and fill in the action's edit."""
    try:
        data = converter.structure(action.data, ActionData)
    except (cattrs.BaseValidationError, TypeError) as exc:
        raise invalid_params("codeAction/resolve: this action was not listed by Flutter Tune (bad 'data').") from exc
    kind, uri, position = data.action, data.uri, data.position.to_lsp()
    found = _document_context(ls, uri, position)
    if found is None:
        raise RequestFailed(f"codeAction/resolve: {uri} is not an open Dart document.")
    document, ctx = found
    if kind not in applicable(ctx):
        raise RequestFailed(f"'{TITLES[kind]}' no longer applies here: the code changed. Ask for the action again.")
    instruction, code_input = _prompt(kind, ctx, document.source)
    request = GenerationRequest(instruction=instruction, input=code_input, context_code=code_input,
                                max_new_tokens=48 if kind == DOC_COMMENT else None,
                                candidates=1 if kind == DOC_COMMENT else None,
                                expected_name=_expected_name(kind, ctx))
    result = await generate_for_editor(ls, ls.jobs, ls.engine, request, "codeAction",
                                       f"Flutter Tune: {TITLES[kind].lower()}")
    if result is None:
        raise RequestFailed(f"'{TITLES[kind]}' was cancelled.")
    if kind != DOC_COMMENT and not result.code.strip():
        raise RequestFailed(f"The model wrote no code for '{TITLES[kind]}'. Try again or rephrase.")
    document, ctx = _still_applicable(ls, uri, position, kind)
    dart = dart_for(ls.settings, document, ls.workspace) if kind != DOC_COMMENT else None
    if dart is not None:
        result = await check_with_dart(ls, ls.jobs, request, "codeAction", result, dart,
                                       _placement(kind, ctx, document))
        if result is None:
            raise RequestFailed(f"'{TITLES[kind]}' was cancelled.")
        document, ctx = _still_applicable(ls, uri, position, kind)
    action.edit = workspace_edit(document.uri, _edits(kind, ctx, document, result.code))
    return action


def _still_applicable(ls: FlutterTuneServer, uri: str, position: types.Position, kind: str):
    """The document and its context now, when the action still applies there."""
    found = _document_context(ls, uri, position)
    if found is None or kind not in applicable(found[1]):
        raise RequestFailed(f"'{TITLES[kind]}' no longer applies here: the code changed while generating.")
    return found


def _placement(kind: str, ctx: DartContext, document: TextDocument):
    """Where the generated widget goes (the action's first edit), for the final check with the Dart SDK."""
    document = snapshot(document)
    first = _edits(kind, ctx, document, "")[0].range
    return placement(document, document.offset_at_position(first.start), document.offset_at_position(first.end),
                     lambda code: _edits(kind, ctx, document, code)[0].new_text)


def register(server: FlutterTuneServer) -> None:
    options = types.CodeActionOptions(code_action_kinds=sorted(set(KINDS.values()), key=str), resolve_provider=True)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)(code_action)
    server.feature(types.CODE_ACTION_RESOLVE)(code_action_resolve)
