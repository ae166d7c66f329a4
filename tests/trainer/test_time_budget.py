"""The time budget and the learning-rate schedule planned for it (trainer.time_budget)."""

import math

import pytest

from trainer.time_budget import TimeBudget, budgeted_lr_factor, cooldown_factor


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
