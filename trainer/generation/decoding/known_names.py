"""A logits processor that keeps the model to names the API has, where the API is known.

- At an argument of a call of a known constructor (``Padding(``, ``EdgeInsets.only(``) whose
  positional parameters are all given, the next token may only continue the name of a named
  parameter not yet given (``child``, ``padding:``), be white space, or close the call — and it may
  close it only when every required named parameter is given.
- Where a positional argument may still come (``Text(``), any expression may start, but no token may
  make a label of a name the constructor does not have (``color:`` in ``Text(color: …)``), nor close
  the call while a required positional or named argument is missing.
- After ``Owner.`` where ``Owner`` is a known class or enum (``Icons.``, ``Colors.``,
  ``MainAxisAlignment.``, ``EdgeInsets.``), the next token may only continue one of its static
  members or named constructors (``home``, ``center``, ``all``).

A class the candidate has declared itself earlier in its text (the ``StatefulWidget`` its ``State``
then calls, which may be its own version of a project's class) is looked up in its own declaration first
(:func:`trainer.generation.declared.declared`, read once per candidate and class when the declaration
is complete), as the ``resolves`` check does. Names neither holds (packages not indexed, a variable,
a class the candidate declares later or is still writing) leave decoding free. The calls are read by the candidate's :class:`trainer.generation.named_args.CallWatcher`;
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

from dataset_tools.dart import parse_within
from dataset_tools.dart.api import ApiIndex, DartClass, Signature

from ..dart_tree import text as node_text
from ..declared import declared
from .logits_processor import LogitsProcessor
from .stream import CandidateStream

_IDENTIFIER_TAIL = re.compile(r"[A-Za-z0-9_$]*\Z")
_LABEL_END = re.compile(r"(\s*)([A-Za-z0-9_$]*)\s*:(?!:)")
_MEMBER_TAIL = re.compile(r"(?<![A-Za-z0-9_$.])([A-Z][A-Za-z0-9_$]*)\.([A-Za-z0-9_$]*)\Z")
_IDENTIFIER_HEAD = re.compile(r"[A-Za-z0-9_$]+")
MANY_MEMBERS = 64  # an owner with more members is answered by scanning the vocabulary, cached
OWN_PARSE_LIMIT_S = 0.05  # reading the candidate's own declaration of a class: past this, the class is left free
_DECLARATIONS = ("class_definition", "enum_declaration", "mixin_declaration")


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
        # tokens that end a label: optional white space, identifier characters, white space, ":" (not "::")
        self.labels: list[tuple[bool, str, int]] = []  # (starts with white space, identifier part, token)
        for token, text in enumerate(texts):
            found = _LABEL_END.match(text)
            if found:
                self.labels.append((bool(found.group(1)), found.group(2), token))

    def making_labels(self, partial: str, named: frozenset[str]) -> set[int]:
        """Tokens that, written after ``partial`` (the identifier being written, may be ""), make it a
        label ``name:`` whose name is not in ``named``."""
        banned = set()
        for spaced, head, token in self.labels:
            if partial and spaced:
                continue  # white space ends the identifier: a ":" after it is a ternary's or a map's
            label = partial + head
            if label and (label[0].isalpha() or label[0] in "_$") and label not in named:
                banned.add(token)
        return banned

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
        rules = [(i, self.rule(s)) for i, s in enumerate(streams) if s.stop is None]
        rules = [(i, rule) for i, rule in rules if rule is not None and len(rule[1])]
        if not rules:
            return logits
        logits = np.array(logits, dtype=np.float32, copy=True)
        for i, (allow, ids) in rules:
            if allow:
                row = np.full(logits.shape[1], -np.inf, dtype=np.float32)
                row[ids] = logits[i, ids]
                logits[i] = row
            else:
                logits[i, ids] = -np.inf
        return logits

    def allowed(self, stream: CandidateStream) -> np.ndarray | None:
        """The token ids the candidate may write next, or None when it is not kept to a list here."""
        rule = self.rule(stream)
        return rule[1] if rule is not None and rule[0] else None

    def banned(self, stream: CandidateStream) -> np.ndarray | None:
        """The token ids the candidate may not write next where it is otherwise free, or None."""
        rule = self.rule(stream)
        return rule[1] if rule is not None and not rule[0] else None

    def rule(self, stream: CandidateStream) -> tuple[bool, np.ndarray] | None:
        """``(True, ids)``: only these may come next; ``(False, ids)``: these may not; None: free."""
        tracker = stream.tracker
        if tracker.mode != "code" or tracker.done:
            return None
        text = stream.text[-200:]
        member = _MEMBER_TAIL.search(text)
        if member is not None:
            allowed = self._members(member.group(1), member.group(2), stream)
            return None if allowed is None else (True, allowed)
        if not tracker.stack or tracker.stack[-1] != "(":
            return None
        call = stream.watcher.open_call(len(tracker.stack))
        if call is None or not call.expecting:
            return None
        signature = self._constructor(call.callee, stream)
        if signature is None:
            return None  # an unknown callee
        low, high = signature.positional
        if call.positional < high:  # a positional argument may come: only wrong labels and closings are banned
            if call.name_done:
                return None
            partial = _IDENTIFIER_TAIL.search(text).group()
            banned = self.vocabulary.making_labels(partial, signature.named - call.labels)
            if not partial and (call.positional < low or signature.required_named - call.labels):
                banned.update(self.vocabulary.closing.tolist())
            return False, _ids(banned)
        remaining = sorted(signature.named - call.labels)
        if call.name_done:
            return (True, _ids(self.vocabulary.continuing("", [":"], ()))) if call.name in remaining else None
        partial = _IDENTIFIER_TAIL.search(text).group()
        if partial and not any(name.startswith(partial) for name in remaining):
            return None  # written before it could be guarded: leave it be
        allowed = self.vocabulary.continuing(partial, remaining, (":", ": "))
        if not partial:
            allowed.update(self.vocabulary.white.tolist())
            if not signature.required_named - call.labels:
                allowed.update(self.vocabulary.closing.tolist())
        return True, _ids(allowed)

    def _class(self, owner: str, stream: CandidateStream) -> DartClass | None:
        """The candidate's own complete declaration of ``owner`` written so far, else the index's (not for
        a private name: the candidate's ``_Header`` is its own); None when neither (or the candidate's
        own cannot be read yet)."""
        if re.search(rf"\b(?:class|enum|mixin)\s+{re.escape(owner)}\b", stream.text) is None:
            return None if owner.startswith("_") else self.api.find_class(owner)
        if owner not in stream.own_classes:
            found = own_declaration(stream.text, owner)
            if found is _UNFINISHED:
                return None
            stream.own_classes[owner] = found
        return stream.own_classes[owner]

    def _constructor(self, callee: str, stream: CandidateStream) -> Signature | None:
        owner, _, name = callee.partition(".")
        if not (owner[:1].isupper() or owner[:1] == "_" and owner[1:2].isupper()):
            return None
        found = self._class(owner, stream)
        return found.constructor(name) if found is not None else None

    def _members(self, owner: str, partial: str, stream: CandidateStream) -> np.ndarray | None:
        found = self._class(owner, stream)
        if found is None:
            return None
        names = _member_names(found)
        if not names or partial in names or not any(name.startswith(partial) for name in names):
            return None  # unknown members, a complete one (what follows is free), or written unguarded
        if len(names) > MANY_MEMBERS:
            return _scan(self.vocabulary, names, partial)
        return _ids(self.vocabulary.continuing(partial, names, ()))


_UNFINISHED = object()


def own_declaration(code: str, owner: str):
    """The class, enum or mixin ``owner`` as ``code`` declares it at its top level, when that
    declaration is complete (no syntax error, its body closed); None when ``code`` has none that can be
    read; ``_UNFINISHED`` while it is still being written (the candidate is inside it)."""
    tree = parse_within(code, OWN_PARSE_LIMIT_S)
    if tree is None:
        return None
    nodes = [n for n in tree.root_node.children if n.type in _DECLARATIONS
             and node_text(n.child_by_field_name("name") or next(
                 (c for c in n.children if c.type == "identifier"), None)) == owner]
    if not nodes:
        return _UNFINISHED
    if any(n.has_error or not node_text(n).rstrip().endswith("}") for n in nodes):
        return _UNFINISHED
    return declared(tree.root_node).classes.get(owner)


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
