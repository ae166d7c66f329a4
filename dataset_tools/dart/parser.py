"""The tree-sitter-dart parser, shared by harvest, generation, evaluation and the language server."""

from __future__ import annotations

import threading
import time

import tree_sitter_dart
from tree_sitter import Language, Node, Parser, Tree

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


def parse_within(source: bytes | str, seconds: float) -> Tree | None:
    """``parse``, given up after ``seconds``: None then. Text a model writes can drive tree-sitter's
    error recovery into seconds of work (a random model's 70 kB of word salad: 6-10 s), where code
    of that size that parses takes milliseconds."""
    if isinstance(source, str):
        source = source.encode("utf-8")
    deadline = time.perf_counter() + seconds
    p = parser()
    try:
        return p.parse(lambda offset, _point: source[offset:offset + 65536],
                       progress_callback=lambda _offset, _error: time.perf_counter() > deadline)
    except ValueError:  # cancelled by the progress callback
        p.reset()  # else the next parse would resume this one
        return None


def top_levels(root: Node):
    """The program node and any ERROR nodes that hold top-level declarations after a syntax error
    (looked for only below nodes whose ``has_error`` is set: clean trees skip the scan)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node.has_error:
            stack.extend([c for c in node.children if c.type == "ERROR"])
