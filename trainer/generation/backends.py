"""Decoding sessions: N sequences continuing one prompt, one step at a time, on either backend.

A session exposes ``logits()`` (the last step's logits, [n, vocab] float32) and ``advance(tokens)``
(feed one token per sequence). The token choice, stopping and checking live in
:mod:`trainer.generation.candidates`, so both backends behave the same:

- ``OnnxSession`` (ONNX Runtime GenAI, int8 weights): the prompt is prefilled for each of the N
  sequences (that API cannot share one prompt's cache across a batch); each step the chosen tokens
  are imposed with ``set_logits`` (one-hot) and ``generate_next_token``, the only way to steer a batch
  in that API. A one-sequence session can ``restart()``: rewind to the end of the prompt and keep its
  cache, so further candidates cost their decoding only (16 ms instead of a 2.5 s prefill for an
  843-token prompt with retrieved examples); ``rewind(kept)`` takes back new tokens the same way.
- ``TorchSession`` (transformers): one prefill, its KV cache repeated for the N sequences, then
  batched single-token steps; a one-sequence session can ``rewind`` (its cache cropped).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

BLOCKED = -1e9  # the logit given to every token but the chosen one when steering ONNX Runtime GenAI


class DecodeSession(Protocol):
    def logits(self) -> np.ndarray: ...

    def advance(self, tokens: np.ndarray) -> None: ...

    def rewind(self, kept: list[int]) -> None: ...  # one-sequence sessions only


class OnnxSession:
    def __init__(self, model, prompt_ids: list[int], n: int, max_new_tokens: int) -> None:
        import onnxruntime_genai as og

        params = og.GeneratorParams(model)
        params.set_search_options(max_length=len(prompt_ids) + max_new_tokens + 1, batch_size=n,
                                  do_sample=False)
        self.n = n
        self.prompt_ids = list(prompt_ids)
        self.generator = og.Generator(model, params)
        self.generator.append_tokens(np.array([prompt_ids] * n, dtype=np.int32))

    def restart(self) -> None:
        """Back to the state right after the prompt, its cache kept (one-sequence sessions only)."""
        self.rewind([])

    def rewind(self, kept: list[int]) -> None:
        """Back to the state after the prompt and the new tokens ``kept`` (a prefix of those fed),
        their cache kept: the last of them is run again to give its logits."""
        if self.n != 1:
            raise ValueError("only a one-sequence session can rewind")
        last = kept[-1:] or self.prompt_ids[-1:]
        self.generator.rewind_to(len(self.prompt_ids) + len(kept) - 1)
        self.generator.append_tokens(np.array([last], dtype=np.int32))

    def logits(self) -> np.ndarray:
        return np.asarray(self.generator.get_logits()).reshape(self.n, -1)

    def advance(self, tokens: np.ndarray) -> None:
        forced = np.full((self.n, 1, self._vocab), BLOCKED, dtype=np.float32)
        forced[np.arange(self.n), 0, tokens] = 0.0
        self.generator.set_logits(forced)
        self.generator.generate_next_token()

    @property
    def _vocab(self) -> int:
        if not hasattr(self, "_vocab_size"):
            self._vocab_size = self.logits().shape[1]
        return self._vocab_size


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

    def rewind(self, kept: list[int]) -> None:
        """Back to the state after the prompt and the new tokens ``kept`` (one-sequence sessions)."""
        torch = self.torch
        if self.n != 1:
            raise ValueError("only a one-sequence session can rewind")
        last = kept[-1:] or self.prompt_ids[-1:]
        drop = self.cache.get_seq_length() - (len(self.prompt_ids) + len(kept) - 1)
        if drop > 0:
            self.cache.crop(-drop)  # this transformers' caches take the number of tokens to remove
        with torch.inference_mode():
            ids = torch.tensor([last], device=self.device)
            out = self.model(input_ids=ids, cache=self.cache, use_cache=True, logits_to_keep=1)
        self.cache = out.cache
        self._logits = out.logits[:, -1, :].float()

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
