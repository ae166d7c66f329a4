"""The streaming Dart lexer: what is code, which brackets are open, however the text is split."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from dataset_tools.dart import DartStreamLexer

SOURCE = ("class A extends StatelessWidget {\n"
          "  // a } in a comment (\n"
          "  /* { nested /* } */ { */\n"
          "  final s = '}}${f(1, [2])}{';\n"
          "  final r = r'\\}' \"\"\" { \n } \"\"\";\n"
          "  Widget build(BuildContext c) => Text(\"}\", key: k);\n"
          "}\n"
          "Widget g() => const X();\n")


class Recorder(DartStreamLexer):
    """Records what the hooks see."""

    def __init__(self) -> None:
        self.code: list[tuple[str, int]] = []
        self.lines: list[tuple[str, int]] = []
        self.seen: list[tuple[str, int, str]] = []
        super().__init__(on_code=lambda ch, offset, stack: self.seen.append((ch, offset, "".join(stack))))

    def handle_code(self, token: str, offset: int) -> None:
        self.code.append((token, offset))

    def handle_line(self, line: str, start: int) -> None:
        self.lines.append((line, start))


def read(text: str, sizes=(len(SOURCE),)) -> Recorder:
    lexer, pos = Recorder(), 0
    for size in itertools.cycle(sizes):
        if pos >= len(text):
            break
        lexer.feed(text[pos:pos + size])
        pos += size
    return lexer


def test_comments_and_strings_are_not_code_but_interpolations_are():
    lexer = read(SOURCE)
    code = "".join(token for token, _ in lexer.code)
    assert "comment" not in code and "nested" not in code and "}}" not in code
    assert "f(1,[2])" in code.replace(" ", "")  # the interpolation's code
    assert all(SOURCE[offset:offset + len(token)] == token for token, offset in lexer.code)
    assert not lexer.stack and lexer.mode == "code" and not lexer.unclosed


def test_on_code_sees_every_code_character_with_the_stack_after_it():
    lexer = read("f(a, [b")
    assert lexer.seen == [("f", 0, ""), ("(", 1, "("), ("a", 2, "("), (",", 3, "("), (" ", 4, "("),
                          ("[", 5, "(["), ("b", 6, "([")]
    lexer = read("f('${g(x)}')")
    assert [(ch, stack) for ch, _, stack in lexer.seen] == [
        ("f", ""), ("(", "("), ("g", "(${"), ("(", "(${("), ("x", "(${("), (")", "(${"), ("}", "("), (")", "")]
    assert lexer.mode == "code" and not lexer.stack


def test_a_top_level_arrow_is_one_token_and_lines_are_reported():
    lexer = read("Widget g() => X();\nf(a => b)\n")
    assert ("=>", 11) in lexer.code
    assert ("=", 23) in lexer.code and (">", 24) in lexer.code  # inside brackets: two characters
    assert lexer.lines == [("Widget g() => X();", 0), ("f(a => b)", 19)]


def test_closers_close_what_is_open_innermost_first():
    lexer = read("class A {\n  Widget build(BuildContext c) {\n    return Column(children: [\n")
    assert lexer.closers() == "])}}" and lexer.unclosed
    lexer.feed("      Text('a ${x(")
    assert lexer.closers() is None  # inside an interpolation: no bracket text closes the string
    lexer.feed(")}'),\n      // a (\n")
    assert lexer.closers() == "])}}"
    lexer.feed("      /* open")
    assert lexer.closers() is None and lexer.unclosed


def test_a_one_quote_string_open_at_a_line_end_is_dropped_with_its_brackets():
    lexer = read("Here's the widget:\nf(")
    assert lexer.mode == "code" and lexer.stack == ["("]
    lexer = read("Widget w() {\n  return Text('a ${f('b\n")
    assert lexer.stack == ["{", "("] and lexer.string_stack == [] and lexer.mode == "code"
    lexer = read("final s = '''a\n'b' ${x}\n")  # three quotes span lines
    assert lexer.mode == "string"


def test_done_stops_the_reading():
    class FirstBrace(DartStreamLexer):
        def handle_code(self, token: str, offset: int) -> None:
            self.done = token == "{"

    lexer = FirstBrace()
    assert lexer.feed("a /* { */ b { c") is True
    assert lexer.offset == len("a /* { */ b {")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=200))
def test_any_split_reads_the_same(sizes):
    whole, split = read(SOURCE), read(SOURCE, sizes)
    assert (split.code, split.seen, split.lines) == (whole.code, whole.seen, whole.lines)
    assert (split.stack, split.mode, split.offset) == (whole.stack, whole.mode, whole.offset)
