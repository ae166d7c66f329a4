"""Decoding sessions: N sequences continuing one prompt, one step at a time, on either backend.

A session exposes ``logits()`` (the last step's logits, [n, vocab] float32), ``advance(tokens)``
(feed one token per sequence) and ``rewind(row, kept)``: sequence ``row`` goes back to the state after
the prompt and the new tokens ``kept`` (a prefix of those it was fed), less the last of them, which
``rewind`` returns and the next ``advance`` must feed for that row (so a batch keeps stepping together).
``can_rewind`` tells whether this session can. The token choice, stopping and checking live in
:mod:`trainer.generation.candidates`, so both backends behave the same:

- ``OnnxSession`` (ONNX Runtime, int8 weights, :mod:`trainer.generation.onnx_decoder`): the prompt is
  prefilled once and its cache copied into each of the N sequences; the decoder remembers its last
  prompt, so the sampled candidates that follow a failed greedy one start without a prefill (a copy
  of a few ms instead of ~2 s for an 800-token prompt with retrieved examples). Any sequence can be
  rewound: its length in the cache moves back.
- ``TorchSession`` (transformers): one prefill, its KV cache repeated for the N sequences, then
  batched single-token steps; a one-sequence session can be rewound (its cache cropped).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

class DecodeSession(Protocol):
    def logits(self) -> np.ndarray: ...

    def advance(self, tokens: np.ndarray) -> None: ...

    def rewind(self, row: int, kept: list[int]) -> int: ...

    @property
    def can_rewind(self) -> bool: ...


class OnnxSession:
    def __init__(self, decoder, prompt_ids: list[int], n: int, max_new_tokens: int) -> None:
        """``n`` sequences after ``prompt_ids`` on :class:`trainer.generation.onnx_decoder.OnnxDecoder`: the
        prompt is prefilled once (or not at all when it is the decoder's last prompt) and its cache copied
        into every sequence."""
        self.decoder = decoder
        self.n = n
        self.prompt_ids = list(prompt_ids)
        length = len(self.prompt_ids)
        self.cache = decoder.new_cache(n, length + max_new_tokens + 1)
        known = decoder.last_prompt
        if known is not None and known[0] == tuple(self.prompt_ids):
            decoder.copy_prefix(known[1], self.cache, length)
            self._logits = np.repeat(known[2], n, axis=0)
            return
        prefilled = self.cache if n == 1 else decoder.new_cache(1, length)
        logits = decoder.run(prefilled, np.asarray([self.prompt_ids]))
        if n > 1:
            decoder.copy_prefix(prefilled, self.cache, length)
        decoder.last_prompt = (tuple(self.prompt_ids), prefilled, logits)
        self._logits = np.repeat(logits, n, axis=0)

    can_rewind = True

    def rewind(self, row: int, kept: list[int]) -> int:
        """Sequence ``row`` back to just before the last of ``kept`` (of the prompt when none is kept),
        which is returned: fed again by the next ``advance``, it gives the row's logits."""
        self.cache.lengths[row] = len(self.prompt_ids) + len(kept) - 1
        return (kept or self.prompt_ids)[-1]

    def logits(self) -> np.ndarray:
        return self._logits

    def advance(self, tokens: np.ndarray) -> None:
        self._logits = self.decoder.run(self.cache, np.asarray(tokens).reshape(self.n, 1))


class TorchSession:
    def __init__(self, model, prompt_ids: list[int], n: int, max_new_tokens: int) -> None:
        import torch

        self.torch = torch
        self.model = model
        self.n = n
        self.device = _input_device(model)
        with torch.inference_mode():
            out = model(input_ids=torch.tensor([prompt_ids], device=self.device), use_cache=True, logits_to_keep=1)
        self.cache = out.cache
        if n > 1:
            self.cache.batch_repeat_interleave(n)
        self._logits = out.logits[:, -1, :].float().expand(n, -1)
        self.prompt_ids = list(prompt_ids)

    @property
    def can_rewind(self) -> bool:
        return self.n == 1  # one sequence of a batch cannot be cropped alone

    def rewind(self, row: int, kept: list[int]) -> int:
        """Back to just before the last of ``kept`` (of the prompt when none is kept), which is
        returned for the next ``advance`` to feed (one-sequence sessions)."""
        if not self.can_rewind or row != 0:
            raise ValueError("only a one-sequence session can rewind")
        drop = self.cache.get_seq_length() - (len(self.prompt_ids) + len(kept) - 1)
        if drop > 0:
            self.cache.crop(-drop)  # this transformers' caches take the number of tokens to remove
        return (kept or self.prompt_ids)[-1]

    def logits(self) -> np.ndarray:
        return self._logits.cpu().numpy()

    def advance(self, tokens: np.ndarray) -> None:
        torch = self.torch
        with torch.inference_mode():
            ids = torch.as_tensor(np.asarray(tokens, dtype=np.int64), device=self.device).view(self.n, 1)
            out = self.model(input_ids=ids, cache=self.cache, use_cache=True, logits_to_keep=1)
        self.cache = out.cache
        self._logits = out.logits[:, -1, :].float()


def _input_device(model):
    try:
        return model.get_input_embeddings().weight.device
    except (AttributeError, NotImplementedError):
        return getattr(model, "device", "cpu")
