"""The words of a Dart identifier: one splitter for harvest's descriptions, retrieval's index and the
server's doc comments."""

from __future__ import annotations

import re

# An acronym before a capitalised word (`HTTP` of `HTTPBanner`), a word, an acronym, a number.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def identifier_words(name: str, *, numbers: bool = True) -> list[str]:
    """The words of a camelCase, PascalCase or snake_case identifier, in order and as written:
    ``_HTTPBanner`` → ``HTTP``, ``Banner``; ``build_row2`` → ``build``, ``row``, ``2`` (without
    ``numbers``: ``build``, ``row``). Underscores, ``$`` and other characters only separate words."""
    words = _WORD.findall(name)
    return words if numbers else [word for word in words if not word.isdigit()]
