"""A logits processor that keeps the model to names the API has, where the API is known.

- At an argument of a call of a known constructor (``Padding(``, ``EdgeInsets.only(``) whose
  positional parameters are all given, the next token may only continue the name of a named
  parameter not yet given (``child``, ``padding:``), be white space, or close the call — and it may
  close it only when every required named parameter is given.
- After ``Owner.`` where ``Owner`` is a known class or enum (``Icons.``, ``Colors.``,
  ``MainAxisAlignment.``, ``EdgeInsets.``), the next token may only continue one of its static
  members or named constructors (``home``, ``center``, ``all``).

Names the index does not hold (the candidate's own classes, packages not indexed, a variable) leave
decoding free. The calls are read by the candidate's :class:`trainer.generation.named_args.CallWatcher`;
the partial name being written is taken from the text itself (a lexer may hold back its last
character). Which tokens may come next is found from their texts (``Vocabulary``: each token's text
alone, the tokens by text and by the identifier they start with), so a step costs a few hundred
dictionary lookups; for owners with many members (``Icons``) the answer is cached per partial name.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from dataset_tools.dart.api import ApiIndex, DartClass, Signature

from .logits_processor import LogitsProcessor
from .stream import CandidateStream

_IDENTIFIER_TAIL = re.compile(r"[A-Za-z0-9_$]*\Z")
_MEMBER_TAIL = re.compile(r"(?<![A-Za-z0-9_$.])([A-Z][A-Za-z0-9_$]*)\.([A-Za-z0-9_$]*)\Z")
_IDENTIFIER_HEAD = re.compile(r"[A-Za-z0-9_$]+")
MANY_MEMBERS = 64  # an owner with more members is answered by scanning the vocabulary, cached


class Vocabulary:
    """The tokenizer's vocabulary by text: ``exact`` (text → ids), ``by_identifier`` (the ids of tokens
    that are an identifier followed by other characters, by that identifier), the white-space tokens,
    the tokens that close a call (``)`` first, after optional white space), and the identifier-like
    tokens sorted for scanning."""

    def __init__(self, tokenizer) -> None:
        size = len(tokenizer)
        self.texts = texts = [tokenizer.decode([i], skip_special_tokens=True) for i in range(size)]
        self.exact: dict[str, list[int]] = {}
        self.by_identifier: dict[str, list[int]] = {}
        white, closing = [], []
        self.identifiers: list[tuple[str, int]] = []
        for token, text in enumerate(texts):
            if not text:
                continue
            self.exact.setdefault(text, []).append(token)
            if text.isspace():
                white.append(token)
            elif text.lstrip().startswith(")"):
                closing.append(token)
            head = _IDENTIFIER_HEAD.match(text)
            if head:
                self.identifiers.append((text, token))
                if head.end() < len(text):
                    self.by_identifier.setdefault(head.group(), []).append(token)
        self.white = np.array(white, dtype=np.int64)
        self.closing = np.array(closing, dtype=np.int64)
        self.size = size

    def continuing(self, partial: str, names: Sequence[str], ends: Sequence[str]) -> set[int]:
        """Tokens that continue ``partial`` toward one of ``names`` (a prefix of the rest), or complete
        it followed by one of ``ends`` (``":"``), or complete it and go on with other characters."""
        found: set[int] = set()
        for name in names:
            if not name.startswith(partial):
                continue
            rest = name[len(partial):]
            for cut in range(1, len(rest) + 1):
                found.update(self.exact.get(rest[:cut], ()))
                if not partial:
                    found.update(self.exact.get(" " + rest[:cut], ()))
            for end in ends:
                found.update(self.exact.get(rest + end, ()))
                if not partial:
                    found.update(self.exact.get(" " + rest + end, ()))
            if rest:
                found.update(t for t in self.by_identifier.get(rest, ())
                             if not ends or any(self.texts[t].startswith(rest + end) for end in ends))
        return found


class KnownNames(LogitsProcessor):
    """See the module docstring; ``api`` is the index of the names known (Flutter's and the user's)."""

    def __init__(self, api: ApiIndex, tokenizer) -> None:
        self.api = api
        self.vocabulary = vocabulary_of(tokenizer)

    def before_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray) -> np.ndarray:
        masks = [(i, self.allowed(s)) for i, s in enumerate(streams) if s.stop is None]
        masks = [(i, allowed) for i, allowed in masks if allowed is not None and len(allowed)]
        if not masks:
            return logits
        logits = np.array(logits, dtype=np.float32, copy=True)
        for i, allowed in masks:
            row = np.full(logits.shape[1], -np.inf, dtype=np.float32)
            row[allowed] = logits[i, allowed]
            logits[i] = row
        return logits

    def allowed(self, stream: CandidateStream) -> np.ndarray | None:
        """The token ids the candidate may write next, or None when it is free here."""
        tracker = stream.tracker
        if tracker.mode != "code" or tracker.done:
            return None
        text = stream.text[-200:]
        member = _MEMBER_TAIL.search(text)
        if member is not None:
            return self._members(member.group(1), member.group(2))
        if not tracker.stack or tracker.stack[-1] != "(":
            return None
        call = stream.watcher.open_call(len(tracker.stack))
        if call is None or not call.expecting:
            return None
        signature = self._constructor(call.callee)
        if signature is None or call.positional < signature.positional[1]:
            return None  # an unknown callee, or a positional argument may come
        remaining = sorted(signature.named - call.labels)
        if call.name_done:
            return _ids(self.vocabulary.continuing("", [":"], ())) if call.name in remaining else None
        partial = _IDENTIFIER_TAIL.search(text).group()
        if partial and not any(name.startswith(partial) for name in remaining):
            return None  # written before it could be guarded: leave it be
        allowed = self.vocabulary.continuing(partial, remaining, (":", ": "))
        if not partial:
            allowed.update(self.vocabulary.white.tolist())
            if not signature.required_named - call.labels:
                allowed.update(self.vocabulary.closing.tolist())
        return _ids(allowed)

    def _constructor(self, callee: str) -> Signature | None:
        owner, _, name = callee.partition(".")
        if not owner[:1].isupper():
            return None
        found = self.api.find_class(owner)
        return found.constructor(name) if found is not None else None

    def _members(self, owner: str, partial: str) -> np.ndarray | None:
        found = self.api.find_class(owner)
        if found is None:
            return None
        names = _member_names(found)
        if not names or partial in names or not any(name.startswith(partial) for name in names):
            return None  # unknown members, a complete one (what follows is free), or written unguarded
        if len(names) > MANY_MEMBERS:
            return _scan(self.vocabulary, names, partial)
        return _ids(self.vocabulary.continuing(partial, names, ()))


def _member_names(owner: DartClass) -> tuple[str, ...]:
    return tuple(sorted(owner.static_members | {name for name in owner.constructors if name}))


def _ids(tokens: set[int]) -> np.ndarray:
    return np.fromiter(sorted(tokens), dtype=np.int64, count=len(tokens))


_SCANNED: dict[tuple[int, tuple[str, ...], str], np.ndarray] = {}
SCANNED_KEPT = 4096  # scans kept (owner, partial name); the oldest go first


def _scan(vocabulary: Vocabulary, names: tuple[str, ...], partial: str) -> np.ndarray:
    """For an owner with many members: every identifier-like token that continues ``partial`` toward a
    member, or completes one and goes on with other characters (cached per owner and partial)."""
    key = (id(vocabulary), names, partial)
    if key not in _SCANNED:
        found = []
        for text, token in vocabulary.identifiers:
            head = _IDENTIFIER_HEAD.match(text).group()
            word = partial + head
            at = bisect.bisect_left(names, word)
            if at < len(names) and names[at].startswith(word) and (head == text or names[at] == word):
                found.append(token)
        while len(_SCANNED) >= SCANNED_KEPT:
            _SCANNED.pop(next(iter(_SCANNED)))
        _SCANNED[key] = np.array(found, dtype=np.int64)
    return _SCANNED[key]


@lru_cache(maxsize=4)
def vocabulary_of(tokenizer) -> Vocabulary:
    """One Vocabulary per tokenizer (building it decodes every token once)."""
    return Vocabulary(tokenizer)
