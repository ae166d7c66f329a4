"""Choosing the next token of every candidate, and its log-probability under the model.

Candidate 0 is greedy (the model's most likely continuation, reproducible); the others are sampled
with temperature, top-k and nucleus (top-p) filtering, from one seeded random generator. The
log-probability kept for ranking is the model's own (temperature 1), so candidates sampled at any
temperature are ranked on the same scale. NumPy only: both backends hand over logits as arrays.
``TokenChooser`` holds one round's way of choosing (which rows are greedy, the sampling settings, the
random stream) and gives its tokens as a ``Choice`` that the logits processors may change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOP_K = 50  # candidates of a sampled step (as transformers' default); top-p then trims them


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax of a [n, vocab] array (float64 for the normaliser)."""
    logits = logits.astype(np.float32, copy=False)
    peak = logits.max(axis=1, keepdims=True)
    lse = np.log(np.exp(logits - peak, dtype=np.float64).sum(axis=1, keepdims=True)) + peak
    return logits - lse


def choose(logits: np.ndarray, greedy: np.ndarray, temperature: float, top_p: float,
           rng: np.random.Generator, top_k: int = TOP_K) -> tuple[np.ndarray, np.ndarray]:
    """The next token of each row of ``logits`` [n, vocab] and its model log-probability.

    ``greedy[i]`` makes row i take its argmax; the others sample (argmax too at temperature 0).
    """
    logits = logits.astype(np.float32, copy=False)
    n = logits.shape[0]
    tokens = np.empty(n, dtype=np.int64)
    for i in range(n):
        row = logits[i]
        if greedy[i] or temperature <= 0:
            tokens[i] = int(row.argmax())
            continue
        k = min(top_k, row.shape[0])
        top = np.argpartition(-row, k - 1)[:k]
        scaled = row[top] / temperature
        order = np.argsort(-scaled)
        top, scaled = top[order], scaled[order]
        probs = np.exp(scaled - scaled[0])
        probs /= probs.sum()
        keep = min(k, max(1, int(np.searchsorted(np.cumsum(probs), top_p) + 1)))
        probs = probs[:keep] / probs[:keep].sum()
        tokens[i] = int(top[rng.choice(keep, p=probs)])
    peak = logits.max(axis=1)
    lse = np.log(np.exp(logits - peak[:, None], dtype=np.float64).sum(axis=1)) + peak
    logprobs = logits[np.arange(n), tokens] - lse
    return tokens, logprobs.astype(np.float64)


@dataclass
class Choice:
    """The token chosen for each row and its log-probability under the model."""

    tokens: np.ndarray  # [n] int64
    logprobs: np.ndarray  # [n] float64

    def replace(self, row: int, token: int, logits: np.ndarray) -> None:
        """Take ``token`` for ``row`` instead, with its log-probability in ``logits`` [n, vocab]."""
        self.tokens[row] = token
        self.logprobs[row] = float(log_softmax(logits[row:row + 1])[0, token])


@dataclass
class TokenChooser:
    """Chooses every row's next token: greedy where ``greedy[row]``, else sampled from ``rng``."""

    greedy: np.ndarray  # [n] bool
    temperature: float
    top_p: float
    rng: np.random.Generator

    @classmethod
    def for_round(cls, n: int, greedy_first: bool, temperature: float, top_p: float, seed: int | None,
                  first_index: int) -> "TokenChooser":
        """Row 0 greedy when ``greedy_first``; the random stream seeded by ``seed`` and ``first_index``,
        the index of the round's first candidate (a fresh one when ``seed`` is None)."""
        greedy = np.zeros(n, dtype=bool)
        greedy[0] = greedy_first
        return cls(greedy, temperature, top_p, np.random.default_rng(None if seed is None else [seed, first_index]))

    def __call__(self, logits: np.ndarray) -> Choice:
        return Choice(*choose(logits, self.greedy, self.temperature, self.top_p, self.rng))

    def one(self, row: int, logits: np.ndarray) -> int:
        """Row ``row``'s token chosen from ``logits`` [1, vocab] (a redraw)."""
        return int(choose(logits, self.greedy[row:row + 1], self.temperature, self.top_p, self.rng)[0][0])
