"""The time budget and the learning-rate schedule planned for it (trainer.training.time_budget)."""

import math

import pytest

from trainer.training.time_budget import TimeBudget, budgeted_lr_factor, cooldown_factor


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_budget_counts_from_start_and_caps_at_one():
    clock = FakeClock()
    budget = TimeBudget(2.0, clock=clock)  # 120 s
    assert budget.fraction() == 0.0 and not budget.spent  # not started yet
    budget.start()
    clock.now += 30
    assert budget.fraction() == pytest.approx(0.25)
    assert budget.remaining_s() == pytest.approx(90)
    clock.now += 200
    assert budget.fraction() == 1.0 and budget.spent and budget.remaining_s() == 0.0


def test_no_budget_never_spends():
    budget = TimeBudget(0.0, clock=FakeClock())
    budget.start()
    assert budget.fraction() == 0.0 and not budget.spent and budget.remaining_s() is None


def test_without_time_pressure_the_factor_is_the_step_schedule():
    budget = TimeBudget(60.0, clock=FakeClock())
    budget.start()
    linear = budgeted_lr_factor("linear", 5, 105, budget)
    cosine = budgeted_lr_factor("cosine", 5, 105, budget)
    assert [linear(s) for s in (0, 1, 5)] == [0.0, 0.2, 1.0]  # warm-up, then the peak
    assert linear(55) == pytest.approx(0.5) and linear(105) == 0.0
    assert cosine(55) == pytest.approx(0.5) and cosine(30) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))
    assert budgeted_lr_factor("constant_with_warmup", 5, 105, budget)(80) == 1.0


def test_the_last_fifth_of_the_budget_cools_down_to_zero():
    assert [cooldown_factor(f) for f in (0.0, 0.5, 0.8)] == pytest.approx([1.0, 1.0, 1.0])
    assert cooldown_factor(0.9) == pytest.approx(0.5) and cooldown_factor(1.0) == 0.0
    clock = FakeClock()
    budget = TimeBudget(10.0, clock=clock)  # 600 s
    budget.start()
    factor = budgeted_lr_factor("linear", 0, 1000, budget)
    clock.now += 300
    assert factor(100) == pytest.approx(0.9)  # half the time: the step schedule
    assert budgeted_lr_factor("linear", 0, 110, budget)(100) == pytest.approx(10 / 110)  # and near its end
    clock.now += 240  # nine tenths of the time, a tenth of the steps: halfway down the cooldown
    assert factor(101) == pytest.approx(0.5)
    clock.now += 60
    assert factor(102) == 0.0  # the budget is spent


class _State:
    global_step = 0


class _Control:
    should_training_stop = should_save = should_evaluate = False


def test_training_stops_early_enough_for_its_tail_to_end_within_the_budget():
    """The reserve: the last validation (estimated from the training speed, then as measured), the save
    (as measured) and the serving export (given), with a margin; training stops when only it is left."""
    from dataset_tools.progress import Progress
    from trainer.training.callbacks import TOKENS_SEEN, StopCallback, StopRequest

    clock = FakeClock()
    budget = TimeBudget(10.0, clock=clock)  # 600 s for the whole command
    budget.start()
    clock.now += 60  # loading the model counts
    stop = StopRequest()
    callback = StopCallback(stop, Progress(), budget, has_eval=True, eval_tokens=20_000, after_s=30.0)
    callback.on_train_begin(None, _State(), _Control())
    callback.on_log(None, _State(), _Control(), logs={TOKENS_SEEN: 1000})
    clock.now += 100
    callback.on_step_end(None, _State(), _Control())
    callback.on_log(None, _State(), _Control(), logs={TOKENS_SEEN: 11_000})  # 0.01 s per token
    callback.on_step_end(None, _State(), _Control())
    # validation 20k tokens × 0.01 s × 0.6 = 120 s, no save measured yet: 1.25 × 120 + 30
    assert budget.reserve_s == pytest.approx(180.0)
    assert budget.remaining_s() == pytest.approx(600 - 160 - 180)
    clock.now += 40
    callback.on_evaluate(None, _State(), _Control())  # the validation took 40 s
    clock.now += 4
    callback.on_save(None, _State(), _Control())  # the checkpoint 4 s
    control = callback.on_step_end(None, _State(), _Control())
    assert budget.reserve_s == pytest.approx(1.25 * 44 + 30) and not control.should_training_stop
    clock.now = 100 + 600 - budget.reserve_s  # exactly the tail's time left
    control = callback.on_step_end(None, _State(), _Control())
    assert stop.reason == "time" and control.should_training_stop and control.should_evaluate and control.should_save


def test_the_serving_export_is_estimated_from_earlier_exports_of_the_same_base(tmp_path):
    import json

    from trainer.generation.serving import FIRST_EXPORT_S_PER_GB, SERVING_INFO, export_estimate_s

    base = tmp_path / "base"
    base.mkdir()
    (base / "model.safetensors").write_bytes(b"\0" * 2_000_000)
    root = tmp_path / "serving"
    assert export_estimate_s(base, "onnx", "cpu", root) == pytest.approx(FIRST_EXPORT_S_PER_GB * 0.002)
    for key, (path, seconds) in {"a": (base, 12.5), "b": (base, 20.0), "c": (tmp_path / "other", 99.0)}.items():
        (root / key).mkdir(parents=True)
        (root / key / SERVING_INFO).write_text(json.dumps({"base_path": str(path), "seconds": seconds}))
    assert export_estimate_s(base, "onnx", "cpu", root) == 20.0
    assert export_estimate_s(base, "torch", "cpu", root) == 0.0


def test_training_stops_before_a_step_that_would_not_end_in_time():
    from dataset_tools.progress import Progress
    from trainer.training.callbacks import StopCallback, StopRequest

    clock = FakeClock()
    budget = TimeBudget(1.0, clock=clock)  # 60 s, no tail
    budget.start()
    stop = StopRequest()
    callback = StopCallback(stop, Progress(), budget)
    steps = 0
    while stop.reason is None:
        callback.on_step_begin(None, _State(), _Control())
        clock.now += 10.0  # every step takes 10 s
        callback.on_step_end(None, _State(), _Control())
        steps += 1
    assert steps == 6 and stop.reason == "time"  # six steps fill the 60 s; a seventh would end past them
