"""The tree-sitter-dart parser, shared by harvest, evaluation and the language server."""

from __future__ import annotations

import threading

import tree_sitter_dart
from tree_sitter import Language, Parser, Tree

LANGUAGE = Language(tree_sitter_dart.language())
_local = threading.local()


def parser() -> Parser:
    """A parser for the current thread (tree-sitter parsers are not thread-safe)."""
    p = getattr(_local, "parser", None)
    if p is None:
        p = _local.parser = Parser(LANGUAGE)
    return p


def parse(source: bytes | str) -> Tree:
    if isinstance(source, str):
        source = source.encode("utf-8")
    return parser().parse(source)
