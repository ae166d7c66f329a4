"""Code actions in Dart files: listed from the syntax tree where they apply, absent elsewhere,
resolved lazily (model runs only on resolve) into edits at the right place."""

from __future__ import annotations

from lsp_session import apply_text_edits

DART = """\
import 'package:flutter/material.dart';

// A card with a title and a subtitle and rounded corners.

/// A badge showing the difficulty.
class DifficultyBadge extends StatelessWidget {
  const DifficultyBadge({super.key, required this.level});
  final int level;

  @override
  Widget build(BuildContext context) {
    return Padding(
      padding: const EdgeInsets.all(8),
      child: Text('Level $level'),
    );
  }
}

Widget buildHeader(BuildContext context, String title) {
  return Text(title);
}

int notAWidget() => 3;
// TODO fix this later
"""
GENERATE, REWRITE, DOC, EXTRACT = ("Generate widget from this comment", "Rewrite in my style",
                                   "Add a doc comment", "Extract into a widget in my style")


def titles(actions):
    return {a.title for a in actions}


async def test_actions_listed_where_expected_and_absent_elsewhere(session):
    await session.initialize()
    uri = session.open("lib/badge.dart", DART)
    assert titles(await session.code_actions(uri, 2, 10)) == {GENERATE}       # describing comment
    assert titles(await session.code_actions(uri, 4, 8)) == set()             # doc comment of a class
    assert titles(await session.code_actions(uri, 6, 10)) == {REWRITE}        # in a documented widget class
    assert titles(await session.code_actions(uri, 11, 12)) == {REWRITE, EXTRACT}  # on Padding( in build()
    assert titles(await session.code_actions(uri, 13, 15)) == {REWRITE, EXTRACT}  # on Text in child:
    assert titles(await session.code_actions(uri, 19, 10)) == {REWRITE, DOC}  # Widget-returning function
    assert titles(await session.code_actions(uri, 22, 10)) == set()           # int function
    assert titles(await session.code_actions(uri, 23, 5)) == set()            # TODO comment
    assert titles(await session.code_actions(uri, 0, 5)) == set()             # import
    # listing never loads the model
    assert all(s["state"] == "idle" for s in session.statuses)
    assert not any(vs[0].title == "Flutter Tune: loading model" for vs in session.progress_values())


async def test_no_actions_in_non_dart_documents(session):
    await session.initialize()
    uri = session.open("notes.md", DART, language="markdown")
    assert await session.code_actions(uri, 2, 10) == []
    assert await session.code_actions(uri, 11, 12) == []


async def test_only_filter_is_respected(session):
    from lsprotocol import types

    await session.initialize()
    uri = session.open("lib/badge.dart", DART)
    pos = types.Position(line=11, character=12)
    result = await session.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=pos, end=pos),
        context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.RefactorExtract])))
    assert titles(result) == {EXTRACT}


async def resolve(session, uri, line, character, title):
    (action,) = [a for a in await session.code_actions(uri, line, character) if a.title == title]
    assert action.edit is None  # lazy: no edit (and no model call) until resolved
    resolved = await session.client.code_action_resolve_async(action)
    assert resolved.edit is not None
    return resolved.edit.changes[uri]


async def test_each_action_resolves_into_an_edit(session):
    await session.initialize(maxNewTokens=16)
    uri = session.open("lib/badge.dart", DART)
    lines = DART.split("\n")

    edits = await resolve(session, uri, 2, 10, GENERATE)
    assert len(edits) == 1 and edits[0].range.start.line == 3 and edits[0].range.start.character == 0
    assert edits[0].new_text.strip()

    edits = await resolve(session, uri, 19, 10, DOC)
    assert len(edits) == 1 and edits[0].range.start.line == 18 and edits[0].range.start == edits[0].range.end
    assert edits[0].new_text.startswith("/// ") and edits[0].new_text.endswith("\n")
    assert edits[0].new_text.count("\n") == 1

    edits = await resolve(session, uri, 6, 10, REWRITE)
    assert len(edits) == 1
    assert (edits[0].range.start.line, edits[0].range.start.character) == (5, 0)
    assert (edits[0].range.end.line, edits[0].range.end.character) == (16, 1)
    assert edits[0].new_text.strip()

    edits = await resolve(session, uri, 13, 15, EXTRACT)
    insert = edits[0]
    assert (insert.range.start.line, insert.range.start.character) == (16, 1)  # after the class
    assert insert.new_text.startswith("\n\n")
    for edit in edits[1:]:  # the expression replaced by a call to the new class, when it declared one
        assert (edit.range.start.line, edit.range.start.character) == (13, 13)
        assert edit.range.end.character == len(lines[13]) - 1
    new_text = apply_text_edits(DART, edits)
    assert new_text.startswith(DART[: DART.index("class DifficultyBadge")])


async def test_resolve_with_bad_data_is_an_error_and_server_stays_up(session):
    from lsprotocol import types
    from pygls.exceptions import JsonRpcException

    await session.initialize()
    uri = session.open("lib/badge.dart", DART)
    bad = types.CodeAction(title="x", data={"action": "nope"})
    try:
        await session.client.code_action_resolve_async(bad)
        raise AssertionError("expected an error")
    except JsonRpcException as exc:
        assert "not listed by Flutter Tune" in exc.message
    # the action no longer applies after an edit removed the comment
    (action,) = [a for a in await session.code_actions(uri, 2, 10) if a.title == GENERATE]
    changed = DART.replace("// A card with a title and a subtitle and rounded corners.\n", "int x = 1;\n")
    session.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=changed)]))
    try:
        await session.client.code_action_resolve_async(action)
        raise AssertionError("expected an error")
    except JsonRpcException as exc:
        assert "no longer applies" in exc.message
    assert titles(await session.code_actions(uri, 19, 10)) == {REWRITE, DOC}
