"""Incremental detokenization: the text each new token adds, without decoding the whole sequence.

Decoding token by token is wrong (a character can span tokens, and tokenizers merge spaces), and
decoding everything again per token costs O(n²). ``IncrementalDetokenizer`` keeps two offsets
(the approach of vLLM and text-generation-inference): it decodes only the last few tokens, and emits
text once it no longer ends in an incomplete character.
"""

from __future__ import annotations


class IncrementalDetokenizer:
    """``add(token_id)`` returns the text that token completes ("" while a character is incomplete)."""

    def __init__(self, tokenizer, skip_special_tokens: bool = True) -> None:
        self.tokenizer = tokenizer
        self.skip = skip_special_tokens
        self.ids: list[int] = []
        self.prefix_offset = 0
        self.read_offset = 0
        self.text = ""

    def add(self, token_id: int) -> str:
        self.ids.append(int(token_id))
        new = self._new_text(self.ids[self.prefix_offset:])
        if new:
            self.prefix_offset, self.read_offset = self.read_offset, len(self.ids)
            self.text += new
        return new

    def peek(self, token_id: int) -> str:
        """The text ``add(token_id)`` would return now, without adding it."""
        return self._new_text(self.ids[self.prefix_offset:] + [int(token_id)])

    def _new_text(self, tail: list[int]) -> str:
        """What ``tail`` (the ids from ``prefix_offset`` on) adds after the text already emitted, or ""
        while it ends in an incomplete character."""
        decode = self.tokenizer.decode
        prefix = decode(self.ids[self.prefix_offset:self.read_offset], skip_special_tokens=self.skip)
        full = decode(tail, skip_special_tokens=self.skip)
        return full[len(prefix):] if len(full) > len(prefix) and not full.endswith("\ufffd") else ""
