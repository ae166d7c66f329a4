"""Stopping rules: when one candidate stops, and when its whole round does.

As transformers' ``StoppingCriteria``, each rule is a small class with one job that the decoding loop
asks in a list; the first rule that answers gives the :class:`~.stop_reason.StopReason`.

A candidate's rules are asked after it wrote a token, with the text that token added
(``rule(stream, text)``; an end token is not written: the loop stops that candidate with ``eos``):

- :class:`RepeatedArgumentStop` — a named argument passed twice in one call that could not be taken
  back (:mod:`~.take_back`; asked first, as the take-back is);
- :class:`WidgetEndStop` — the widget's last declaration closed;
- :class:`BlockLoopStop`, :class:`LineLoopStop` — a loop of repeated lines, or of a stretch of one
  long line (:mod:`trainer.generation.repetition`);
- :class:`NestedClassStop` — a ``class`` begun inside an open bracket;
- :class:`SyntaxErrorStop` — complete lines that can no longer parse (:mod:`trainer.generation.dead_end`).

A round's limits are asked once a step, after every candidate had its token (``limit(state)``, with
the :class:`~.stream.Round`): :class:`OutpacedStop`, :class:`MaxTokensStop`, :class:`TimeLimitStop`.
"""

from __future__ import annotations

import time

from ..code_extract import extract_code, starts_with_code
from ..dead_end import broken_before_last_line
from ..repetition import line_loop_start, loop_start
from .config import DecodeConfig
from .stop_reason import StopReason
from .stream import CandidateStream, Round


class StoppingRules(list):
    """Rules asked in order; calling the list gives the first one's answer (None: go on)."""

    def __call__(self, *args) -> StopReason | None:
        for rule in self:
            reason = rule(*args)
            if reason is not None:
                return reason
        return None


def stopping_rules(config: DecodeConfig, *, prompt: str, instruction: str) -> StoppingRules:
    """A candidate's rules that ``config`` turns on, in the order they are asked."""
    rules = [(config.repeated_arg_stop, RepeatedArgumentStop), (config.widget_end_stop, WidgetEndStop),
             (config.block_loop_stop, BlockLoopStop), (config.line_loop_stop, LineLoopStop),
             (config.nested_class_stop, NestedClassStop)]
    chosen = StoppingRules(rule() for on, rule in rules if on)
    if config.syntax_error_stop:
        chosen.append(SyntaxErrorStop(prompt, instruction))
    return chosen


def round_limits(*, patience: float, max_new_tokens: int, time_limit_s: float, started: float) -> StoppingRules:
    """A round's limits, in the order they are asked."""
    return StoppingRules([OutpacedStop(patience), MaxTokensStop(max_new_tokens), TimeLimitStop(time_limit_s, started)])


# ---------------------------------------------------------------------- a candidate's rules
class RepeatedArgumentStop:
    """A named argument passed twice in one call (:mod:`trainer.generation.named_args`)."""

    def __call__(self, stream: CandidateStream, text: str) -> StopReason | None:
        return StopReason.REPEATED_ARG if stream.watcher.repeated_at is not None else None


class WidgetEndStop:
    """The widget is complete (:class:`trainer.generation.widget_end.WidgetEndTracker`)."""

    def __call__(self, stream: CandidateStream, text: str) -> StopReason | None:
        return StopReason.WIDGET_END if text and stream.tracker.done else None


class BlockLoopStop:
    """At a line end, the complete lines end with one block of lines written again and again."""

    def __call__(self, stream: CandidateStream, text: str) -> StopReason | None:
        if "\n" not in text:
            return None
        stream.loop_at = loop_start(stream.text)
        return StopReason.LOOP if stream.loop_at is not None else None


class LineLoopStop:
    """The line being written is long and ends with one stretch written again and again."""

    def __call__(self, stream: CandidateStream, text: str) -> StopReason | None:
        if not text:
            return None
        at = line_loop_start(stream.tracker.line)
        if at is None:
            return None
        stream.loop_at = stream.tracker.line_start + at
        return StopReason.LOOP


class NestedClassStop:
    """A ``class`` keyword inside an open bracket: the declaration before it can never close."""

    def __call__(self, stream: CandidateStream, text: str) -> StopReason | None:
        return StopReason.NESTED_CLASS if stream.tracker.nested_class else None


class SyntaxErrorStop:
    """At a line end, the candidate's complete lines hold a syntax error no later text mends
    (:func:`trainer.generation.dead_end.first_broken_line`); its code is cut out of the text as it will
    be in the end (without the prompt echo and prose before it)."""

    def __init__(self, prompt: str, instruction: str) -> None:
        self.prompt, self.instruction = prompt, instruction

    def __call__(self, stream: CandidateStream, text: str) -> StopReason | None:
        return StopReason.SYNTAX_ERROR if "\n" in text and self._broken(stream) else None

    def _broken(self, stream: CandidateStream) -> bool:
        written = stream.text
        line_end = written.rfind("\n")
        if written[line_end + 1:].strip():
            return False  # the tracker has read past the line end: its open brackets are not the line's
        closers = stream.tracker.closers()
        if closers is None:
            return False
        code = extract_code(written[:line_end], prompt=self.prompt, instruction=self.instruction,
                            cut_at_widget_end=False)
        if not starts_with_code(code):
            return False  # (prose before the code: not yet)
        return broken_before_last_line(code, closers)


# ---------------------------------------------------------------------- a round's limits
class OutpacedStop:
    """A candidate passed every check and the others have had ``patience`` times its tokens."""

    def __init__(self, patience: float) -> None:
        self.patience = patience

    def __call__(self, state: Round) -> StopReason | None:
        passed_at = state.passed_at
        return StopReason.OUTPACED if passed_at is not None and state.step >= self.patience * passed_at else None


class MaxTokensStop:
    """A candidate has ``max_new_tokens`` tokens, or the round took twice as many steps (take-backs)."""

    def __init__(self, max_new_tokens: int) -> None:
        self.max_new_tokens = max_new_tokens

    def __call__(self, state: Round) -> StopReason | None:
        longest = max(s.tokens for s in state.streams)
        return StopReason.MAX_TOKENS if longest >= self.max_new_tokens or state.step >= 2 * self.max_new_tokens \
            else None


class TimeLimitStop:
    """``seconds`` have passed since ``started`` (``time.perf_counter``)."""

    def __init__(self, seconds: float, started: float) -> None:
        self.seconds, self.started = seconds, started

    def __call__(self, state: Round) -> StopReason | None:
        return StopReason.TIME_LIMIT if time.perf_counter() - self.started >= self.seconds else None
