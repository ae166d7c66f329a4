"""``flutterTune/trainingProgress``: the training panel's live numbers, from the real training run."""

from __future__ import annotations

import asyncio

from lsp_session import as_dict


async def test_training_progress_carries_curves_speed_and_the_outcome(session, examples_dir):
    notes: list[dict] = []

    @session.client.feature("flutterTune/trainingProgress")
    def on_progress(ls, params):
        notes.append(as_dict(params))

    await session.initialize()
    harvested = await session.command("flutterTune.harvest", {"roots": [str(examples_dir / "trail_journal")]})
    assert harvested["counts"]["train"] > 0
    result = await session.command("flutterTune.train", {"maxSteps": 6, "batchSize": 2, "maxLength": 256,
                                                         "evalSteps": 3})
    assert result["cancelled"] is False
    await session.wait_for(lambda: notes and notes[-1]["state"] != "running", what="the final trainingProgress")
    running = [n for n in notes if n["state"] == "running"]
    assert running, notes
    assert len({n["job"] for n in notes}) == 1 and notes[0]["job"].startswith("train-")
    steps = [n["step"] for n in running]
    assert steps == sorted(steps) and steps[-1] <= 6
    assert all(n["totalSteps"] == 6 for n in running)
    assert any(isinstance(n.get("loss"), float) for n in running)
    assert any(isinstance(n.get("evalLoss"), float) for n in running)  # validation every 3 steps
    assert any(isinstance(n.get("learningRate"), float) and n["learningRate"] > 0 for n in running)
    assert any(isinstance(n.get("tokensPerSecond"), float) and n["tokensPerSecond"] > 0 for n in running)
    assert any(n.get("etaSeconds") is not None for n in running)
    final = notes[-1]
    assert final["state"] == "done" and final["adapter"] == result["adapter"]
    assert final["switched"] is result["switched"]


async def test_cancelled_training_ends_with_a_cancelled_notification(session, examples_dir):
    notes: list[dict] = []

    @session.client.feature("flutterTune/trainingProgress")
    def on_progress(ls, params):
        notes.append(as_dict(params))

    await session.initialize()
    await session.command("flutterTune.harvest", {"roots": [str(examples_dir / "trail_journal")]})
    _, training = session.send_command("flutterTune.train", {"maxSteps": 500, "batchSize": 1, "maxLength": 128})
    await session.wait_for(lambda: any(n["state"] == "running" for n in notes), what="a training step")
    await session.command("flutterTune.cancel", {"job": "train"})
    result = await asyncio.wait_for(training, 120)
    assert result["cancelled"] is True
    await session.wait_for(lambda: notes[-1]["state"] == "cancelled", what="the cancelled notification")
