"""The "id" of a JSON-RPC message that ``json.loads`` cannot read, so that its error can still be answered.

``recover_id(text)`` walks the top level of the object without recursion: each key is read with
``json.decoder.scanstring``; a nested value is skipped by counting brackets outside strings; the
value of "id" is decoded with ``JSONDecoder.raw_decode``. A body cut short (the head of an oversized
message) or broken before its "id" gives None. A complete object without "id" (a notification)
gives ``NO_ID``. ``is_valid_id`` says whether an id can be answered (LSP ids are integers or strings).
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

NO_ID: Any = type("NoId", (), {"__repr__": lambda self: "NO_ID"})()
"""The message is a whole object with no "id": a notification, never answered."""

_SPACE = re.compile(r"[ \t\n\r]*")
_BRACKET_OR_QUOTE = re.compile(r'["\[\]{}]')
_SCALAR = re.compile(r"[^,}\]\s]+")
_DECODER = json.JSONDecoder()


def is_valid_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def recover_id(text: str) -> Any:
    """The top-level "id" value of the JSON object in ``text``; NO_ID when it has none; None when
    the object is broken or cut before its "id" (and for ``"id": null``)."""
    i = _SPACE.match(text, 0).end()
    if text[i:i + 1] != "{":
        return None
    i = _SPACE.match(text, i + 1).end()
    if text[i:i + 1] == "}":
        return NO_ID
    while True:
        if text[i:i + 1] != '"':
            return None
        try:
            key, i = scanstring(text, i + 1, False)
        except ValueError:
            return None
        i = _SPACE.match(text, i).end()
        if text[i:i + 1] != ":":
            return None
        i = _SPACE.match(text, i + 1).end()
        if key == "id":
            try:
                return _DECODER.raw_decode(text, i)[0]
            except (ValueError, RecursionError):
                return None
        end = skip_value(text, i)
        if end is None:
            return None
        i = _SPACE.match(text, end).end()
        separator = text[i:i + 1]
        if separator == "}":
            return NO_ID
        if separator != ",":
            return None
        i = _SPACE.match(text, i + 1).end()


def skip_value(text: str, i: int) -> int | None:
    """The index just after the JSON value that starts at ``i``, or None if it does not end in ``text``."""
    if i >= len(text):
        return None
    first = text[i]
    if first == '"':
        try:
            return scanstring(text, i + 1, False)[1]
        except ValueError:
            return None
    if first not in "[{":
        scalar = _SCALAR.match(text, i)
        return scalar.end() if scalar else None
    depth = 0
    while True:
        found = _BRACKET_OR_QUOTE.search(text, i)
        if found is None:
            return None
        i = found.start()
        char = text[i]
        if char == '"':
            try:
                i = scanstring(text, i + 1, False)[1]
            except ValueError:
                return None
            continue
        depth += 1 if char in "[{" else -1
        i += 1
        if depth == 0:
            return i
