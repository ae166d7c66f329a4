"""The Dart analyzer's diagnostics as ``dart analyze --format=machine`` prints them.

One diagnostic per line on stdout, eight fields separated by ``|``::

    SEVERITY|TYPE|ERROR_CODE|FILE_PATH|LINE|COLUMN|LENGTH|ERROR_MESSAGE

``SEVERITY`` is ``ERROR``, ``WARNING`` or ``INFO``; ``TYPE`` the kind (``COMPILE_TIME_ERROR``,
``SYNTACTIC_ERROR``, ``STATIC_WARNING``, ``LINT``, ...); ``ERROR_CODE`` upper case; ``FILE_PATH`` absolute;
``LINE`` and ``COLUMN`` 1-based; ``LENGTH`` the length of the flagged text. In ``FILE_PATH`` and
``ERROR_MESSAGE`` a backslash and a pipe are escaped with a backslash, a newline is written ``\\n`` and a
carriage return ``\\r`` (dart-lang/sdk ``pkg/dartdev/lib/src/commands/analyze.dart``: ``emitMachineFormat``
and ``_escapeForMachineMode``). A line that is not such a diagnostic is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("ERROR", "WARNING", "INFO")
_UNESCAPED = {"n": "\n", "r": "\r"}


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic of the analyzer (the fields of the machine format, unescaped)."""

    severity: str
    type: str
    code: str
    file: str
    line: int
    column: int
    length: int
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "ERROR"

    @property
    def is_warning(self) -> bool:
        return self.severity == "WARNING"


def split_fields(line: str) -> list[str]:
    """The ``|``-separated fields of ``line``, escapes undone (``\\|`` and ``\\\\`` stand for themselves)."""
    fields, current, chars = [], [], iter(line)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            current.append(_UNESCAPED.get(escaped, escaped))
        elif char == "|":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


def parse_line(line: str) -> Diagnostic | None:
    """The diagnostic on one line of machine output, or None when the line is not one."""
    fields = split_fields(line.rstrip("\r\n"))
    if len(fields) != 8 or fields[0] not in SEVERITIES:
        return None
    severity, kind, code, file, line_no, column, length, message = fields
    try:
        return Diagnostic(severity, kind, code, file, int(line_no), int(column), int(length), message)
    except ValueError:
        return None


def parse_machine_output(text: str) -> list[Diagnostic]:
    """Every diagnostic in ``text`` (the analyzer's stdout), in order."""
    return [d for d in map(parse_line, text.splitlines()) if d is not None]
