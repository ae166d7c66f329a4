"""flutterTune.generate with candidates: the best is inserted, all come back with their checks and the
range they replace; the backend setting is honoured; without an adapter the user is told what to do."""

from __future__ import annotations

import pytest
from lsp_session import apply_text_edits
from pygls.exceptions import JsonRpcException

POS = {"line": 1, "character": 2}


async def test_with_check_names_off_nothing_is_resolved(session):
    await session.initialize(candidates=1, maxNewTokens=16, checkNames=False)
    uri = session.open("lib/a.dart", "void main() {\n  \n}\n")
    result = await session.command("flutterTune.generate", {"uri": uri, "position": POS,
                                                            "instruction": "A card named TrailCard"})
    assert "resolves" not in result["candidates"][0]["checks"] and result["unresolved"] == []


async def test_candidates_come_back_with_checks_and_the_inserted_range(session):
    await session.initialize(candidates=3, maxNewTokens=16)
    text = "void main() {\n  \n}\n"
    uri = session.open("lib/a.dart", text)
    result = await session.command("flutterTune.generate", {"uri": uri, "position": POS,
                                                            "instruction": "A card named TrailCard"})
    assert result["applied"] and result["backend"] == "onnx"
    assert 1 <= len(result["candidates"]) <= 3
    best = result["candidates"][0]
    assert best["code"] == result["code"] and set(best["checks"]) >= {"parses", "declaresWidget", "requestedName"}
    assert result["checks"] == best["checks"] and result["passed"] == best["passed"]
    # the shipped Flutter index (no SDK here, no symbols in the dataset): the resolves check runs
    assert "resolves" in best["checks"] and result["unresolved"] == best["unresolved"]
    assert isinstance(best["unresolved"], list)
    edited = apply_text_edits(text, session.edits[-1].edit.changes[uri])
    lines = edited.split("\n")
    r = result["range"]
    inserted = "\n".join(lines[r["start"]["line"]:r["end"]["line"] + 1])
    inserted = inserted[r["start"]["character"]:len(inserted) - (len(lines[r["end"]["line"]]) - r["end"]["character"])]
    assert inserted == best["text"]
    assert result["noAdapter"] is True
    assert any("No trained adapter yet" in (s.get("message") or "") for s in session.statuses)


async def test_backend_setting_and_candidate_bounds(session):
    await session.initialize(backend="torch", candidates=2, maxNewTokens=8)
    uri = session.open("lib/a.dart", "\n")
    result = await session.command("flutterTune.generate", {"uri": uri, "position": {"line": 0, "character": 0},
                                                            "instruction": "A red box"})
    assert result["backend"] == "torch" and len(result["candidates"]) <= 2
    with pytest.raises(JsonRpcException, match="candidates"):
        await session.command("flutterTune.generate", {"uri": uri, "position": {"line": 0, "character": 0},
                                                       "instruction": "A red box", "candidates": 12})


def test_each_candidate_says_what_did_not_resolve_beside_its_failed_checks():
    from server.features.generate import result_payload
    from trainer.generation.candidates import Candidate
    from trainer.generation.checks import check_widget
    from trainer.generation.generate import GenerationResult

    from tests.trainer.flutter_api import FLUTTER

    good = "Widget title(String name) => Text(name);"
    bad = "Widget title(String name) => Text(name, colour: Colors.red, icon: TrailIcon());"
    candidates = [Candidate(i, code, code, 8, "widget_end", -0.5, check_widget(code, api=FLUTTER))
                  for i, code in enumerate([bad, good])]
    result = GenerationResult(bad, bad, 8, "widget_end", 1.0, 0.1, candidates=candidates)
    payload = result_payload(result, False)
    first, second = payload["candidates"]
    assert first["failed"] == ["resolves"] and payload["failed"] == ["resolves"]
    assert first["unresolved"] == payload["unresolved"] == [
        "Text: no parameter 'colour'", "Text: no parameter 'icon'", "unknown class TrailIcon"]
    assert second["passed"] and second["checks"]["resolves"] and second["unresolved"] == []
