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
is complete, and while it is still being written from the constructors it has declared so far), as the
``resolves`` check does. Names neither holds (packages not indexed, a variable,
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
from ..resolve import constructor_of, member_names
from .class_names import ClassNames, capital_tail
from .logits_processor import LogitsProcessor
from .stream import CandidateStream

_IDENTIFIER_TAIL = re.compile(r"[A-Za-z0-9_$]*\Z")
_LABEL_END = re.compile(r"(\s*)([A-Za-z0-9_$]*)\s*:(?!:)")
_MEMBER_TAIL = re.compile(r"(?<![A-Za-z0-9_$.])([A-Z][A-Za-z0-9_$]*)\.([A-Za-z0-9_$]*)\Z")
_IDENTIFIER_HEAD = re.compile(r"[A-Za-z0-9_$]+")
_KEYWORDS_TAIL = re.compile(r"(?:(?<![A-Za-z0-9_$])(?:const|new)\s*)+\Z")
# what ends the text before an expression: "=>", "=" ("==", "+=" …), "??", a conditional's " ?", ":" not "::",
# return; and before a class that is extended, mixed in or implemented
_TYPE_ARGUMENTS_TAIL = re.compile(r"<[A-Za-z0-9_$\s,.?<>]*,\Z")  # "<String, " of a map's type arguments
_EXPRESSION_BEFORE = re.compile(r"(?:=|\?\?|\s\?|(?<!:):|(?<![A-Za-z0-9_$])(?:return|extends|with|implements))\Z")
MANY_MEMBERS = 64  # an owner with more members is answered by scanning the vocabulary, cached
OWN_PARSE_LIMIT_S = 0.05  # reading the candidate's own declaration of a class: past this, the class is left free
_DECLARATIONS = ("class_definition", "enum_declaration", "mixin_declaration")


class Vocabulary:
    """The tokenizer's vocabulary by text: ``exact`` (text → ids), ``by_identifier`` (the ids of tokens
    that are an identifier followed by other characters, by that identifier), the white-space tokens,
    the tokens that close a call (``)`` first, after optional white space), those that start a comment,
    and the identifier-like tokens."""

    def __init__(self, tokenizer) -> None:
        size = len(tokenizer)
        self.texts = texts = [tokenizer.decode([i], skip_special_tokens=True) for i in range(size)]
        self.exact: dict[str, list[int]] = {}
        self.by_identifier: dict[str, list[int]] = {}
        white, closing, comments, opening = [], [], [], []
        self.identifiers: list[tuple[str, int]] = []
        for token, text in enumerate(texts):
            if not text:
                continue
            self.exact.setdefault(text, []).append(token)
            if text.isspace():
                white.append(token)
            elif text.lstrip().startswith(")"):
                closing.append(token)
            elif text.lstrip().startswith(("//", "/*")):
                comments.append(token)
            if text.startswith("("):
                opening.append(token)
            head = _IDENTIFIER_HEAD.match(text)
            if head:
                self.identifiers.append((text, token))
                if head.end() < len(text):
                    self.by_identifier.setdefault(head.group(), []).append(token)
        self.white = np.array(white, dtype=np.int64)
        self.identifier_ids = np.array([token for _, token in self.identifiers], dtype=np.int64)
        self.private = np.array([token for text, token in self.identifiers if text.startswith("_")], dtype=np.int64)
        self.closing = np.array(closing, dtype=np.int64)
        self.comments = np.array(comments, dtype=np.int64)
        self.opening = np.array(opening, dtype=np.int64)
        self.size = size
        # tokens that end a label: optional white space, identifier characters, white space, ":" (not "::")
        self.labels: list[tuple[bool, str, int]] = []  # (starts with white space, identifier part, token)
        for token, text in enumerate(texts):
            found = _LABEL_END.match(text)
            if found:
                self.labels.append((bool(found.group(1)), found.group(2), token))

    def identifiers_except(self, kept) -> np.ndarray:
        """The identifier-like tokens other than ``kept`` (what may not continue a complete name)."""
        mask = np.zeros(self.size, dtype=bool)
        mask[self.identifier_ids] = True
        mask[np.asarray(list(kept) if isinstance(kept, set) else kept, dtype=np.int64)] = False
        return np.flatnonzero(mask)

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
        self.class_names = class_names_of(api, self.vocabulary) if api.closed else None

    def before_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray) -> np.ndarray:
        rules = [(i, self.rules(s)) for i, s in enumerate(streams) if s.stop is None]
        rules = [(i, found) for i, found in rules if found]
        if not rules:
            return logits
        logits = np.array(logits, dtype=np.float32, copy=True)
        for i, found in rules:
            for allow, ids in found:  # one after the other: allowed by each, banned by any
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
        found = None
        for each in self.rules(stream):
            found = _both(found, each)
        return found

    def rules(self, stream: CandidateStream) -> list[tuple[bool, np.ndarray]]:
        """The rules that hold for the candidate's next token, each ``(True, ids)`` (only these) or
        ``(False, ids)`` (not these); none when it is free."""
        tracker = stream.tracker
        if tracker.mode != "code" or tracker.done:
            return []
        text = stream.text[-200:]
        member = _MEMBER_TAIL.search(text)
        if member is not None:
            return _kept([self._members(member.group(1), member.group(2), stream)])
        call = signature = None
        if tracker.stack and tracker.stack[-1] == "(":
            call = stream.watcher.open_call(len(tracker.stack))
            if call is not None:
                signature = self._constructor(call.callee, stream)
        name_rules = [self._class_name(stream, text, signature), self._no_unnamed_constructor(stream, text)]
        if call is None or not call.expecting or signature is None:
            return _kept(name_rules)
        return _kept([self._argument(stream, text, call, signature), *name_rules])

    def _no_unnamed_constructor(self, stream: CandidateStream, text: str):
        """After a known class that has no unnamed constructor (``String``, ``Icons``, an enum): no ``(``."""
        name = capital_tail(text)
        if not name:
            return None
        found = self._class(name, stream)
        if found is None or found.kind.startswith("extension") or constructor_of(found, "") is not None:
            return None
        return False, self.vocabulary.opening

    def _class_name(self, stream: CandidateStream, text: str, signature: Signature | None):
        """With a closed index, where an expression starts: only toward a known capitalised name."""
        if self.class_names is None:
            return None
        partial = capital_tail(text)
        if partial is None:
            return None
        before = _KEYWORDS_TAIL.sub("", text[:len(text) - len(partial)].rstrip()).rstrip()
        top = stream.tracker.stack[-1] if stream.tracker.stack else None
        listed = (before.endswith(("(", ",", "[")) and (top == "[" or top == "(" and signature is not None)
                  and _TYPE_ARGUMENTS_TAIL.search(before) is None)
        if not listed and _EXPRESSION_BEFORE.search(before) is None:
            return None
        return self.class_names.rule(stream.text, partial)

    def _argument(self, stream: CandidateStream, text: str, call, signature: Signature):
        """At an argument of a known constructor's call (see the module docstring)."""
        low, high = signature.positional
        if call.positional < high:  # a positional argument may come: only wrong labels and closings are banned
            if call.name_done:
                return None
            partial = _IDENTIFIER_TAIL.search(text).group()
            banned = self.vocabulary.making_labels(partial, signature.named - call.labels)
            # the argument being written counts (a string just closed is not seen by the watcher yet)
            written = call.content or text.rstrip().endswith(("'", '"'))
            given = call.positional + (written and not call.labeled)
            if not partial and (given < low or signature.required_named - call.labels):
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
            allowed.update(self.vocabulary.comments.tolist())
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
                return own_constructors_so_far(stream.text, stream.tracker.closers(), owner)
            stream.own_classes[owner] = found
        return stream.own_classes[owner]

    def _constructor(self, callee: str, stream: CandidateStream) -> Signature | None:
        owner, _, name = callee.partition(".")
        if not (owner[:1].isupper() or owner[:1] == "_" and owner[1:2].isupper()):
            return None
        found = self._class(owner, stream)
        return found.constructor(name) if found is not None else None

    def _members(self, owner: str, partial: str, stream: CandidateStream) -> tuple[bool, np.ndarray] | None:
        found = self._class(owner, stream)
        if found is None:
            return None
        names = tuple(sorted(member_names(found)))  # as the resolves check counts them
        if partial.startswith("_") or not any(name.startswith(partial) for name in names):
            return None  # a private member (unknown, not wrong, to the check), or written unguarded
        if partial in names:  # complete: anything may follow but more of a name that is not a member
            longer = tuple(name for name in names if name.startswith(partial) and name != partial)
            return False, _not_continuing(self.vocabulary, longer, partial)
        allowed = _scan(self.vocabulary, names, partial) if len(names) > MANY_MEMBERS \
            else _ids(self.vocabulary.continuing(partial, names, ()))
        return True, allowed if partial else np.union1d(allowed, self.vocabulary.private)


