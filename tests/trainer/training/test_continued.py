"""Continued training: warm-started from the active adapter on what it has not learned plus a replay,
and made active only when the gate finds it not worse on the held-out split."""

from __future__ import annotations

import dataclasses

import pytest

from dataset_tools.errors import FlutterTuneError
from dataset_tools.split import record_fingerprint
from tests.trainer.conftest import widget_record, write_dataset
from trainer.adapters import active_adapter, list_adapters, read_metadata, set_active
from trainer.training.continued import GateScores, continued_start, gate
from trainer.training.train import train

MORE = [("TrailBadge", "Chip(label: Text(label))"), ("PeakTitle", "Text(peak.name, maxLines: 1)"),
        ("HikeTile", "ListTile(title: Text(hike.title))")]


def test_the_gate_switches_only_when_nothing_is_worse():
    before = GateScores(validation_loss=2.0, passing=2, samples=6)
    assert gate(before, GateScores(1.9, 3, 6)).switch
    assert gate(before, GateScores(2.0, 2, 6)).switch  # not worse is enough
    worse_loss = gate(before, GateScores(2.1, 4, 6))
    assert not worse_loss.switch and "validation loss 2.1000 > 2.0000" in worse_loss.reason
    worse_checks = gate(before, GateScores(1.5, 1, 6))
    assert not worse_checks.switch and "1/6 held-out widgets pass every check, 2/6 before" in worse_checks.reason
    assert gate(GateScores(None, 0, 0), GateScores(None, 0, 0)).switch  # nothing to compare: not worse


def test_a_continued_run_needs_an_active_adapter_that_recorded_what_it_learned(tmp_path, records):
    with pytest.raises(FlutterTuneError, match="no adapter is active"):
        continued_start(tmp_path / "adapters", records, 1.0, 0)


def test_continued_training_learns_what_is_new_and_the_gate_decides(tiny_config, records, tmp_path):
    first = train(dataclasses.replace(tiny_config, epochs=1))
    learned = set(read_metadata(first.path)["train_records"])
    assert learned == {record_fingerprint(r) for r in records[:8]} and active_adapter(first.path.parent) == first.path
    with pytest.raises(FlutterTuneError, match="nothing to learn"):
        train(dataclasses.replace(tiny_config, continue_training=True))

    new = [widget_record(n, b) for n, b in MORE]
    write_dataset(tmp_path / "dataset", records[:8] + new, records[8:])
    start = continued_start(first.path.parent, records[:8] + new, 1.0, 42)
    assert [r["name"] for r in start.new] == ["TrailBadge", "PeakTitle", "HikeTile"] and len(start.replay) == 3
    assert {record_fingerprint(r) for r in start.replay} <= learned

    config = dataclasses.replace(tiny_config, continue_training=True, gate_samples=2, max_length=256)
    second = train(config)
    meta = read_metadata(second.path)
    assert meta["continued_from"] == first.path.name and meta["continued"] == {"new": 3, "replayed": 3}
    assert set(meta["train_records"]) == learned | {record_fingerprint(r) for r in new}
    gate_scores = meta["gate"]
    assert gate_scores["previous"]["samples"] == gate_scores["new"]["samples"] == 2
    assert gate_scores["previous"]["validation_loss"] is not None and gate_scores["new"]["validation_loss"] is not None
    assert gate_scores["switch"] == second.activation.activated and second.activation.reason == gate_scores["reason"]
    assert active_adapter(first.path.parent) == (second.path if gate_scores["switch"] else first.path)
    assert not any(p.is_dir() for p in second.path.iterdir())  # only its own weights: not the one compared with
    assert [a.name for a in list_adapters(first.path.parent)] == [second.path.name, first.path.name]


def test_the_gate_takes_the_active_adapters_recorded_loss_which_is_what_it_measures_again(tiny_config, records,
                                                                                            tmp_path):
    """The loss the active adapter's training recorded is the one evaluating it again gives, so a continued run
    on the same validation rows does not measure it before its first step; other rows are measured."""
    from trainer.training.continued import recorded_validation_loss
    from trainer.training.train import build_run

    first = train(dataclasses.replace(tiny_config, epochs=2))
    recorded = read_metadata(first.path)["metrics"]["best_validation_loss"]
    write_dataset(tmp_path / "dataset", records[:8] + [widget_record(n, b) for n, b in MORE], records[8:])
    run = build_run(dataclasses.replace(tiny_config, continue_training=True))
    assert recorded_validation_loss(first.path, run.eval_fingerprint) == recorded
    assert run.trainer.evaluate()["eval_loss"] == pytest.approx(recorded, abs=1e-4)
    shorter = build_run(dataclasses.replace(tiny_config, continue_training=True, max_length=64))
    assert shorter.eval_fingerprint != run.eval_fingerprint
    assert recorded_validation_loss(first.path, shorter.eval_fingerprint) is None

    second = train(dataclasses.replace(tiny_config, continue_training=True, gate_samples=0))
    assert read_metadata(second.path)["gate"]["previous"]["validation_loss"] == recorded


def test_a_worse_adapter_is_kept_but_not_used(tiny_config, records, tmp_path):
    """A learning rate that wrecks the warm start: the gate keeps the active adapter."""
    first = train(dataclasses.replace(tiny_config, epochs=2, learning_rate=2e-2, warmup_ratio=0.0))
    write_dataset(tmp_path / "dataset", records[:8] + [widget_record(n, b) for n, b in MORE], records[8:])
    wrecked = train(dataclasses.replace(tiny_config, continue_training=True, gate_samples=0, learning_rate=1.0,
                                        warmup_ratio=0.0, epochs=2))
    meta = read_metadata(wrecked.path)
    assert meta["gate"]["switch"] is False and "worse" in meta["gate"]["reason"]
    assert active_adapter(first.path.parent) == first.path and not wrecked.activation.activated
    set_active(first.path.parent, wrecked.path)  # listed with its scores; the user may still choose it
    assert active_adapter(first.path.parent) == wrecked.path


def test_the_adapters_command_lists_the_gate_and_rolls_back(tiny_config, records, tmp_path, capsys):
    from server.cli import main

    first = train(tiny_config)
    write_dataset(tmp_path / "dataset", records[:8] + [widget_record(n, b) for n, b in MORE], records[8:])
    second = train(dataclasses.replace(tiny_config, continue_training=True, gate_samples=0, activate="always"))
    assert active_adapter(first.path.parent) == second.path
    capsys.readouterr()
    assert main(["adapters", "--adapters-dir", tiny_config.adapters_dir]) == 0
    listing = capsys.readouterr().out
    assert f"continued from {first.path.name}; gate: " in listing
    assert main(["adapters", "--adapters-dir", tiny_config.adapters_dir, "--rollback"]) == 0
    assert active_adapter(first.path.parent) == first.path
    assert main(["adapters", "--adapters-dir", tiny_config.adapters_dir, "--rollback"]) == 2
    assert "Nothing to roll back to" in capsys.readouterr().err
