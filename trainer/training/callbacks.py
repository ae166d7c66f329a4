"""TrainerCallbacks: progress events, cancellation (Ctrl-C / server), and the time budget.

A stop request never kills a step halfway: the callback asks the Trainer to save a checkpoint
(and, for the time budget, to validate first) at the end of the current step, then to stop.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager

from transformers import TrainerCallback

from dataset_tools.progress import Progress

from .time_budget import TimeBudget

TOKENS_SEEN = "num_input_tokens_seen"
"""The log entry with the running count of tokens trained on (``include_num_input_tokens_seen`` in train.sft_config)."""


class StopRequest:
    """Why training should stop early: None, "interrupt" (Ctrl-C / cancel) or "time" (budget spent)."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self.event = threading.Event()

    def set(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self.event.set()


@contextmanager
def sigint_requests_stop(stop: StopRequest):
    """While active, the first Ctrl-C asks for a clean stop (checkpoint); a second one aborts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        if stop.reason == "interrupt":
            raise KeyboardInterrupt
        stop.set("interrupt")

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class StopCallback(TrainerCallback):
    """Turns a stop request, a server cancellation or a spent time budget into save-and-stop.

    It also keeps the budget's reserve, the time the run needs after its last step: a validation (as
    long as the last one took; before one has run, the validation tokens at ``FORWARD_SHARE`` of the
    time per token of training), a checkpoint save (as long as the last
    one took) and ``after_s`` (what the caller does after training, e.g. the serving export), with a
    margin. Training stops when what is left of the rest is less than a step takes on average. The
    budget itself is started by the caller when the whole command begins.
    """

    MARGIN = 1.25
    FORWARD_SHARE = 0.6  # a validation token's time against a training token's (0.61 measured on 2 CPU cores)

    def __init__(self, stop: StopRequest, progress: Progress, budget: TimeBudget | None = None,
                 has_eval: bool = False, eval_tokens: int = 0, after_s: float = 0.0):
        self.stop = stop
        self.progress = progress
        self.budget = budget or TimeBudget(0)
        self.has_eval = has_eval
        self.eval_tokens = eval_tokens
        self.after_s = after_s
        self.validation_s: float | None = None  # measured
        self.save_s = 0.0  # measured
        self._phase_started: float | None = None  # when the last step (or validation) ended
        self._first_tokens: tuple[float, float] | None = None  # (clock, tokens trained) at the first log
        self._seconds_per_token: float | None = None
        self._stopped_at: int | None = None  # the step a stop request ended training at
        self._step_started: float | None = None
        self._step_seconds: list[float] = []  # how long each step took

    def on_train_begin(self, args, state, control, **kwargs):
        if self.budget.started is None:
            self.budget.start()

    def on_log(self, args, state, control, logs=None, **kwargs):
        tokens = (logs or {}).get(TOKENS_SEEN)
        if tokens is None:
            return
        now = self.budget.clock()
        if self._first_tokens is None:
            self._first_tokens = (now, float(tokens))
        elif tokens > self._first_tokens[1]:
            self._seconds_per_token = (now - self._first_tokens[0]) / (tokens - self._first_tokens[1])

    def on_evaluate(self, args, state, control, **kwargs):
        now = self.budget.clock()
        if self._phase_started is not None:
            self.validation_s = now - self._phase_started
        self._phase_started = now

    def on_save(self, args, state, control, **kwargs):
        if self._phase_started is not None:
            self.save_s = self.budget.clock() - self._phase_started

    def reserve_s(self) -> float:
        """Seconds the run needs after its last step (see the class docstring)."""
        validation = 0.0
        if self.has_eval:
            validation = self.validation_s if self.validation_s is not None else \
                self.eval_tokens * (self._seconds_per_token or 0.0) * self.FORWARD_SHARE
        return self.MARGIN * (validation + self.save_s) + self.after_s

    def on_step_begin(self, args, state, control, **kwargs):
        self._step_started = self.budget.clock()

    def on_step_end(self, args, state, control, **kwargs):
        now = self._phase_started = self.budget.clock()
        if self._step_started is not None:
            self._step_seconds.append(now - self._step_started)
        self.budget.reserve_s = self.reserve_s()
        if self.progress.is_cancelled:
            self.stop.set("interrupt")
        remaining = self.budget.remaining_s()
        step_s = sum(self._step_seconds) / len(self._step_seconds) if self._step_seconds else 0.0
        if remaining is not None and (remaining == 0.0 or remaining < step_s):
            self.stop.set("time")  # spent, or the next step would not end in time
        if self.stop.reason is not None:
            self._stopped_at = state.global_step
            control.should_training_stop = True
            control.should_save = True
            if self.stop.reason == "time" and self.has_eval:
                control.should_evaluate = True
        return control

    def on_epoch_end(self, args, state, control, **kwargs):
        """The epoch a stop cuts short ends right after the step that validated and saved: not again."""
        if self._stopped_at == state.global_step:
            control.should_evaluate = False
            control.should_save = False
        return control


class ProgressCallback(TrainerCallback):
    """Sends step/loss/ETA events to a dataset_tools Progress (tqdm bar, JSON lines, LSP)."""

    def __init__(self, progress: Progress, title: str = "Training", budget: TimeBudget | None = None):
        self.progress = progress
        self.title = title
        self.budget = budget  # the ETA never runs past a time budget
        self.started = None
        self.first_step = 0
        self.last_loss: float | None = None
        self.last_eval_loss: float | None = None
        self.last_learning_rate: float | None = None
        self.tokens_per_second: float | None = None
        self._first_tokens: tuple[float, float] | None = None  # (time, tokens) at the first log

    def on_train_begin(self, args, state, control, **kwargs):
        self.started = time.monotonic()
        self.first_step = state.global_step
        self.progress.start(self.title, state.max_steps)
        if state.global_step:
            self.progress.advance(state.global_step, f"resumed at step {state.global_step}",
                                  step=state.global_step, total_steps=state.max_steps)

    def _eta(self, state) -> float | None:
        done = state.global_step - self.first_step
        if not done or self.started is None:
            return None
        per_step = (time.monotonic() - self.started) / done
        eta = per_step * max(0, state.max_steps - state.global_step)
        remaining = self.budget.remaining_s() if self.budget is not None else None
        return round(eta if remaining is None else min(eta, remaining), 1)

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        if "loss" in logs:
            self.last_loss = float(logs["loss"])
        if "learning_rate" in logs:
            self.last_learning_rate = float(logs["learning_rate"])
        if TOKENS_SEEN in logs:
            now, tokens = time.monotonic(), float(logs[TOKENS_SEEN])
            if self._first_tokens is None:
                self._first_tokens = (now, tokens)
            elif now > self._first_tokens[0]:
                self.tokens_per_second = round((tokens - self._first_tokens[1]) / (now - self._first_tokens[0]), 1)
        if "eval_loss" in logs:
            self.last_eval_loss = float(logs["eval_loss"])
            self.progress.advance(0, f"validation loss {self.last_eval_loss:.4f}", step=state.global_step,
                                  total_steps=state.max_steps, eval_loss=self.last_eval_loss,
                                  epoch=round(state.epoch or 0, 3))

    def on_step_end(self, args, state, control, **kwargs):
        message = f"loss {self.last_loss:.4f}" if self.last_loss is not None else ""
        self.progress.advance(state.global_step - self.progress.done, message, step=state.global_step,
                              total_steps=state.max_steps, loss=self.last_loss,
                              epoch=round(state.epoch or 0, 3), eta_seconds=self._eta(state),
                              learning_rate=self.last_learning_rate, tokens_per_second=self.tokens_per_second)
