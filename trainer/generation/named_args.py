"""Spotting a named argument passed twice in one call while a candidate is being written.

``child: A, child: B`` in one call never compiles, and it is the commonest way a small model goes
wrong (it keeps adding ``child:`` lines instead of closing the call). The syntax-tree check
``noRepeatedArgs`` (:mod:`trainer.generation.checks`) rejects such a widget once it is complete;
:class:`RepeatedArgumentWatcher` sees it as soon as the second label's ``:`` is written, so the
decoding loop can take the label back and let the model write something else
(:mod:`trainer.generation.decoding.take_back`).

It reads the code characters of :class:`dataset_tools.dart.lexer.DartStreamLexer` (``on_code``; comments
and strings are already skipped there), with the bracket stack: inside ``( ... )``, an
identifier right after the ``(`` or a ``,`` of that call and followed by ``:`` is a label. A ``:`` of
a conditional expression follows ``?`` and an operand, never the call's ``(`` or ``,``, so it is
not taken for one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Call:
    labels: set[str] = field(default_factory=set)
    expecting: bool = True  # right after "(" or ",": a label may start here
    name: str = ""
    name_start: int = -1
    name_done: bool = False  # whitespace after the name: only ":" may follow for a label


class RepeatedArgumentWatcher:
    """``code_char(ch, pos, stack)`` for every code character; ``repeated_at`` is then the offset of
    the first label passed twice in one call (None while there is none)."""

    def __init__(self) -> None:
        self.calls: dict[int, _Call] = {}  # bracket depth of an open "(" → what it has seen
        self.repeated_at: int | None = None
        self.repeated_label = ""

    def code_char(self, ch: str, pos: int, stack: list[str]) -> None:
        if self.repeated_at is not None:
            return
        depth = len(stack)
        if ch == "(" and stack and stack[-1] == "(":
            self.calls[depth] = _Call()  # a new call opened: its own labels
            return
        for level in [d for d in self.calls if d > depth]:
            del self.calls[level]  # calls closed
        call = self.calls.get(depth) if stack and stack[-1] == "(" else None
        if call is None:
            return
        if ch == ",":
            call.expecting, call.name, call.name_start, call.name_done = True, "", -1, False
        elif not call.expecting:
            return
        elif ch.isalnum() or ch in "_$":
            if call.name_done or (not call.name and ch.isdigit()):
                call.expecting = False
            else:
                if not call.name:
                    call.name_start = pos
                call.name += ch
        elif ch.isspace():
            call.name_done = bool(call.name)
        elif ch == ":" and call.name:
            if call.name in call.labels:
                self.repeated_at, self.repeated_label = call.name_start, call.name
            call.labels.add(call.name)
            call.expecting = False
        else:
            call.expecting = False
