"""Choosing the next token of every candidate, and its log-probability under the model.

Candidate 0 is greedy (the model's most likely continuation, reproducible); the others are sampled
with temperature, top-k and nucleus (top-p) filtering, from one seeded random generator. The
log-probability kept for ranking is the model's own (temperature 1), so candidates sampled at any
temperature are ranked on the same scale. NumPy only: both backends hand over logits as arrays.
"""

from __future__ import annotations

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
