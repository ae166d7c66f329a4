"""GrammarMask: no candidate writes a token after which its text can no longer become Dart.

Each row's candidate is followed by an llguidance matcher of the widget grammar
(:mod:`~.grammar`, ``dart_widget.lark``) fed the token ids the candidate holds; before each choice the
tokens the matcher rejects get a score of ``-inf``. The candidate's text is the widget's code from its
first token (the head :class:`~.processors.ForceHead` fixes is part of it).

The matcher follows the stream's actual ids, not the tokens chosen: at each ``before_choice`` the ids
the matcher has not seen are fed, and where the stream is shorter or differs (a repeated argument or a
broken line taken back: :meth:`~.stream.CandidateStream.taken_back` makes a new stream) the matcher is
rolled back to the ids they share. A token the stream holds that the grammar rejects (a construct
outside the grammar, or a token a later processor put there: a mended slip) lets that candidate go:
it decodes freely from there on, and ``CandidateStream.grammar_fallback`` says so.

Where the grammar allows no token that the processors before it left possible (an earlier guard's list
and the grammar's share nothing), the candidate is let go too rather than left without a token.

End tokens are allowed only where the grammar accepts the text as a whole (every declaration closed),
which is stricter than :class:`~.processors.KeepBracketsMatched`'s rule (no end inside a bracket or
string) and keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .grammar import DartGrammar
from .logits_processor import LogitsProcessor
from .stream import CandidateStream


@dataclass
class _Follower:
    """One row's matcher and the ids it has been fed."""

    matcher: object
    stream: CandidateStream | None = None
    ids: list[int] = field(default_factory=list)

    def sync(self, stream: CandidateStream) -> bool:
        """Feed the matcher ``stream``'s ids (rolled back to what they share first); False when one is rejected."""
        ids = stream.detok.ids
        fed = len(self.ids)
        if stream is self.stream and len(ids) >= fed:  # the same stream only ever grows
            shared = fed
        else:
            shared = 0
            for a, b in zip(self.ids, ids):
                if a != b:
                    break
                shared += 1
            if shared < fed:
                self.matcher.rollback(fed - shared)
                del self.ids[shared:]
        self.stream = stream
        new = ids[shared:]
        if not new:
            return True
        self.ids.extend(new)
        return self.matcher.consume_tokens(new)


class GrammarMask(LogitsProcessor):
    """Tokens the Dart widget grammar rejects are impossible for every candidate still writing within it."""

    def __init__(self, tokenizer, eos: set[int]) -> None:
        self.grammar = DartGrammar.for_tokenizer(tokenizer)
        self.eos = sorted(eos)
        self.followers: dict[int, _Follower] = {}
        self.words = (self.grammar.vocab_size + 31) // 32
        self.bits = np.zeros((1, self.words), dtype=np.int32)

    @property
    def fallbacks(self) -> int:
        """Candidates of this round that decode freely since a token the grammar rejects."""
        return sum(1 for f in self.followers.values() if f.stream is not None and f.stream.grammar_fallback)

    def before_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray) -> np.ndarray:
        from llguidance.numpy import fill_next_token_bitmask

        masked = None
        for i, stream in enumerate(streams):
            if stream.stop is not None or stream.grammar_fallback:
                continue
            follower = self.followers.get(i)
            if follower is None:
                follower = self.followers[i] = _Follower(self.grammar.matcher())
            if not follower.sync(stream):
                stream.grammar_fallback = True
                continue
            fill_next_token_bitmask(follower.matcher, self.bits, 0)
            allowed = np.unpackbits(self.bits.view(np.uint8), bitorder="little")[:self.grammar.vocab_size]
            allowed = allowed.astype(bool)
            if self.eos:
                allowed[[e for e in self.eos if e < len(allowed)]] = follower.matcher.is_accepting()
            if not np.isfinite(logits[i, :len(allowed)][allowed]).any():
                # the grammar has nowhere to go, or nowhere an earlier guard (KnownNames, a take-back) lets the
                # candidate go: it decodes freely from here rather than be left without a token
                stream.grammar_fallback = True
                continue
            if masked is None:
                masked = np.array(logits, dtype=np.float32, copy=True)
            row = masked[i]
            row[:len(allowed)][~allowed] = -np.inf
            row[len(allowed):] = -np.inf
        return logits if masked is None else masked
