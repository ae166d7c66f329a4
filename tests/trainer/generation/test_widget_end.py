"""The brace tracker that decides when a streamed widget is complete."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.generation.widget_end import WidgetEndTracker, widget_end

from tests.trainer.conftest import FUNCTION, STATEFUL, STATELESS


def stream_stop(tokenizer, text: str) -> str:
    """Feed ``text`` token by token (as generation would) and return what was fed when it stopped."""
    tracker, fed = WidgetEndTracker(), ""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    for i in range(len(ids)):
        piece = tokenizer.decode(ids[: i + 1])[len(fed):]
        fed += piece
        if tracker.feed(piece):
            break
    return fed


def test_stateless_widget_stops_at_its_closing_brace(smollm_tokenizer):
    fed = stream_stop(smollm_tokenizer, STATELESS + "\n\nclass Extra {}\nmore text")
    assert fed.rstrip() == STATELESS


def test_stateful_widget_waits_for_its_state_class(smollm_tokenizer):
    fed = stream_stop(smollm_tokenizer, STATEFUL + "\n\nclass Extra {}\n")
    assert fed.rstrip() == STATEFUL
    first_class_end = STATEFUL.index("}\n\nclass _CounterState") + 1
    assert widget_end(STATEFUL[:first_class_end] + "\n") is None


def test_consumer_stateful_widget_counts_as_stateful():
    code = ("class A extends ConsumerStatefulWidget {\n  @override\n  ConsumerState<A> createState() => _AState();\n}\n\n"
            "class _AState extends ConsumerState<A> {\n  @override\n  Widget build(BuildContext c) => Text('a');\n}")
    assert widget_end(code + "\nrest") == len(code)


def test_function_widget_with_named_parameters(smollm_tokenizer):
    code = "Widget buildX(BuildContext context, {required String title, int n = 0}) {\n  return Text(title);\n}"
    assert stream_stop(smollm_tokenizer, code + "\n\nWidget other() {}").rstrip() == code
    assert stream_stop(smollm_tokenizer, FUNCTION + "\n// after").rstrip() == FUNCTION


def test_braces_in_strings_and_comments_are_ignored():
    code = ("class A extends StatelessWidget {\n"
            "  // a } in a comment\n"
            "  /* { nested /* } */ { */\n"
            "  final s = '}}${1 + {2}.length}{';\n"
            "  final r = r'\\}' \"\"\" { \n } \"\"\";\n"
            "  @override\n  Widget build(BuildContext c) => Text(\"}\");\n"
            "}")
    assert widget_end(code + "\n}}}") == len(code)


def test_arrow_function_ends_at_semicolon_and_imports_do_not():
    code = "import 'package:flutter/material.dart';\n\nWidget hello() => const Text('hi');"
    assert widget_end(code + "\nWidget b() => x;") == len(code)


def test_prose_and_fences():
    code = "class A extends StatelessWidget {\n  Widget build(c) => X();\n}"
    text = f"Here's the widget you asked for:\n```dart\n{code}\n```\nI hope it's useful {{"
    assert text[:widget_end(text)].endswith(code)
    # A closing fence ends an unfinished stateful pair.
    stateful_half = STATEFUL.split("\n\nclass _CounterState")[0]
    fenced = f"```dart\n{stateful_half}\n```\nThen more prose."
    assert fenced[:widget_end(fenced)].rstrip().endswith(stateful_half)


def test_a_string_left_open_at_a_line_end_inside_an_interpolation_call_is_dropped_whole():
    """``'a ${f('b`` then a line break: the one-quote strings cannot span lines, so the interpolation and
    the call opened in it are forgotten with them (a later ``}`` once found a ``${`` with no string)."""
    text = "Widget w() {\n  return Text('a ${f('b\n}}\n"
    tracker = WidgetEndTracker()
    for i in range(len(text)):
        tracker.slip_in(text[i:])  # a probe of any rest never raises
        tracker.feed(text[i])
    assert "${" not in tracker.stack and tracker.string_stack == []


def test_never_closing_code_has_no_end():
    assert widget_end("class A extends StatelessWidget {\n  Widget build(c) {\n") is None
    assert widget_end("") is None


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=200))
def test_any_chunking_gives_the_same_end(sizes):
    text = STATEFUL + "\n\nclass Extra { '}' }\n"
    tracker, pos = WidgetEndTracker(), 0
    for size in itertools.cycle(sizes):
        if pos >= len(text) or tracker.feed(text[pos:pos + size]):
            break
        pos += size
    assert tracker.done and tracker.end_offset == len(STATEFUL)


def test_a_class_begun_inside_an_open_bracket_is_seen():
    unclosed = "class A extends StatelessWidget {\n  Widget build(BuildContext c) {\n    return Row(\n  }\n}\n\n"
    tracker = WidgetEndTracker()
    tracker.feed(unclosed)
    assert not tracker.nested_class
    tracker.feed("class B extends StatelessWidget {")
    assert tracker.nested_class
    closed = WidgetEndTracker()
    closed.feed("class A {\n  final s = 'class B {';\n  // class C\n  final subclass = 1;\n")
    assert not closed.nested_class  # in strings, comments and longer words it is no keyword


def test_the_generation_stops_a_candidate_that_begins_a_class_inside_the_last(scripted, smollm_tokenizer):
    from trainer.generation.decoding import DecodeConfig
    from trainer.generation.generate import GenerationSettings, generate_code

    first = "class A extends StatelessWidget {\n  Widget build(BuildContext c) {\n    return Row(\n  }\n}\n\n"
    model = scripted(first + "class B extends StatelessWidget {\n" + "  final int x = 1;\n" * 40)
    result = generate_code(model, smollm_tokenizer, "A row",
                           settings=GenerationSettings(max_new_tokens=300, temperature=0.0, decode=DecodeConfig(grammar_mask=False)))
    assert result.stop_reason == "nested_class" and not result.passed
    assert "final int x" not in result.raw_text
