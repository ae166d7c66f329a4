"""The final check through the language server, with the stand-in Dart SDK (tests/fixtures/fake_dart/dart.py)
named by the `flutterSdkPath` setting: the candidates formatted, the best analysed in a scratch copy of the
project, the verdict in the answer, the user's project never written; a crashing dart changes nothing
but the log; without an SDK there is no final check."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from lsp_session import apply_text_edits
from lsprotocol import types

from trainer.generation.analyzer import MAX_ANALYZED

HOME = "trail_app/lib/screens/home.dart"
END = {"line": 16, "character": 0}  # after "// widgets below"
TITLE = "Flutter Tune: checking with the Dart analyzer"


@pytest.fixture
def dart_runs(tmp_path, monkeypatch):
    """The stand-in's runs (argv and cwd of each) in the server's process tree: set before the server starts."""
    log = tmp_path / "dart-runs.jsonl"
    monkeypatch.setenv("FAKE_DART_LOG", str(log))
    monkeypatch.delenv("FLUTTER_ROOT", raising=False)
    return lambda: [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture
def crashing_dart(monkeypatch):
    monkeypatch.setenv("FAKE_DART_MODE", "crash")


def logs(session) -> list[str]:
    return [m.message for m in session.client.log_messages]


def outside(project: Path, run: dict) -> bool:
    """Whether a dart run worked, and named files, only outside ``project``."""
    paths = [Path(run["cwd"])] + [Path(a) for a in run["argv"] if a.endswith(".dart")]
    return not any(p.resolve().is_relative_to(project.resolve()) for p in paths)


async def test_the_inserted_widget_is_formatted_and_analysed_in_a_copy_of_the_project(
        dart_runs, session, flutter_project, fake_flutter_sdk, tree_snapshot):
    before = tree_snapshot(flutter_project)
    await session.initialize(flutterSdkPath=str(fake_flutter_sdk), candidates=3, maxNewTokens=24)
    text = (flutter_project / "lib/screens/home.dart").read_text()
    uri = session.open(HOME, text)
    assert uri == (flutter_project / "lib/screens/home.dart").as_uri()
    result = await session.command("flutterTune.generate", {"uri": uri, "position": END,
                                                            "instruction": "A card named TrailCard"})
    assert result["applied"] and result["code"].strip()
    best = result["candidates"][0]
    assert "analyzer" in best["checks"] and result["checks"] == best["checks"]
    errors = [d for d in best["diagnostics"] if d["severity"] == "error"]
    assert best["checks"]["analyzer"] == (not errors)
    if not best["checks"]["parses"]:  # the tiny random model's text: the analyzer finds the syntax error too
        assert errors and not best["checks"]["analyzer"] and "analyzer" in best["failed"]
    # home.dart's own mistake (a Text with color: on line 12) is not the widget's
    assert all(1 <= d["line"] <= len(best["code"].split("\n")) for d in best["diagnostics"])
    runs = dart_runs()
    assert [r["argv"][0] for r in runs][0] == "format" and 1 <= len(runs) - 1 <= MAX_ANALYZED
    assert all(r["argv"][:2] == ["analyze", "--format=machine"] for r in runs[1:])
    assert all(outside(flutter_project, r) for r in runs)
    assert tree_snapshot(flutter_project) == before
    inserted = apply_text_edits(text, session.edits[-1].edit.changes[uri])
    assert best["text"] in inserted and inserted.startswith(text)
    checking = [vs for vs in session.progress_values() if vs[0].title == TITLE]
    assert len(checking) == 1 and checking[0][-1].kind == "end"


async def test_a_code_action_gets_the_final_check_too(dart_runs, session, flutter_project, fake_flutter_sdk):
    await session.initialize(flutterSdkPath=str(fake_flutter_sdk), candidates=2, maxNewTokens=16)
    text = (flutter_project / "lib/screens/home.dart").read_text() + "\n// A chip showing a hike's tag.\n"
    uri = session.open(HOME, text)
    (action,) = [a for a in await session.code_actions(uri, 17, 5) if a.title == "Generate widget from this comment"]
    resolved = await session.client.code_action_resolve_async(action)
    assert resolved.edit is not None
    assert [r["argv"][0] for r in dart_runs()][:2] == ["format", "analyze"]
    assert all(outside(flutter_project, r) for r in dart_runs())


async def test_a_crashing_dart_changes_nothing_but_the_log(dart_runs, crashing_dart, session, flutter_project,
                                                           fake_flutter_sdk):
    await session.initialize(flutterSdkPath=str(fake_flutter_sdk), candidates=2, maxNewTokens=16)
    uri = session.open(HOME, (flutter_project / "lib/screens/home.dart").read_text())
    result = await session.command("flutterTune.generate", {"uri": uri, "position": END,
                                                            "instruction": "A card named TrailCard"})
    assert result["applied"] and "analyzer" not in result["checks"]
    assert result["candidates"][0]["diagnostics"] == []
    assert any(m.startswith("Dart analyzer skipped: dart analyze ended with exit code 255") for m in logs(session))
    assert not session.errors() and not session.warnings()


async def test_without_an_sdk_there_is_no_final_check_until_one_is_configured(
        dart_runs, session, flutter_project, fake_flutter_sdk):
    if shutil.which("flutter"):
        pytest.skip("a Flutter SDK is on PATH here")
    await session.initialize(candidates=2, maxNewTokens=16)
    uri = session.open(HOME, (flutter_project / "lib/screens/home.dart").read_text())
    params = {"uri": uri, "position": END, "instruction": "A card named TrailCard"}
    result = await session.command("flutterTune.generate", params)
    assert result["applied"] and "analyzer" not in result["checks"] and dart_runs() == []
    assert not any(vs[0].title == TITLE for vs in session.progress_values())
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flutterTune": {"flutterSdkPath": str(fake_flutter_sdk)}}))
    await asyncio.sleep(0.5)
    result = await session.command("flutterTune.generate", params)
    assert "analyzer" in result["checks"] and dart_runs()
