"""The URIs a Dart file's ``import``, ``export`` and ``part`` directives name, read from its text.

``directive_uris(data)`` finds each directive at the start of a line up to its ``;`` and returns every
quoted URI in it, in order: the URI itself and the ones of a conditional import
(``import 'a.dart' if (dart.library.io) 'a_io.dart';``). ``part of`` names the library a part belongs
to, not a file the code uses, and is left out. ``export_uris(data)`` the URIs of its ``export``
directives alone (what a package's library passes on to the code that imports it).
"""

from __future__ import annotations

import re

_DIRECTIVE = re.compile(rb"^[ \t]*(?:import|export|part(?![ \t]+of\b))\s+([^;]*);", re.MULTILINE)
_EXPORT = re.compile(rb"^[ \t]*export\s+([^;]*);", re.MULTILINE)
_QUOTED = re.compile(rb"""r?(['"])([^'"\n]+)\1""")
_CONDITION = re.compile(rb"\([^)]*\)")


def directive_uris(data: bytes) -> tuple[str, ...]:
    """Every URI the file's ``import``/``export``/``part`` directives name, in order, each once."""
    return _uris(_DIRECTIVE, data)


def export_uris(data: bytes) -> tuple[str, ...]:
    """Every URI the file's ``export`` directives name, in order, each once."""
    return _uris(_EXPORT, data)


def _uris(directives: re.Pattern, data: bytes) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for directive in directives.finditer(data):
        body = _CONDITION.sub(b"", directive.group(1))  # a condition's own string is no URI
        for quoted in _QUOTED.finditer(body):
            found.setdefault(quoted.group(2).decode("utf-8", "replace").strip(), None)
    return tuple(found)


def library_of(uri: str) -> str | None:
    """``dart:io`` for ``dart:io``, ``package:intl`` for ``package:intl/intl.dart``; None for a
    relative URI (a file of the same project)."""
    if uri.startswith("dart:"):
        return uri.split("/", 1)[0]
    if uri.startswith("package:"):
        return uri.split("/", 1)[0]
    return uri if ":" in uri else None
