"""Why a candidate stopped: the values travel to the editor (``stopReason``) and into results JSON."""

from __future__ import annotations

import enum


class StopReason(enum.StrEnum):
    """A ``str`` enum: each member equals (and prints as) its value."""

    EOS = "eos"  # the model ended its text
    WIDGET_END = "widget_end"  # the widget's last declaration closed
    LOOP = "loop"  # a block of lines, or a stretch of one line, repeated (trainer.generation.repetition)
    REPEATED_ARG = "repeated_arg"  # a named argument passed twice in one call, not taken back
    NESTED_CLASS = "nested_class"  # a ``class`` begun inside an open bracket
    SYNTAX_ERROR = "syntax_error"  # complete lines that can no longer parse (trainer.generation.dead_end)
    MAX_TOKENS = "max_tokens"  # the token budget ran out
    TIME_LIMIT = "time_limit"
    CANCELLED = "cancelled"
    OUTPACED = "outpaced"  # another candidate passed and this one had its share of tokens

    @property
    def complete(self) -> bool:
        """The candidate ended by itself, so its code is all there."""
        return self in (StopReason.EOS, StopReason.WIDGET_END)
