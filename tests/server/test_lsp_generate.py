"""flutterTune.generate: lazy load with progress and status, the edit lands at the cursor, queueing."""

from __future__ import annotations

import asyncio

from lsp_session import apply_text_edits
from lsprotocol import types

DOC = "import 'package:flutter/material.dart';\n\nclass Existing {}\n\n\n// end\n"


async def test_generate_inserts_code_at_the_position(session):
    await session.initialize()
    uri = session.open("lib/home.dart", DOC)
    result = await session.command("flutterTune.generate", {
        "uri": uri, "position": {"line": 4, "character": 0},
        "instruction": "A card showing a hike's name and distance"})
    assert result["applied"] is True and result["cancelled"] is False
    assert result["newTokens"] > 0 and result["stopReason"] in ("eos", "widget_end", "max_tokens")
    assert len(session.edits) == 1
    edit = session.edits[0].edit
    (edits,) = edit.changes.values()
    assert list(edit.changes) == [uri]
    assert len(edits) == 1
    assert edits[0].range.start == edits[0].range.end == types.Position(line=4, character=0)
    assert result["code"].strip() and result["code"].strip("\n") in edits[0].new_text
    line4 = len("\n".join(DOC.split("\n")[:4])) + 1
    new_text = apply_text_edits(DOC, edits)
    assert new_text == DOC[:line4] + edits[0].new_text + DOC[line4:]
    assert new_text.endswith("\n// end\n")


async def test_generate_reports_loading_and_token_progress_and_status(session):
    await session.initialize(maxNewTokens=12)
    uri = session.open("lib/a.dart", "\n")
    await session.command("flutterTune.generate", {"uri": uri, "position": {"line": 0, "character": 0},
                                                   "instruction": "A red button labelled Save"})
    titles, kinds = [], []
    for values in session.progress_values():
        kinds.append([v.kind for v in values])
        titles.extend(v.title for v in values if v.kind == "begin")
    assert "Flutter Tune: loading model" in titles
    assert "Flutter Tune: generating widget" in titles
    gen = next(k for k, vs in zip(kinds, session.progress_values()) if vs[0].title == "Flutter Tune: generating widget")
    assert gen[0] == "begin" and gen[-1] == "end" and "report" in gen
    reports = [v for vs in session.progress_values() if vs[0].title == "Flutter Tune: generating widget"
               for v in vs if v.kind == "report"]
    assert any(r.message and "tokens" in r.message for r in reports)
    # the token names the feature (the client shows generate's progress in the status bar)
    features = {str(token).split("-")[2]: values[0].title
                for token, values in session.client.progress_reports.items() if values}
    assert features == {"load": "Flutter Tune: loading model", "generate": "Flutter Tune: generating widget"}
    states = [s["state"] for s in session.statuses]
    assert "loading" in states and "generating" in states
    assert states.index("loading") < states.index("generating")
    await session.wait_for(lambda: session.statuses[-1]["state"] == "ready", what="ready")
    assert session.statuses[-1]["base"] == str(session.tiny_model_dir)


async def test_requests_during_load_wait_and_are_served_in_order(session):
    await session.initialize(maxNewTokens=8)
    uri = session.open("lib/b.dart", "\n\n\n")
    calls = [session.command("flutterTune.generate", {"uri": uri, "position": {"line": i, "character": 0},
                                                      "instruction": f"Widget number {i} with a title"})
             for i in range(3)]
    results = await asyncio.gather(*calls)
    assert all(r["applied"] for r in results)
    assert len(session.edits) == 3
    loads = [vs for vs in session.progress_values() if vs[0].title == "Flutter Tune: loading model"]
    assert len(loads) == 1  # one model, loaded once for all three
    positions = sorted(e.edit.changes[uri][0].range.start.line for e in session.edits)
    assert positions == [0, 1, 2]
    for result in results:  # each request got its own complete answer
        assert any(result["code"] in e.edit.changes[uri][0].new_text for e in session.edits)


async def test_generate_honours_time_limit_setting(session):
    # torch: the tiny model on ONNX Runtime can write all 1900 tokens within 1 s on a fast CPU
    await session.initialize(maxNewTokens=1900, timeLimitSeconds=1.0, backend="torch")
    uri = session.open("lib/c.dart", "\n")
    result = await session.command("flutterTune.generate", {"uri": uri, "position": {"line": 0, "character": 0},
                                                            "instruction": "A long list of many widgets"})
    assert result["stopReason"] in ("time_limit", "eos", "widget_end")
    assert result["seconds"] < 10


async def test_generate_uses_retrieval_when_enabled(session):
    """With a dataset and retrieval on, the user's nearest widgets go into the prompt; off, none do."""
    import json

    dataset = session.tmp_path / "dataset"
    dataset.mkdir(parents=True, exist_ok=True)
    rows = [{"instruction": "A card showing a hike's name and distance", "input": "",
             "output": "class HikeCard extends StatelessWidget {\n  const HikeCard({super.key});\n}\n",
             "source": "lib/hike_card.dart", "project": "p", "line": 1, "kind": "stateless", "name": "HikeCard",
             "instruction_source": "doc"}]
    (dataset / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    await session.initialize(retrieval={"enabled": True, "k": 1, "tokenBudget": 512}, maxNewTokens=4)
    uri = session.open("lib/a.dart", "\n")
    params = {"uri": uri, "position": {"line": 0, "character": 0}, "instruction": "A card with a hike's distance"}
    assert (await session.command("flutterTune.generate", params))["examples"] == 1
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flutterTune": {"retrieval": {"enabled": False}}}))
    await asyncio.sleep(0.5)
    assert (await session.command("flutterTune.generate", params))["examples"] == 0
