"""Text edits the server proposes: insertions and replacements as ``WorkspaceEdit``s.

The server never writes user files itself; every change goes to the client as a
``workspace/applyEdit`` (undoable) or as a code action's edit.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument

DART_LANGUAGE = "dart"


def is_dart(document: TextDocument) -> bool:
    return document.language_id == DART_LANGUAGE or document.uri.lower().endswith(".dart")


def indent_code(code: str, indent: str) -> str:
    """Indent every non-empty line of ``code`` after the first by ``indent``."""
    if not indent:
        return code
    lines = code.split("\n")
    return "\n".join([lines[0]] + [indent + line if line.strip() else line for line in lines[1:]])


def text_for_insertion(document: TextDocument, position: types.Position, code: str) -> str:
    """The generated ``code`` shaped for the cursor: on its own lines, indented like the cursor line."""
    code = code.strip("\n")
    lines = document.lines
    line = lines[position.line].rstrip("\r\n") if position.line < len(lines) else ""
    offset = document.offset_at_position(position) - document.offset_at_position(
        types.Position(line=position.line, character=0)) if position.line < len(lines) else 0
    before, after = line[:offset], line[offset:]
    indent = before[: len(before) - len(before.lstrip())] if before.strip() else before
    text = indent_code(code, indent)
    if before.strip():
        text = "\n" + indent + text
    if after.strip():
        text = text + "\n" + indent
    return text


def clamp_position(document: TextDocument, position: types.Position) -> types.Position:
    """The nearest valid position (a cursor past the end goes to the end)."""
    lines = document.lines
    if not lines:
        return types.Position(line=0, character=0)
    if position.line >= len(lines):
        last = lines[-1].rstrip("\r\n")
        if lines[-1].endswith("\n"):
            return types.Position(line=len(lines), character=0)
        return types.Position(line=len(lines) - 1, character=len(last.encode("utf-16-le")) // 2)
    line = lines[position.line].rstrip("\r\n")
    return types.Position(line=position.line, character=min(position.character, len(line.encode("utf-16-le")) // 2))


def range_after_insert(position: types.Position, text: str) -> types.Range:
    """Where ``text`` lies once inserted at ``position`` (characters in UTF-16 code units, as LSP counts)."""
    lines = text.split("\n")
    last = len(lines[-1].encode("utf-16-le")) // 2
    end = types.Position(line=position.line + len(lines) - 1,
                         character=(position.character + last) if len(lines) == 1 else last)
    return types.Range(start=position, end=end)


def workspace_edit(uri: str, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: edits})


def insert(position: types.Position, text: str) -> types.TextEdit:
    return types.TextEdit(range=types.Range(start=position, end=position), new_text=text)


def replace(document: TextDocument, start: int, end: int, text: str) -> types.TextEdit:
    """Replace the str offsets ``start:end`` of ``document``."""
    return types.TextEdit(range=types.Range(start=document.client_position_at_offset(start),
                                            end=document.client_position_at_offset(end)), new_text=text)
