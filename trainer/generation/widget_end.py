"""Knows when a widget written as a stream of text is complete, and which slips it must not write.

``WidgetEndTracker`` is a :class:`dataset_tools.dart.lexer.DartStreamLexer` (comments and strings
skipped, the stack of open brackets kept) that also follows the top-level declarations. A top-level
declaration starts with a ``{`` at bracket depth 0 (so the ``{`` of named parameters inside ``(...)``
does not count) and ends when the stack is empty again — or, for an expression body, at a ``;`` at
depth 0 after a ``=>``.

A ``class`` keyword inside an open bracket sets ``nested_class``: the declaration before it never
closed, and no later text can make it parse (the decoding loop stops that candidate).

Two slips that no later text can mend count in ``slips``: a closing bracket that is not the innermost
open one's, and a ``return`` statement ended by ``,`` or ``}`` instead of ``;`` (``return Column(...),``
then ``}``: a comma or brace directly in the block that holds a ``return`` is never valid Dart, as
the return's own brackets and literals are one level deeper). ``slip_in(text)`` tells, without
feeding it, where ``text`` would add one and which character belongs there; ``unclosed``, whether
code ended now would leave a bracket or string open. The decoding loop keeps candidates from
writing either (:class:`trainer.generation.decoding.processors.KeepBracketsMatched`).

The widget is complete after the first top-level declaration closes, unless that declaration is
a ``StatefulWidget``-like class: then its ``State`` class follows, and the widget is complete when
the next declaration closes. A markdown fence line (```) resets the tracker (prose before it is
ignored) or, once code has started, ends the widget.
"""

from __future__ import annotations

import copy
import re
from typing import Callable

from dataset_tools.dart.lexer import CLOSERS, DartStreamLexer
from dataset_tools.dart.vocabulary import STATEFUL_BASES

_STATEFUL_RE = re.compile(r"\bclass\s+\w+.*\bextends\s+(%s)\b" % "|".join(sorted(STATEFUL_BASES)), re.S)
SLIP_CHARS = ")]},"  # only text with one of these can add a slip


class WidgetEndTracker(DartStreamLexer):
    """Feed text with ``feed(chunk)``; ``done`` turns True once the widget is complete.

    ``end_offset`` is then the index (in all text fed so far) just after the closing ``}`` or
    ``;``; ``declarations`` counts closed top-level declarations. ``on_code(ch, offset, stack)``
    sees every code character (:mod:`trainer.generation.named_args`).
    """

    def __init__(self, on_code: Callable[[str, int, list[str]], None] | None = None) -> None:
        super().__init__(on_code)
        self.in_fence = False

    def reset(self) -> None:
        super().reset()
        self.header: list[str] = []  # code characters since the last top-level declaration ended
        self.arrow_at_top = False
        self.expect_state_class = False
        self.declarations = 0
        self.end_offset: int | None = None
        self.slips = 0  # wrong closing brackets, return statements not ended by ";"
        self.first_slip: tuple[int, str | None] | None = None  # (offset, right character) of a probe's first slip
        self.word = ""  # the identifier being read (to see the keywords "return" and "class")
        self.nested_class = False  # a class began inside an open bracket: the brackets before it never closed
        self.returns: list[int] = []  # bracket depths of the open return statements

    # ------------------------------------------------------------------ probing
    def slip_in(self, text: str) -> tuple[int, str | None] | None:
        """Where feeding ``text`` would first slip (see the module's doc), and the character that
        belongs there instead (the innermost bracket's closer, or ``;`` for a return's ``,``; None
        when no one character mends it); None when it would not slip. The state is unchanged."""
        if self.done or not any(ch in text for ch in SLIP_CHARS):
            return None
        probe = copy.copy(self)
        probe.on_code = None
        for name in ("stack", "string_stack", "header", "returns"):  # the lists it changes: its own copies
            setattr(probe, name, list(getattr(self, name)))
        probe.first_slip = None
        probe.feed(text)
        if probe.first_slip is None:
            return None
        at, fix = probe.first_slip
        return at - self.offset, fix

    def would_slip(self, text: str) -> bool:
        return self.slip_in(text) is not None

    # ------------------------------------------------------------------ the lexer's hooks
    def handle_line(self, line: str, start: int) -> None:
        if not line.strip().startswith("```"):
            return
        if self.in_fence:
            self._finish(start)  # the closing fence: the code ends here
        else:
            # The opening fence: forget any prose (and its unbalanced quotes) before it.
            self.in_fence = True
            self.reset()

    def handle_brackets_dropped(self) -> None:
        self.returns = [depth for depth in self.returns if depth <= len(self.stack)]

    def handle_code(self, token: str, offset: int) -> None:
        self._word_char(token[0])
        if token == "=>":
            self.arrow_at_top = True
            self.header.append("=>")
            return
        ch = token
        if not self.stack:
            self.header.append(ch)
        if ch in ")]}":
            top = self.stack[-1] if self.stack else None
            if top is not None and CLOSERS.get(top, "}") != ch:
                self._slip(offset, CLOSERS.get(top, "}"))  # ("${" is closed by "}")
            elif self.returns and self.returns[-1] >= len(self.stack):
                self._slip(offset, None)  # the block closes before its return statement's ";"
            if top is not None and not (top == "${" and ch == "}"):  # a bracket closes (the lexer pops it)
                depth = len(self.stack) - 1
                while self.returns and self.returns[-1] > depth:
                    self.returns.pop()  # its block closed (a slip let through)
                if depth == 0 and ch == "}":
                    self._declaration_closed()
        elif ch == "," and self.returns and self.returns[-1] == len(self.stack):
            self._slip(offset, ";")  # "return x," (a comma directly in the block)
        elif ch == ";" and self.returns and self.returns[-1] == len(self.stack):
            self.returns.pop()
        elif ch == ";" and not self.stack:
            if self.arrow_at_top:
                self._declaration_closed()
            else:
                self._new_header()  # an import, a top-level variable, ...

    # ------------------------------------------------------------------ declarations
    def _slip(self, offset: int, fix: str | None) -> None:
        self.slips += 1
        if self.first_slip is None:
            self.first_slip = (offset, fix)

    def _word_char(self, ch: str) -> None:
        """Read identifiers; a ``return`` keyword directly in a block opens a return statement; the
        keyword ``class`` inside any bracket (never valid Dart) sets ``nested_class``."""
        if ch.isalnum() or ch in "_$":
            self.word += ch
            return
        if self.word == "return" and self.stack and self.stack[-1] == "{":
            self.returns.append(len(self.stack))
        elif self.word == "class" and self.stack:
            self.nested_class = True
        self.word = ""

    def _new_header(self) -> None:
        self.header = []
        self.arrow_at_top = False

    def _declaration_closed(self) -> None:
        header = "".join(self.header)
        self._new_header()
        self.declarations += 1
        if self.expect_state_class:
            self._finish(self.offset)
        elif _STATEFUL_RE.search(header):
            self.expect_state_class = True
        else:
            self._finish(self.offset)

    def _finish(self, offset: int) -> None:
        self.done = True
        self.end_offset = offset


def widget_end(text: str) -> int | None:
    """Index just after the complete widget in ``text``, or None if it never completes."""
    tracker = WidgetEndTracker()
    tracker.feed(text)
    if not tracker.done:
        tracker.feed("\n")  # a last line without a newline may be a closing fence
    return tracker.end_offset if tracker.done else None
