"""Knows when a widget written as a stream of text is complete.

``WidgetEndTracker`` reads Dart text chunk by chunk (as tokens arrive) with a tiny lexer that
skips comments and string literals (including ``${...}`` interpolation and raw/triple-quoted
strings) and keeps a stack of open ``( [ {``. A top-level declaration starts with a ``{`` at
bracket depth 0 (so the ``{`` of named parameters inside ``(...)`` does not count) and ends when
the stack is empty again — or, for an expression body, at a ``;`` at depth 0 after a ``=>``.

A ``class`` keyword inside an open bracket sets ``nested_class``: the declaration before it never
closed, and no later text can make it parse (the decoding loop stops that candidate).

Two slips that no later text can mend count in ``slips``: a closing bracket that is not the innermost
open one's, and a ``return`` statement ended by ``,`` or ``}`` instead of ``;`` (``return Column(...),``
then ``}``: a comma or brace directly in the block that holds a ``return`` is never valid Dart, as
the return's own brackets and literals are one level deeper). ``slip_in(text)`` tells, without
feeding it, where ``text`` would add one and which character belongs there; ``unclosed``, whether
code ended now would leave a bracket or string open. The decoding loop keeps candidates from
writing either (:mod:`trainer.generation.candidates`).

The widget is complete after the first top-level declaration closes, unless that declaration is
a ``StatefulWidget``-like class: then its ``State`` class follows, and the widget is complete when
the next declaration closes. A markdown fence line (```) resets the tracker (prose before it is
ignored) or, once code has started, ends the widget.
"""

from __future__ import annotations

import copy
import re
from typing import Callable

from dataset_tools.dart.vocabulary import STATEFUL_BASES

_STATEFUL_RE = re.compile(r"\bclass\s+\w+.*\bextends\s+(%s)\b" % "|".join(sorted(STATEFUL_BASES)), re.S)
_OPEN = {"(": ")", "[": "]", "{": "}"}
SLIP_CHARS = ")]},"  # only text with one of these can add a slip


