"""A training's wall-clock budget, and a learning-rate cooldown that ends where the budget does.

With ``--max-minutes`` the whole command ends within the budget: training stops at the end of the
step after which only the time its tail needs is left (``TimeBudget.reserve_s``: the last validation,
saving, preparing the serving model; measured while it runs by trainer.training.callbacks.StopCallback).
The learning rate is the lower of its step schedule's and a cooldown's that falls linearly to zero
over the last ``COOLDOWN`` of the training time (as warmup-stable-decay schedules end), so the
adapter kept is a settled one; a run that ends by its steps first is unchanged. Planning the whole
decay for the budget instead was measured worse (benchmarks/results/time_budget.md).
"""

from __future__ import annotations

import math
import time
from typing import Callable

COOLDOWN = 0.2  # the share of a time budget over which the learning rate falls to zero

# Decay shapes: progress in [0, 1] after warm-up → learning-rate factor.
SHAPES: dict[str, Callable[[float], float]] = {
    "linear": lambda progress: 1.0 - progress,
    "cosine": lambda progress: 0.5 * (1.0 + math.cos(math.pi * progress)),
    "constant_with_warmup": lambda progress: 1.0,
}


class TimeBudget:
    """``minutes`` for a whole training command (0: no budget), counted from ``start()`` (when the command
    begins: loading counts). ``reserve_s`` is kept for what follows the last step (the last validation,
    saving, preparing the serving model): training itself gets the rest, so the command ends in time."""

    def __init__(self, minutes: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = max(0.0, minutes) * 60.0
        self.clock = clock
        self.started: float | None = None
        self.reserve_s = 0.0

    def start(self) -> None:
        self.started = self.clock()

    def elapsed_s(self) -> float:
        return 0.0 if self.started is None else self.clock() - self.started

    def remaining_s(self) -> float | None:
        """Seconds of training left, after the reserve (None without a budget or before ``start()``)."""
        if not self.seconds or self.started is None:
            return None
        return max(0.0, self.seconds - self.reserve_s - self.elapsed_s())

    def fraction(self) -> float:
        """Share of the training time spent, 0 … 1 (0 before ``start()`` and without a budget)."""
        remaining = self.remaining_s()
        window = self.seconds - self.reserve_s
        return 0.0 if remaining is None else 1.0 if window <= 0 else 1.0 - remaining / window

    @property
    def spent(self) -> bool:
        return self.remaining_s() == 0.0


def cooldown_factor(fraction: float, cooldown: float = COOLDOWN) -> float:
    """1 until the last ``cooldown`` of the budget, then linearly down to 0 at its end."""
    return min(1.0, max(0.0, (1.0 - fraction) / cooldown))


def budgeted_lr_factor(shape: str, warmup_steps: int, total_steps: int,
                       budget: TimeBudget) -> Callable[[int], float]:
    """The learning-rate factor for ``torch.optim.lr_scheduler.LambdaLR``: linear warm-up over
    ``warmup_steps``, ``shape`` decay over the steps, and the cooldown at the end of the budget."""
    decay = SHAPES[shape]
    span = max(1, total_steps - warmup_steps)

    def factor(step: int) -> float:
        if step < warmup_steps:
            return step / max(1, warmup_steps)
        by_steps = max(0.0, decay(min(1.0, (step - warmup_steps) / span)))
        return min(by_steps, cooldown_factor(budget.fraction()))

    return factor
