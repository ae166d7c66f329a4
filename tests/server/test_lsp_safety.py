"""Reliability through the editor: nothing of the user's is deleted, one training at a time, cancel frees
the slot only when the worker stopped, resume, and after a restart the adapter the user chose is served."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsp_session import base_settings, make_adapter
from pygls.exceptions import JsonRpcException

from trainer.adapters import active_name, set_active

ROOT = Path(__file__).resolve().parents[2]
POS = {"line": 0, "character": 0}
HOLD_LOCK = """
import sys, time
from trainer.training.runs import training_lock
with training_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(120)
"""


async def test_harvest_into_the_workspace_folder_leaves_it_untouched(session, examples_dir):
    project = session.tmp_path / "my_app"
    (project / "lib").mkdir(parents=True)
    (project / "lib" / "main.dart").write_text("void main() {}\n")
    (project / "pubspec.yaml").write_text("name: my_app\n")
    await session.initialize(datasetDir=str(project))
    with pytest.raises(JsonRpcException, match=f"{project}.*not a Flutter Tune dataset folder"):
        await session.command("flutterTune.harvest", {"roots": [str(examples_dir / "trail_journal")]})
    assert sorted(str(p.relative_to(project)) for p in project.rglob("*")) == ["lib", "lib/main.dart", "pubspec.yaml"]


async def test_training_running_elsewhere_is_refused_at_once(session):
    adapters = session.tmp_path / "adapters"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(adapters)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "locked"
        await session.initialize()
        with pytest.raises(JsonRpcException, match=rf"Training is already running \(pid {holder.pid}, started at "):
            await session.command("flutterTune.train", {})
        assert all(s["state"] != "training" for s in session.statuses)  # the refusal did not flip the status
    finally:
        holder.kill()
        holder.wait()


async def test_cancel_request_frees_the_slot_only_when_training_stopped_then_resume(session, examples_dir):
    await session.initialize()
    await session.command("flutterTune.harvest", {"roots": [str(examples_dir / "trail_journal")]})
    train_id, training = session.send_command("flutterTune.train", {"maxSteps": 400, "batchSize": 2,
                                                                    "maxLength": 384})
    await session.wait_for(lambda: any(s["state"] == "training" and s.get("percent") for s in session.statuses),
                           timeout=180, what="training steps")
    session.cancel_request(train_id)
    with pytest.raises(JsonRpcException):
        await training  # answered at once: cancelled
    running = (await session.command("flutterTune.cancel", {"job": "nothing"}))["running"]
    if running:  # the worker is still saving its checkpoint: the slot and the status are still held
        assert session.statuses[-1]["state"] == "training"
        with pytest.raises(JsonRpcException, match="already running"):
            await session.command("flutterTune.train", {})
        assert session.statuses[-1]["state"] == "training"  # a rejected second train changes nothing
    await session.wait_for(lambda: session.statuses[-1]["state"] != "training", timeout=180, what="stopped")
    await session.wait_for(lambda: session.statuses[-1].get("resumable") is True, what="resumable status")
    assert (await session.command("flutterTune.cancel", {"job": "nothing"}))["running"] == []
    assert await session.command("flutterTune.listAdapters") == []

    result = await session.command("flutterTune.train", {"resume": True, "maxMinutes": 0.05})
    assert result["cancelled"] is False and Path(result["adapter"]).is_dir()
    assert result["metrics"]["steps"] > 0 and result["switched"] is True
    await session.wait_for(lambda: session.statuses[-1].get("resumable") is False, what="nothing to resume")


async def test_the_adapter_chosen_in_the_editor_is_served_after_a_restart(session, tiny_model_dir):
    adapters = session.tmp_path / "adapters"
    better = make_adapter(tiny_model_dir, adapters, 1.0, seed=1)
    make_adapter(tiny_model_dir, adapters, 2.0, seed=2)  # newer (LATEST) but worse
    set_active(adapters, better)  # what an earlier editor session chose
    await session.initialize()
    uri = session.open("lib/a.dart", "\n")
    await session.command("flutterTune.generate", {"uri": uri, "position": POS, "instruction": "A red box"})
    await session.wait_for(lambda: session.statuses[-1]["adapter"] == better.name, what="the chosen adapter")
    await session.command("flutterTune.useAdapter", None)  # base model alone: persisted too
    assert active_name(adapters) == "none"


async def test_a_deeply_nested_dataset_line_only_turns_retrieval_off(session):
    dataset = session.tmp_path / "dataset"
    dataset.mkdir()
    (dataset / "train.jsonl").write_text('{"instruction": "x", "input": "", "output": "class A {}"}\n'
                                         + "[" * 100_000 + "]" * 100_000 + "\n")
    await session.initialize(base_settings(session.tiny_model_dir, session.tmp_path, retrieval={"enabled": True}))
    uri = session.open("lib/a.dart", "\n")
    for _ in range(2):
        result = await session.command("flutterTune.generate", {"uri": uri, "position": POS,
                                                                "instruction": "A red box"})
        assert result["cancelled"] is False and "newTokens" in result
    warnings = [w for w in session.warnings() if "Retrieval" in w]
    assert len(warnings) == 1 and f"{dataset / 'train.jsonl'}:2" in warnings[0]
    await asyncio.sleep(0)
