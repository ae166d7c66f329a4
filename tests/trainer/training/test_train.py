"""Training on the tiny model: loss falls, a complete versioned adapter appears, budgets stop runs."""

import dataclasses
import json

import pytest

from dataset_tools.progress import CallbackProgress
from trainer.adapters import METADATA_FILE, latest_name, list_adapters, read_metadata
from trainer.training.callbacks import TOKENS_SEEN
from trainer.training.train import train


def test_loss_falls_and_adapter_is_complete(tiny_config):
    events = []
    config = dataclasses.replace(tiny_config, epochs=3, learning_rate=2e-2, warmup_ratio=0.0)
    info = train(config, CallbackProgress(events.append))

    meta = read_metadata(info.path)
    losses = [e["loss"] for e in meta["loss_history"] if "loss" in e]
    eval_losses = [e["eval_loss"] for e in meta["loss_history"] if "eval_loss" in e]
    assert len(losses) == 6 and len(eval_losses) == 3
    # the tiny random model's logits are near-uniform (ln 49152 = 10.8), so a drop of 0.1 is large for it
    assert losses[-1] < losses[0] - 0.1, losses
    assert eval_losses[-1] < eval_losses[0], eval_losses
    assert meta["metrics"]["best_validation_loss"] == pytest.approx(min(eval_losses))
    # every completion token of every epoch was trained on, counted where the loss is computed
    per_epoch = meta["metrics"]["train_samples"]["completion_tokens"]
    assert meta["metrics"]["completion_tokens_trained"] == pytest.approx(3 * per_epoch, rel=0.02)
    # transformers' running count of the tokens trained on (prompts too), which the time budget measures
    seen = [e[TOKENS_SEEN] for e in meta["loss_history"] if "loss" in e]
    assert seen == sorted(set(seen)) and seen[-1] > meta["metrics"]["completion_tokens_trained"]
    assert (meta["device"], meta["quantization"]) == ("cpu", "none")

    # PEFT layout + tokenizer + our metadata, and LATEST points at it
    names = {p.name for p in info.path.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "tokenizer.json", METADATA_FILE} <= names
    assert meta["base"] == config.base and meta["config"]["lora_r"] == 8
    assert len(meta["dataset_manifest_hash"]) == 64
    assert latest_name(info.path.parent) == info.path.name
    assert [a.path for a in list_adapters(info.path.parent)] == [info.path]
    assert not (info.path.parent / ".checkpoints").exists()

    # progress events carry step, total and loss; the last one names the adapter
    steps = [e for e in events if e.kind == "advance" and "step" in e.data]
    assert steps[-1].data["step"] == steps[-1].data["total_steps"] == 6
    assert any((e.data.get("tokens_per_second") or 0) > 0 for e in steps)  # measured on that count
    assert events[-1].kind == "finish" and events[-1].data["adapter"] == str(info.path)


def test_saved_adapter_loads_with_peft(tiny_config):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    info = train(tiny_config)
    base = AutoModelForCausalLM.from_pretrained(tiny_config.base)
    model = PeftModel.from_pretrained(base, str(info.path))
    assert json.loads((info.path / "adapter_config.json").read_text())["r"] == 8
    out = model(input_ids=torch.tensor([[1, 2, 3]]))
    assert out.logits.shape[-1] == base.config.vocab_size


def test_time_budget_stops_and_still_saves(tiny_config):
    config = dataclasses.replace(tiny_config, epochs=50, max_minutes=0.0001, gradient_checkpointing=True)
    info = train(config)
    metrics = read_metadata(info.path)["metrics"]
    assert metrics["stopped_by"] == "time"
    assert metrics["steps"] < metrics["max_steps"]
    assert metrics["best_validation_loss"] is not None  # validated at the stop
    history = read_metadata(info.path)["loss_history"]
    validated = [e["step"] for e in history if "eval_loss" in e]
    assert validated == [metrics["steps"]]  # once: the epoch it cut short does not validate again


def test_failed_save_keeps_previous_adapter(tiny_config, monkeypatch):
    from dataset_tools.errors import FlutterTuneError

    good = train(tiny_config)
    import peft

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    import trainer.adapters

    # disk full while writing the final adapter folder (after the weights, before the metadata)
    monkeypatch.setattr(trainer.adapters, "write_json_atomic", lambda *a, **k: disk_full(None))
    with pytest.raises(FlutterTuneError, match="No space left"):
        train(tiny_config)
    monkeypatch.undo()
    # disk full while writing a checkpoint during training
    monkeypatch.setattr(peft.PeftModel, "save_pretrained", disk_full)
    with pytest.raises(FlutterTuneError, match="No space left"):
        train(tiny_config)
    root = good.path.parent
    assert latest_name(root) == good.path.name
    assert [a.path for a in list_adapters(root)] == [good.path]
    assert not [p for p in root.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


def test_learning_rate_cools_down_at_the_end_of_the_time_budget(tiny_config, monkeypatch):
    """A budget that ends at step 40 of 100: the step schedule until its last fifth, then down towards zero."""
    import trainer.training.train as train_module
    from trainer.training.time_budget import TimeBudget

    events = []
    steps_done = lambda: float(sum(1 for e in events if e.kind == "advance" and "loss" in e.data))  # noqa: E731

    class StepClockBudget(TimeBudget):  # one "second" per optimizer step, so the test reads no real clock
        def __init__(self, minutes):
            super().__init__(minutes, clock=steps_done)

    monkeypatch.setattr(train_module, "TimeBudget", StepClockBudget)
    config = dataclasses.replace(tiny_config, epochs=50, max_minutes=40 / 60, warmup_ratio=0.0,
                                 learning_rate=1e-3)
    info = train(config, CallbackProgress(events.append))
    meta = read_metadata(info.path)
    rates = [e["learning_rate"] for e in meta["loss_history"] if "learning_rate" in e]
    assert meta["metrics"]["stopped_by"] == "time" and meta["metrics"]["max_steps"] == 100
    assert meta["metrics"]["steps"] == len(rates) == 40
    # steps 1-30: the linear step schedule, untouched (rate of step k set after k-1 steps)
    assert rates[:30] == pytest.approx([1e-3 * (1 - k / 100) for k in range(30)])
    # then the cooldown: falling, the last step at a quarter of the peak or less (the rate of a step is
    # set as it begins, one "second" behind here), where the step schedule alone would give 0.61e-3
    assert rates[30:] == sorted(rates[30:], reverse=True) and rates[-1] <= 0.25e-3 + 1e-12, rates
    # the ETA shown while training never runs past the budget
    etas = [e.data["eta_seconds"] for e in events if e.kind == "advance" and "loss" in e.data]
    assert all(eta is None or eta <= 40 - i for i, eta in enumerate(etas)), etas