def _kept(rules: list) -> list[tuple[bool, np.ndarray]]:
    return [rule for rule in rules if rule is not None and len(rule[1])]


def _both(first, second):
    """One rule of two: allowed by both, banned by either."""
    if first is None or second is None:
        return first if second is None else second
    (first_allows, first_ids), (second_allows, second_ids) = first, second
    if first_allows and second_allows:
        return True, np.intersect1d(first_ids, second_ids)
    if not first_allows and not second_allows:
        return False, np.union1d(first_ids, second_ids)
    allowed, banned = (first_ids, second_ids) if first_allows else (second_ids, first_ids)
    return True, np.setdiff1d(allowed, banned)


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


def own_constructors_so_far(code: str, closers: str | None, owner: str) -> DartClass | None:
    """The class ``owner`` the candidate is still writing, read from ``code`` with its open brackets
    closed (``closers``), when it has a complete constructor declaration by now, its parameter list closed
    (its ``build`` calling itself; not the constructor being declared); None otherwise."""
    declares = re.compile(rf"^[ \t]*(?:const[ \t]+|factory[ \t]+)?{re.escape(owner)}(?:\.\w+)?[ \t]*"
                          r"\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\s*(?:;|:|\{|=>)", re.MULTILINE)
    if closers is None or declares.search(code) is None:
        return None
    tree = parse_within(code + closers, OWN_PARSE_LIMIT_S)
    found = declared(tree.root_node).classes.get(owner) if tree is not None else None
    return found if found is not None and found.constructors else None


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


