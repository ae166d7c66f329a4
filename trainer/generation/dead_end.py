"""Spotting a candidate whose code can no longer parse, at the first line end that shows it.

At a line end, the code written so far is parsed by tree-sitter with its open brackets closed
(``DartStreamLexer.closers``). What is merely unfinished then shows only in the last line and the
closing text after it (a ``;`` not yet written, an argument without its value). An ERROR or MISSING
node that ends before the last line starts is a mistake in lines already complete — an ``if``
statement among a call's arguments, a getter written without ``get``, ``this.a.b`` as a parameter —
and no text written after it can make the code parse. The decoding loop stops such a candidate
(stop reason ``syntax_error``): the tokens it would still take are better spent on the next one.

It never fires at a line end of Dart that parses (tests/trainer/generation/test_dead_end.py). What the
stop saves: ``benchmarks/candidate_stops.py --compare-syntax-stop``.
"""

from __future__ import annotations

from dataset_tools.dart import parse_within

from .checks import PARSE_LIMIT_S


def broken_before_last_line(code: str, closers: str) -> bool:
    """``code`` (complete lines) followed by ``closers`` has a syntax error before its last line."""
    return first_broken_line(code, closers) is not None


def first_broken_line(code: str, closers: str) -> int | None:
    """Where, in ``code`` (complete lines) followed by ``closers``, the first line holding a syntax
    error that ends before the last line starts (the offset of its first character that is not white
    space); 0 when the text keeps tree-sitter busy too long to say; None when nothing before the last
    line is broken."""
    code = code.rstrip()
    last_line = code.rfind("\n")
    if last_line <= 0:
        return None
    tree = parse_within(f"{code}\n{closers}", PARSE_LIMIT_S)
    if tree is None:  # text that keeps tree-sitter's error recovery busy this long is no code
        return 0
    if not tree.root_node.has_error:
        return None
    data = code.encode("utf-8")
    before = len(code[:last_line].encode("utf-8"))
    first = None
    nodes = [tree.root_node]
    while nodes:  # only into subtrees that hold an error
        node = nodes.pop()
        if (node.type == "ERROR" or node.is_missing) and node.end_byte <= before:
            first = node.start_byte if first is None else min(first, node.start_byte)
        nodes.extend(child for child in node.children if child.has_error or child.is_missing)
    if first is None:
        return None
    line_start = data.rfind(b"\n", 0, first) + 1
    indent = len(data[line_start:]) - len(data[line_start:].lstrip(b" \t"))
    return len(data[:line_start + indent].decode("utf-8", "replace"))