class WidgetEndTracker:
    """Feed text with ``feed(chunk)``; ``done`` turns True once the widget is complete.

    ``end_offset`` is then the index (in all text fed so far) just after the closing ``}`` or
    ``;``; ``declarations`` counts closed top-level declarations.
    """

    def __init__(self, on_code: Callable[[str, int, list[str]], None] | None = None) -> None:
        # ``on_code(ch, offset, stack)``: every code character (not in a comment or string) with its
        # offset in all text fed and the bracket stack after it (trainer.generation.named_args).
        self.on_code = on_code
        self.reset()
        self.offset = 0  # characters fed so far (never reset)
        self.line = ""  # the current line so far (for fence detection)
        self.line_start = 0
        self.in_fence = False

    def reset(self) -> None:
        self.mode = "code"  # code | line_comment | block_comment | string
        self.block_depth = 0  # nesting of /* */ (Dart nests block comments)
        self.quote = ""  # the quote that closes the current string (' " ''' """)
        self.raw = False
        self.stack: list[str] = []  # open brackets; "${" marks an interpolation inside a string
        self.string_stack: list[tuple[str, bool]] = []  # strings suspended by ${ interpolation
        self.header: list[str] = []  # code characters since the last top-level declaration ended
        self.arrow_at_top = False
        self.expect_state_class = False
        self.declarations = 0
        self.saw_code = False
        self.done = False
        self.end_offset: int | None = None
        self.prev = ""  # the last code character (tells r'raw' from an identifier ending in r)
        self.slips = 0  # wrong closing brackets, return statements not ended by ";"
        self.first_slip: tuple[int, str | None] | None = None  # (offset, right character) of a probe's first slip
        self.word = ""  # the identifier being read (to see the keywords "return" and "class")
        self.nested_class = False  # a class began inside an open bracket: the brackets before it never closed
        self.returns: list[int] = []  # bracket depths of the open return statements
        self._pending = ""  # characters held back because they may start a longer token

    # ------------------------------------------------------------------ feeding
    def feed(self, chunk: str) -> bool:
        """Read more text; return ``done``."""
        for ch in chunk:
            if self.done:
                break
            self.offset += 1
            self._char(ch)
        return self.done

    def _char(self, ch: str) -> None:
        if ch == "\n":
            self._end_of_line()
            if self.done:
                return
        else:
            self.line += ch
        buf = self._pending + ch
        self._pending = ""
        self._lex(buf)

    def _end_of_line(self) -> None:
        line, start = self.line.strip(), self.line_start
        self.line, self.line_start = "", self.offset
        if line.startswith("```"):
            if self.in_fence:
                self._finish(start)  # the closing fence: the code ends here
            else:
                # The opening fence: forget any prose (and its unbalanced quotes) before it.
                self.in_fence = True
                self.reset()
            return
        if self.mode == "line_comment":
            self.mode = "code"
        elif self.mode == "string" and len(self.quote) == 1:
            # A one-quote string cannot span lines: this was prose (e.g. "Here's"), recover.
            self.mode = "code"
            self.string_stack.clear()
            if "${" in self.stack:  # what was opened inside its interpolations goes with it
                del self.stack[self.stack.index("${"):]
                self.returns = [depth for depth in self.returns if depth <= len(self.stack)]

    @property
    def unclosed(self) -> bool:
        """Ending the text here would leave a bracket, string or block comment open."""
        return bool(self.stack) or self.mode in ("string", "block_comment")

    def closers(self) -> str | None:
        """The text that closes every open bracket here, innermost first; None inside a string, a
        comment or an interpolation, or with characters held back (no bracket text closes those)."""
        if self.mode != "code" or self._pending or "${" in self.stack:
            return None
        return "".join(_OPEN[bracket] for bracket in reversed(self.stack))

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

    # ------------------------------------------------------------------ lexing
    def _lex(self, buf: str) -> None:
        """Consume ``buf``; a prefix that might start a longer token is kept in ``_pending``."""
        i = 0
        while i < len(buf):
            rest = buf[i:]
            if self.mode == "line_comment":
                i += 1
            elif self.mode == "block_comment":
                if rest in ("/", "*"):
                    self._pending = rest
                    return
                if rest.startswith("/*"):
                    self.block_depth += 1
                    i += 2
                elif rest.startswith("*/"):
                    self.block_depth -= 1
                    if self.block_depth == 0:
                        self.mode = "code"
                    i += 2
                else:
                    i += 1
            elif self.mode == "string":
                i += self._string_char(rest)
                if self._pending:
                    return
            else:
                step = self._code_char(rest)
                if self._pending or self.done:
                    return
                i += step

    def _string_char(self, rest: str) -> int:
        q = self.quote
        if not self.raw and rest[0] == "\\":
            if len(rest) < 2:
                self._pending = rest
                return len(rest)
            return 2
        if len(q) == 3 and rest[0] == q[0] and len(rest) < 3 and rest == q[0] * len(rest):
            self._pending = rest
            return len(rest)
        if rest.startswith(q):
            self.mode = "code"
            return len(q)
        if not self.raw and rest[0] == "$":
            if len(rest) < 2:
                self._pending = rest
                return 1
            if rest[1] == "{":
                self.string_stack.append((self.quote, self.raw))
                self.stack.append("${")
                self.mode = "code"
                return 2
        return 1

    def _code_char(self, rest: str) -> int:
        ch = rest[0]
        if ch in "/r'\"=" and len(rest) < 3 and not rest.isspace():
            # Could be //, /*, r'...', ''' or => split across tokens: wait for more text.
            if (ch == "/" and len(rest) < 2) or (ch in "'\"" and rest == ch * len(rest)) \
                    or (ch == "r" and len(rest) < 2) or (ch == "=" and len(rest) < 2):
                self._pending = rest
                return len(rest)
        if rest.startswith("//"):
            self.mode = "line_comment"
            return 2
        if rest.startswith("/*"):
            self.mode, self.block_depth = "block_comment", 1
            return 2
        raw = ch == "r" and rest[1:2] in ("'", '"') and not (self.prev.isalnum() or self.prev == "_")
        start = 1 if raw else 0
        if rest[start:start + 1] in ("'", '"'):
            q = rest[start]
            quote = q * 3 if rest[start:start + 3] == q * 3 else q
            self.mode, self.quote, self.raw = "string", quote, raw
            self.saw_code, self.prev = True, q
            return start + len(quote)
        self.prev = ch
        self._word_char(ch)
        if not ch.isspace():
            self.saw_code = True
        if rest.startswith("=>") and not self.stack:
            self.arrow_at_top = True
            self.header.append("=>")
            return 2
        if not self.stack:
            self.header.append(ch)
        if ch in _OPEN:
            self.stack.append(ch)
        elif ch in ")]}":
            if self.stack and _OPEN.get(self.stack[-1], "}") != ch:
                self._slip(rest, _OPEN.get(self.stack[-1], "}"))  # ("${" is closed by "}")
            elif self.returns and self.returns[-1] >= len(self.stack):
                self._slip(rest, None)  # the block closes before its return statement's ";"
            if self.stack and self.stack[-1] == "${" and ch == "}":
                self.stack.pop()
                self.quote, self.raw = self.string_stack.pop()
                self.mode = "string"
            elif self.stack:
                self.stack.pop()
                while self.returns and self.returns[-1] > len(self.stack):
                    self.returns.pop()  # its block closed (a slip let through)
                if not self.stack and ch == "}":
                    self._declaration_closed()
        elif ch == "," and self.returns and self.returns[-1] == len(self.stack):
            self._slip(rest, ";")  # "return x," (a comma directly in the block)
        elif ch == ";" and self.returns and self.returns[-1] == len(self.stack):
            self.returns.pop()
        elif ch == ";" and not self.stack:
            if self.arrow_at_top:
                self._declaration_closed()
            else:
                self._new_header()  # an import, a top-level variable, ...
        if self.on_code is not None:
            self.on_code(ch, self.offset - len(rest), self.stack)
        return 1

    def _slip(self, rest: str, fix: str | None) -> None:
        self.slips += 1
        if self.first_slip is None:
            self.first_slip = (self.offset - len(rest), fix)

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
