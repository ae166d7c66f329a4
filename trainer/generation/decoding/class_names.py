"""Where the API index is closed, a capitalised name that starts an expression must be one it holds.

With a *closed* :class:`dataset_tools.dart.api.ApiIndex` (every library the project imports is indexed), a
class the index does not hold can only be invented (``Panel(``, ``IconIcons.home``), and the ``resolves``
check fails it. :class:`ClassNames` says which tokens may come next where an expression starts and a
name beginning with a capital letter is being written: tokens that continue it toward a public class or
top-level function of the index, or a class the candidate has declared in its text so far. Which
positions start an expression is decided by :class:`trainer.generation.decoding.known_names.KnownNames`
(after ``return``, ``=>``, ``=``, ``:``, a conditional's ``?``, and after ``(`` or ``,`` of a known
constructor's call or of a list), and where a class is extended, mixed in or implemented. Lower-case and
private names, types in declarations, and a class the candidate declares only later are left free.

The tokens that may start such a name are found once per vocabulary and index; those that continue a
partial name once per partial name (both cached).
"""

from __future__ import annotations

import bisect
import re

import numpy as np

_CAPITAL_TAIL = re.compile(r"(?<![A-Za-z0-9_$.])[A-Z][A-Za-z0-9_$]*\Z")
_IDENTIFIER_HEAD = re.compile(r"[A-Za-z0-9_$]+")
_DECLARED = re.compile(r"\b(?:class|enum|mixin|extension|typedef)\s+([A-Z][A-Za-z0-9_$]*)")
CONTINUATIONS_KEPT = 4096  # partial names whose continuing tokens are cached; the oldest go first


def capital_tail(text: str) -> str | None:
    """The capitalised name ``text`` ends with ("" when it ends with none), or None when it ends inside a
    private, lower-case or member name."""
    found = _CAPITAL_TAIL.search(text)
    if found is not None:
        return found.group()
    return None if text[-1:] and (text[-1].isalnum() or text[-1] in "_$") else ""


class ClassNames:
    """The public capitalised names of ``api`` (classes, enums, top-level functions) over ``vocabulary``
    (:class:`trainer.generation.decoding.known_names.Vocabulary`)."""

    def __init__(self, api, vocabulary) -> None:
        self.vocabulary = vocabulary
        self.names = tuple(sorted({name for name in (*api.classes, *api.functions) if name[:1].isupper()}))
        self._names = frozenset(self.names)
        self._starting: np.ndarray | None = None
        self._continuing: dict[str, set[int]] = {}

    def rule(self, text: str, partial: str) -> tuple[bool, np.ndarray] | None:
        """For ``text`` ending where an expression starts, with ``partial`` the capitalised name written
        there so far: ``(True, ids)`` only these may come next, ``(False, ids)`` these may not, None
        when the name is left free (one written before it could be guarded)."""
        own = sorted(set(_DECLARED.findall(text)) - self._names)
        if not partial:
            banned = self._banned_at_start()
            if own:
                freed = np.fromiter(self.vocabulary.continuing("", own, ()), dtype=np.int64)
                banned = np.setdiff1d(banned, freed, assume_unique=True)
            return False, banned
        names = self._with_prefix(partial) + [name for name in own if name.startswith(partial)]
        if not names:
            return None
        allowed = self._continuations(partial)
        if own:
            allowed = allowed | self.vocabulary.continuing(partial, own, ())
        if partial in self._names or partial in own:  # complete: what follows may be anything but more of a name
            return False, self.vocabulary.identifiers_except(allowed)
        return True, np.fromiter(sorted(allowed), dtype=np.int64, count=len(allowed))

    def _with_prefix(self, partial: str) -> list[str]:
        at = bisect.bisect_left(self.names, partial)
        found = []
        while at < len(self.names) and self.names[at].startswith(partial):
            found.append(self.names[at])
            at += 1
        return found

    def _continuations(self, partial: str) -> set[int]:
        if partial not in self._continuing:
            while len(self._continuing) >= CONTINUATIONS_KEPT:
                self._continuing.pop(next(iter(self._continuing)))
            longer = [name for name in self._with_prefix(partial) if name != partial]
            self._continuing[partial] = self.vocabulary.continuing(partial, longer, ()) if longer else set()
        return self._continuing[partial]

    def _banned_at_start(self) -> np.ndarray:
        """Tokens that, where an expression starts, begin (after white space) a capitalised name that is
        not the start of a known one, or complete one that is not known and go on (``Pane(``)."""
        if self._starting is None:
            banned = []
            for token, text in enumerate(self.vocabulary.texts):
                word = text.lstrip()
                if not word[:1].isupper() or not word[:1].isascii():
                    continue
                head = _IDENTIFIER_HEAD.match(word).group()
                at = bisect.bisect_left(self.names, head)
                starts = at < len(self.names) and self.names[at].startswith(head)
                if not starts or (head != word and head not in self._names):
                    banned.append(token)
            self._starting = np.array(banned, dtype=np.int64)
        return self._starting
