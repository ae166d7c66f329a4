"""Bad settings, arguments and data through the language server: a warning or an error naming what is
wrong, never nonsense accepted, never a silent fallback (issue: reliability, round two)."""

from __future__ import annotations

import json
import shutil

import pytest
from lsp_session import make_adapter
from pygls.exceptions import JsonRpcException

HUGE = "9" * 5000


async def test_non_finite_numbers_in_settings_are_refused_with_a_warning(session):
    await session.initialize(topP=float("nan"), temperature=float("inf"), timeLimitSeconds=float("nan"),
                             datasetDir="~nouser_ft/x")
    await session.wait_for(lambda: len(session.warnings()) >= 4, what="four warnings")
    text = "\n".join(session.warnings())
    for key in ("topP", "temperature", "timeLimitSeconds"):
        assert f"setting '{key}' should be a finite number" in text
    assert "setting 'datasetDir' starts with ~nouser_ft, but there is no user 'nouser_ft'" in text


async def test_training_arguments_out_of_range_are_invalid_params(session):
    await session.initialize()
    for options in ({"maxSteps": -1}, {"maxMinutes": -3}, {"learningRate": 0}):
        named = next(iter(options))  # the ranges are training's own (TrainConfig), checked on arrival
        with pytest.raises(JsonRpcException, match=f"flutterTune.train: '{named}' should be between"):
            await session.command("flutterTune.train", options)
    assert not (session.tmp_path / "adapters" / ".checkpoints").exists()  # nothing started


async def test_a_dataset_line_too_long_to_read_fails_training_naming_file_and_line(session):
    dataset = session.tmp_path / "dataset"
    dataset.mkdir()
    lines = [json.dumps({"instruction": f"A widget {i}", "input": "", "output": f"class W{i} {{}}"}) for i in range(5)]
    lines[2] = '{"instruction": "A", "input": "", "output": "x", "n": ' + HUGE + '}'
    (dataset / "train.jsonl").write_text("\n".join(lines) + "\n")
    await session.initialize()
    with pytest.raises(JsonRpcException, match=r"train\.jsonl:3: a number in it cannot be read"):
        await session.command("flutterTune.train", {"maxSteps": 1})


async def test_a_deleted_active_adapter_is_said_and_use_adapter_active_falls_back_to_the_latest(
        session, tiny_model_dir):
    adapters = session.tmp_path / "adapters"
    older = make_adapter(tiny_model_dir, adapters, 1.0, seed=1)
    newer = make_adapter(tiny_model_dir, adapters, 0.5, seed=2)  # LATEST and ACTIVE
    (adapters / "LATEST").write_text(older.name + "\n")
    (adapters / "ACTIVE").write_text(newer.name + "\n")
    shutil.rmtree(newer)  # deleted by hand
    await session.initialize()
    result = await session.command("flutterTune.useAdapter", "active")
    assert result["name"] == older.name  # the fallback, not the base model
    await session.wait_for(lambda: any(f"The active adapter {newer.name} is gone" in w for w in session.warnings()),
                           what="the warning")
    assert any(f"using the latest adapter, {older.name}, instead" in w for w in session.warnings())
