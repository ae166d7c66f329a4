"""A Dart lexer that reads text as it streams in (a model's tokens), chunk by chunk.

``DartStreamLexer`` tells code from comments (``//``, nested ``/* */``) and string literals (one- or
three-quoted, raw ``r'…'``, with ``${…}`` interpolations holding code again) and keeps the stack of open
``( [ {`` (``${`` for an interpolation). Text may be split anywhere: a prefix that may begin a longer
token (``/`` of ``//``, ``r`` of ``r'``, the quotes of ``'''``, ``=`` of ``=>``, a backslash) is held
back until the next chunk. A one-quote string cannot span lines: one still open at a line end is
dropped there, with the brackets opened in its interpolations (the text was prose, as in "Here's").

A reader built on it subclasses it and overrides the hooks, as :class:`html.parser.HTMLParser`'s readers
do: ``handle_code(token, offset)`` for every code token before the bracket stack takes it (one
character, or ``=>`` at depth 0), ``handle_line(line, start)`` at every line end, and
``handle_brackets_dropped()`` after a dropped string took brackets with it; setting ``done`` stops the
reading. ``on_code(ch, offset, stack)`` is called for every code character with the stack after it.
"""

from __future__ import annotations

from typing import Callable

CLOSERS = {"(": ")", "[": "]", "{": "}"}


class DartStreamLexer:
    """Feed text with ``feed(chunk)``; ``stack`` holds the open brackets, ``mode`` what is being read
    (code, line_comment, block_comment, string), ``line`` the current line so far, ``offset`` the
    characters fed (never reset)."""

    def __init__(self, on_code: Callable[[str, int, list[str]], None] | None = None) -> None:
        self.on_code = on_code
        self.reset()
        self.offset = 0
        self.line = ""
        self.line_start = 0  # offset of the current line's first character

    def reset(self) -> None:
        """Forget what was read (not where: ``offset`` and the current line stay)."""
        self.mode = "code"  # code | line_comment | block_comment | string
        self.block_depth = 0  # nesting of /* */ (Dart nests block comments)
        self.quote = ""  # the quote that closes the current string (' " ''' """)
        self.raw = False
        self.stack: list[str] = []  # open brackets; "${" marks an interpolation inside a string
        self.string_stack: list[tuple[str, bool]] = []  # strings suspended by ${ interpolation
        self.prev = ""  # the last code character (tells r'raw' from an identifier ending in r)
        self.done = False
        self._pending = ""  # characters held back because they may start a longer token

    # ------------------------------------------------------------------ hooks
    def handle_code(self, token: str, offset: int) -> None:
        """A code token at ``offset``, before the bracket stack takes it."""

    def handle_line(self, line: str, start: int) -> None:
        """A line ended: ``line`` without its break, its first character at ``start``."""

    def handle_brackets_dropped(self) -> None:
        """A one-quote string open at a line end was dropped with brackets opened inside it."""

    # ------------------------------------------------------------------ state
    @property
    def unclosed(self) -> bool:
        """Ending the text here would leave a bracket, string or block comment open."""
        return bool(self.stack) or self.mode in ("string", "block_comment")

    def closers(self) -> str | None:
        """The text that closes every open bracket here, innermost first; None inside a string, a
        comment or an interpolation, or with characters held back (no bracket text closes those)."""
        if self.mode != "code" or self._pending or "${" in self.stack:
            return None
        return "".join(CLOSERS[bracket] for bracket in reversed(self.stack))

    # ------------------------------------------------------------------ reading
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
            line, start = self.line, self.line_start
            self.line, self.line_start = "", self.offset
            self.handle_line(line, start)
            if self.done:
                return
            self._end_of_line()
        else:
            self.line += ch
        buf = self._pending + ch
        self._pending = ""
        self._lex(buf)

    def _end_of_line(self) -> None:
        if self.mode == "line_comment":
            self.mode = "code"
        elif self.mode == "string" and len(self.quote) == 1:
            # A one-quote string cannot span lines: this was prose (e.g. "Here's"), recover.
            self.mode = "code"
            self.string_stack.clear()
            if "${" in self.stack:  # what was opened inside its interpolations goes with it
                del self.stack[self.stack.index("${"):]
                self.handle_brackets_dropped()

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
            self.prev = q
            return start + len(quote)
        self.prev = ch
        offset = self.offset - len(rest)
        if rest.startswith("=>") and not self.stack:  # the arrow of a top-level expression body
            self.handle_code("=>", offset)
            return 2
        self.handle_code(ch, offset)
        self._bracket(ch)
        if self.on_code is not None:
            self.on_code(ch, offset, self.stack)
        return 1

    def _bracket(self, ch: str) -> None:
        """Open or close a bracket; the ``}`` of an interpolation goes back into its string."""
        if ch in CLOSERS:
            self.stack.append(ch)
        elif ch in ")]}" and self.stack:
            if self.stack[-1] == "${" and ch == "}":
                self.stack.pop()
                self.quote, self.raw = self.string_stack.pop()
                self.mode = "string"
            else:
                self.stack.pop()
