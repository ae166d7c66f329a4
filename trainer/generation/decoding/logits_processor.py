"""The shape every guard on the next token has, as transformers' ``LogitsProcessor`` and its list."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..sampling import Choice
from .stream import CandidateStream


class LogitsProcessor:
    """A guard on the next token of every candidate still writing; override one of the two steps."""

    def before_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray) -> np.ndarray:
        """The scores [n, vocab] to choose from (a changed copy, or ``logits`` itself)."""
        return logits

    def after_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray, choice: Choice) -> None:
        """Replace tokens in ``choice`` (``choice.replace``); ``logits`` are the scores chosen from."""


class LogitsProcessorList(list):
    """The processors in order: every ``before_choice``, then (after the choice) every ``after_choice``."""

    def before_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray) -> np.ndarray:
        for processor in self:
            logits = processor.before_choice(streams, logits)
        return logits

    def after_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray, choice: Choice) -> None:
        for processor in self:
            processor.after_choice(streams, logits, choice)
