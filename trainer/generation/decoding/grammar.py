"""The Dart grammar of a widget file (``dart_widget.lark``) compiled for one tokenizer with llguidance.

:class:`DartGrammar` holds llguidance's view of the tokenizer (built once per tokenizer: it walks the
whole vocabulary) and the grammar; ``matcher()`` starts an ``llguidance.LLMatcher`` that follows
token ids and says which tokens may come next. ``accepts(ids)`` is the whole-text check the coverage
benchmark and the tests use: how many of the ids the grammar takes, and whether it accepts the text
as a whole there.
"""

from __future__ import annotations

import copy
import functools
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

GRAMMAR_FILE = Path(__file__).with_name("dart_widget.lark")


@functools.cache
def lark_text() -> str:
    """The grammar's Lark source."""
    return GRAMMAR_FILE.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Accepted:
    """What the grammar made of a token sequence: the ids it took, whether it accepts the text there."""

    consumed: int
    total: int
    accepting: bool
    error: str = ""

    @property
    def whole(self) -> bool:
        return self.consumed == self.total and self.accepting


def _lltokenizer(tokenizer):
    """llguidance's tokenizer from the ``tokenizers.Tokenizer`` behind ``tokenizer`` (a fast transformers
    tokenizer or :class:`trainer.generation.tokenizer.LightTokenizer`), as ``llguidance.hf.from_tokenizer``
    builds it (which takes transformers' fast tokenizers only)."""
    import llguidance

    backend = copy.copy(tokenizer.backend_tokenizer)
    backend.no_padding()
    backend.no_truncation()
    return llguidance.LLTokenizer(backend.to_str(), eos_token=tokenizer.eos_token_id)


class DartGrammar:
    """The grammar compiled for ``tokenizer`` (one with a ``backend_tokenizer``); ``for_tokenizer`` shares one."""

    _shared: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def __init__(self, tokenizer) -> None:
        import llguidance

        self.tokenizer = tokenizer
        self.lltokenizer = _lltokenizer(tokenizer)
        self.grammar = llguidance.LLMatcher.grammar_from_lark(lark_text())
        failed, messages = llguidance.LLMatcher.validate_grammar_with_warnings(self.grammar, self.lltokenizer)
        if failed:
            raise ValueError(f"{GRAMMAR_FILE.name} does not compile: {messages[0]}")
        self.vocab_size = self.lltokenizer.vocab_size
        # Every matcher is a copy of this one: building one compiles the grammar again, and a copy
        # shares the lexer states its original has already built.
        self._start = llguidance.LLMatcher(self.lltokenizer, self.grammar, log_level=0)

    @classmethod
    def for_tokenizer(cls, tokenizer) -> "DartGrammar":
        """One compiled grammar per tokenizer object (building llguidance's tokenizer costs a fraction of a second)."""
        try:
            grammar = cls._shared.get(tokenizer)
        except TypeError:  # not weak-referenceable
            return cls(tokenizer)
        if grammar is None:
            grammar = cls._shared[tokenizer] = cls(tokenizer)
        return grammar

    def matcher(self):
        """A fresh ``llguidance.LLMatcher`` at the start of a widget file."""
        return self._start.deep_copy()

    def accepts(self, ids: Sequence[int]) -> Accepted:
        """Feed ``ids`` (every token allowed) until the grammar rejects one; accepting at the end?"""
        matcher = self.matcher()
        consumed = matcher.try_consume_tokens(list(ids))
        accepting = consumed == len(ids) and matcher.is_accepting()
        if consumed < len(ids):
            matcher.consume_token(int(ids[consumed]))  # puts the matcher in its error state, with the reason
        return Accepted(consumed, len(ids), accepting, matcher.get_error())
