"""Following the calls a candidate writes, as it writes them: which constructor each open call is of,
the arguments it has been given, and a named argument passed twice.

``child: A, child: B`` in one call never compiles, and it is the commonest way a small model goes
wrong (it keeps adding ``child:`` lines instead of closing the call). The syntax-tree check
``noRepeatedArgs`` (:mod:`trainer.generation.checks`) rejects such a widget once it is complete;
:class:`CallWatcher` sees it as soon as the second label's ``:`` is written, so the decoding loop can
take the label back and let the model write something else (:mod:`trainer.generation.decoding.take_back`).
What it knows of the innermost open call (:meth:`CallWatcher.open_call`: its callee, the labels and the
number of positional arguments given, whether the next argument is just starting) lets a logits
processor keep the model to the parameters that call has (:mod:`trainer.generation.decoding.known_names`).

It reads the code characters of :class:`dataset_tools.dart.lexer.DartStreamLexer` (``on_code``; comments
and strings are already skipped there), with the bracket stack: inside ``( ... )``, an
identifier right after the ``(`` or a ``,`` of that call and followed by ``:`` is a label. A ``:`` of
a conditional expression follows ``?`` and an operand, never the call's ``(`` or ``,``, so it is
not taken for one. The callee is the chain of identifiers written right before the ``(``
(``Text``, ``EdgeInsets.all``, ``ValueListenableBuilder<int>`` without its type arguments).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OpenCall:
    """A call being written: its callee (``""`` when the ``(`` followed no name) and what it was given."""

    callee: str = ""
    labels: set[str] = field(default_factory=set)
    positional: int = 0  # positional arguments completed (followed by a ",")
    expecting: bool = True  # right after "(" or ",": a label may start here
    name: str = ""
    name_start: int = -1
    name_done: bool = False  # whitespace after the name: only ":" may follow for a label
    labeled: bool = False  # the current argument is a named one
    content: bool = False  # the current argument has code in it

    def next_argument(self) -> None:
        """A "," of this call: the argument before it is complete."""
        if self.content and not self.labeled:
            self.positional += 1
        self.expecting, self.name, self.name_start, self.name_done = True, "", -1, False
        self.labeled = self.content = False


_IDENTIFIER = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_IN_TYPE_ARGUMENTS = _IDENTIFIER | set(" ,.?<>\n\t")


class CallWatcher:
    """``code_char(ch, pos, stack)`` for every code character. ``repeated_at`` is then the offset of
    the first label passed twice in one call (None while there is none); ``open_call(depth)`` the call
    whose ``(`` is the open bracket at that depth."""

    def __init__(self) -> None:
        self.calls: dict[int, OpenCall] = {}  # bracket depth of an open "(" → what it has seen
        self.repeated_at: int | None = None
        self.repeated_label = ""
        self._chain = ""  # the identifiers and dots just written: the callee if "(" follows
        self._angle = 0  # depth of the "<" ">" of type arguments after a chain
        self._last_pos = -1
        self._before = ""  # the last code character that is not white space
        self._word = ""  # the identifier written last
        self._literal_angle = 0  # depth of the "<" ">" of a collection literal's type arguments

    def open_call(self, depth: int) -> OpenCall | None:
        return self.calls.get(depth)

    def code_char(self, ch: str, pos: int, stack: list[str]) -> None:
        if self._literal_types(ch):
            self._last_pos = pos
            return
        callee = self._follow_chain(ch)
        skipped = pos > self._last_pos + 1  # a string (or comment) since the last code character
        self._last_pos = pos
        depth = len(stack)
        if ch == "(" and stack and stack[-1] == "(":
            self.calls[depth] = OpenCall(callee=callee)  # a new call opened: its own labels
            return
        for level in [d for d in self.calls if d > depth]:
            del self.calls[level]  # calls closed
        call = self.calls.get(depth) if stack and stack[-1] == "(" else None
        if call is None:
            return
        if skipped:
            call.content = True
        if ch == ",":
            call.next_argument()
            return
        if not ch.isspace():
            call.content = True
        if not call.expecting:
            return
        if ch in _IDENTIFIER:
            if call.name_done or (not call.name and ch.isdigit()):
                call.expecting = False
            else:
                if not call.name:
                    call.name_start = pos
                call.name += ch
        elif ch.isspace():
            call.name_done = bool(call.name)
        elif ch == ":" and call.name:
            if call.name in call.labels and self.repeated_at is None:
                self.repeated_at, self.repeated_label = call.name_start, call.name
            call.labels.add(call.name)
            call.labeled = True
            call.expecting = False
        else:
            call.expecting = False

    def _literal_types(self, ch: str) -> bool:
        """Whether ``ch`` belongs to the type arguments of a collection literal (``const <int, Widget>{``),
        whose "," separates no arguments: a "<" right after ``(``, ``,``, ``:``, ``=``, ``[``, ``const`` or
        ``return`` has no left operand, so it cannot be a comparison."""
        if self._literal_angle:
            if ch in _IN_TYPE_ARGUMENTS:
                self._literal_angle += (ch == "<") - (ch == ">")
                return True
            self._literal_angle = 0
        if ch == "<" and (self._before in ("(", ",", ":", "=", "[") or self._word in ("const", "return")):
            self._literal_angle = 1
        if ch in _IDENTIFIER:
            self._word = self._word + ch if self._before in _IDENTIFIER else ch
        if not ch.isspace():
            self._before = ch
        return self._literal_angle > 0

    def _follow_chain(self, ch: str) -> str:
        """Keep the identifier chain written last; at a "(" return it (the callee) and start anew."""
        chain = self._chain
        if self._angle:  # inside type arguments: the chain before them waits for the "("
            if ch in _IN_TYPE_ARGUMENTS:
                self._angle += (ch == "<") - (ch == ">")
                return ""
            self._angle = 0
        if ch in _IDENTIFIER:
            self._chain = chain + ch if chain and (chain[-1] in _IDENTIFIER or chain[-1] == ".") else ch
        elif ch == "." and chain and chain[-1] != ".":
            self._chain = chain + "."
        elif ch == "<" and chain and chain[-1] in _IDENTIFIER:
            self._angle = 1
        else:
            self._chain = ""
            if ch == "(":
                return chain
        return ""
