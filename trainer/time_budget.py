"""A training's wall-clock budget, and a learning-rate cooldown that ends where the budget does.

With ``--max-minutes`` training stops when the time is spent, whatever step it has reached. A schedule
planned in steps alone (linear decay over every epoch) is then cut off halfway down: on a slow machine
the demo's 7 minutes ended at step 46 of 84 with the learning rate still at half its peak, so the
adapter kept was a snapshot of a noisy point rather than a settled one.

Measured on the demo (benchmarks/results/time_budget.md): planning the whole decay for the budget
(progress = the further along of steps and time) settled the run but lowered the rate through all of
it, and a 7-minute run on 53 widgets is short of learning, not of settling: validation loss 1.65 vs
1.49. So the step schedule is kept as it is and only the last ``COOLDOWN`` of the budget decays
linearly to zero (the cooldown of warmup-stable-decay schedules): the learning rate is the lower of
the step schedule's and the cooldown's, and a run that ends by its steps first is unchanged.
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
    """``minutes`` of training (0: no budget), counted from ``start()`` (when training begins)."""

    def __init__(self, minutes: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = max(0.0, minutes) * 60.0
        self.clock = clock
        self.started: float | None = None

    def start(self) -> None:
        self.started = self.clock()

    def remaining_s(self) -> float | None:
        """Seconds left (None without a budget or before ``start()``)."""
        if not self.seconds or self.started is None:
            return None
        return max(0.0, self.seconds - (self.clock() - self.started))

    def fraction(self) -> float:
        """Share of the budget spent, 0 … 1 (0 before ``start()`` and without a budget)."""
        remaining = self.remaining_s()
        return 0.0 if remaining is None else 1.0 - remaining / self.seconds

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