def _not_continuing(vocabulary: Vocabulary, longer: tuple[str, ...], partial: str) -> np.ndarray:
    """The identifier-like tokens that do not continue the complete name ``partial`` toward ``longer``."""
    key = (id(vocabulary), longer, partial, "complete")
    if key not in _SCANNED:
        keep = _scan(vocabulary, longer, partial) if longer else np.zeros(0, dtype=np.int64)
        while len(_SCANNED) >= SCANNED_KEPT:
            _SCANNED.pop(next(iter(_SCANNED)))
        _SCANNED[key] = vocabulary.identifiers_except(keep)
    return _SCANNED[key]


_CLASS_NAMES: list[tuple[ApiIndex, Vocabulary, ClassNames]] = []


def class_names_of(api: ApiIndex, vocabulary: Vocabulary) -> ClassNames:
    """One ClassNames per index and vocabulary, the last few kept (finding the tokens that may start a
    name reads the whole vocabulary)."""
    for kept_api, kept_vocabulary, names in _CLASS_NAMES:
        if kept_api is api and kept_vocabulary is vocabulary:
            return names
    names = ClassNames(api, vocabulary)
    _CLASS_NAMES[:] = [*_CLASS_NAMES[-3:], (api, vocabulary, names)]
    return names


@lru_cache(maxsize=4)
def vocabulary_of(tokenizer) -> Vocabulary:
    """One Vocabulary per tokenizer (building it decodes every token once)."""
    return Vocabulary(tokenizer)
