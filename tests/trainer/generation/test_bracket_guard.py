"""Candidates never close the wrong bracket, nor end while a bracket is open: code that cannot parse."""

from __future__ import annotations

import pytest

from trainer.generation.detokenize import IncrementalDetokenizer
from trainer.generation.decoding import DecodeConfig
from trainer.generation.generate import GenerationSettings, generate_code
from trainer.generation.widget_end import WidgetEndTracker

from tests.trainer.conftest import TrieLM

HEAD = (
    "class HikeTile extends StatelessWidget {\n"
    "  const HikeTile({super.key});\n\n"
    "  @override\n"
    "  Widget build(BuildContext context) {\n"
    "    return Column(\n"
    "      children: [\n"
    "        Text('Hike ${1 + 2}'),\n")
GOOD_END = "      ],\n    );\n  }\n}\n"
WRONG_END = "      ),\n    );\n  }\n}\n"  # ")" where "[" is open
COMMA_END = "      ],\n    ),\n  }\n}\n"  # "return Column(...)," then the block's "}"


def fed(text: str) -> WidgetEndTracker:
    tracker = WidgetEndTracker()
    tracker.feed(text)
    return tracker


@pytest.mark.parametrize("text, closer, wrong", [
    ("Column(children: [Text('a')", "]", False),
    ("Column(children: [Text('a')", ")", True),
    ("Column(children: [Text('a')", "}", True),
    ("f() { return g(", ")", False),
    ("f() { return g(", "}", True),
    ("Text('${a", "}", False),  # the interpolation closes
    ("Text('${a", ")", True),
    ("Text('a)", ")", False),  # in a string: no bracket
    ("f(x // a ]", ")", False),  # still in the line comment: no bracket
    ("f(x // a ]\n", ")", False),
    # a return statement ends with ";", never with "," or the block's "}"
    ("Widget build(BuildContext c) {\n  return Column(children: [])", ",", True),
    ("Widget build(BuildContext c) {\n  return Column(children: [])", "\n}", True),
    ("Widget build(BuildContext c) {\n  return Column(children: [])", ";\n}", False),
    ("Widget build(BuildContext c) {\n  return Column(children: [a", ",", False),  # the list's comma
    ("Widget build(BuildContext c) {\n  return Row(", "a, b", False),  # the call's commas
    ("Widget build(BuildContext c) {\n  return switch (d) {\n    A => 1", ",", False),  # a switch's arms
    ("Widget build(BuildContext c) {\n  final a = f(() { return 1; }", ",", False),  # that return ended
    ("Widget build(BuildContext c) {\n  final returned = 1", ",", False),  # not the keyword
    ("Widget build(BuildContext c) {\n  if (a) return 'x, y'", ";", False),  # a comma in a string
    ("Widget build(BuildContext c) {\n  if (a) return 'x'", ", 'y'", True),
])
def test_a_closer_is_wrong_only_where_another_bracket_is_innermost(text, closer, wrong):
    tracker = fed(text)
    before = (list(tracker.stack), tracker.mode, tracker.offset, list(tracker.returns), tracker.slips)
    assert tracker.would_slip(closer) is wrong
    assert (list(tracker.stack), tracker.mode, tracker.offset, list(tracker.returns), tracker.slips) == before
    tracker.feed(closer)
    assert tracker.slips == int(wrong)


@pytest.mark.parametrize("text, unclosed", [
    ("Widget f() {\n  return Text('a');\n}", False),
    ("Text('a')", False),
    ("Widget f() {\n  return Text('a'", True),
    ("Text('a", True),  # a string left open
    ("Text('a') /* note", True),
    ("", False),
])
def test_unclosed_tells_whether_the_code_could_end_here(text, unclosed):
    assert fed(text).unclosed is unclosed


def test_peek_is_what_add_would_return(smollm_tokenizer):
    ids = smollm_tokenizer("Text('Größe ${a}') 👋 done", add_special_tokens=False)["input_ids"]
    detok = IncrementalDetokenizer(smollm_tokenizer)
    for token in ids:
        peeked = detok.peek(token)
        assert detok.add(token) == peeked


def _trie(smollm_tokenizer, *texts_and_eos):
    encode = lambda text: smollm_tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    eos = smollm_tokenizer.eos_token_id
    scripts = [encode(text) + ([eos] if end else []) for text, end in texts_and_eos]
    return TrieLM(scripts, len(smollm_tokenizer), eos)


# The bracket guard alone: the grammar mask (trainer.generation.decoding.grammar_mask) would stop the same slips first.
GREEDY = GenerationSettings(max_new_tokens=200, temperature=0.0, candidates=1, decode=DecodeConfig(grammar_mask=False))


def test_the_wrong_closer_is_replaced_by_the_models_next_choice(smollm_tokenizer):
    """The model's favourite continuation closes "(" where "[" is open; its second choice is right."""
    model = _trie(smollm_tokenizer, (HEAD + WRONG_END, True), (HEAD + GOOD_END, True))
    result = generate_code(model, smollm_tokenizer, "A tile for one hike", settings=GREEDY)
    assert result.code == (HEAD + GOOD_END).strip()
    assert result.passed, result.failed
    logprob = result.candidates[0].mean_logprob
    assert logprob < -0.1  # the token taken is counted with the model's own (low) probability


def test_a_return_statement_is_not_ended_with_a_comma(smollm_tokenizer):
    model = _trie(smollm_tokenizer, (HEAD + COMMA_END, True), (HEAD + GOOD_END, True))
    result = generate_code(model, smollm_tokenizer, "A tile for one hike", settings=GREEDY)
    assert result.code == (HEAD + GOOD_END).strip() and result.passed


def test_a_slip_is_mended_where_the_models_next_choice_is_worse(smollm_tokenizer):
    """The model's first choice `` ),`` ends the return with a comma, its second `` ,`` is no better:
    the slip is mended from the syntax (`` )`` then ``;``), not redrawn."""
    stray_comma = "      ],\n    ,\n  }\n}\n"
    model = _trie(smollm_tokenizer, (HEAD + COMMA_END, True), (HEAD + stray_comma, True), (HEAD + GOOD_END, True))
    result = generate_code(model, smollm_tokenizer, "A tile for one hike", settings=GREEDY)
    assert result.code == (HEAD + GOOD_END).strip() and result.passed


def test_the_right_closer_is_kept(smollm_tokenizer):
    model = _trie(smollm_tokenizer, (HEAD + GOOD_END, True), (HEAD + WRONG_END, True))
    result = generate_code(model, smollm_tokenizer, "A tile for one hike", settings=GREEDY)
    assert result.code == (HEAD + GOOD_END).strip() and result.passed


def test_eos_is_not_taken_while_a_bracket_is_open(smollm_tokenizer):
    """The model would stop inside ``children: [``; its next choice closes the widget."""
    whole = smollm_tokenizer(HEAD + GOOD_END, add_special_tokens=False)["input_ids"]
    eos = smollm_tokenizer.eos_token_id
    early = whole[:-5] + [eos]  # stops before the last brackets close
    assert WidgetEndTracker().feed(smollm_tokenizer.decode(whole[:-5])) is False
    model = TrieLM([early, whole + [eos]], len(smollm_tokenizer), eos)
    result = generate_code(model, smollm_tokenizer, "A tile for one hike", settings=GREEDY)
    assert result.code == (HEAD + GOOD_END).strip()
    assert result.stop_reason == "widget_end" and result.passed


def test_eos_after_balanced_code_is_taken(smollm_tokenizer):
    text = "Widget hikeTitle() => Text('Hike')"
    model = _trie(smollm_tokenizer, (text, True), (text + ";\n", True))
    result = generate_code(model, smollm_tokenizer, "A hike title", settings=GREEDY)
    assert result.stop_reason == "eos" and result.raw_text == text


def test_without_the_widget_end_rules_nothing_is_redrawn(smollm_tokenizer):
    model = _trie(smollm_tokenizer, (HEAD + WRONG_END, True), (HEAD + GOOD_END, True))
    settings = GenerationSettings(max_new_tokens=200, temperature=0.0, candidates=1, decode=DecodeConfig.unguarded())
    result = generate_code(model, smollm_tokenizer, "A tile for one hike", settings=settings)
    assert result.raw_text == HEAD + WRONG_END.rstrip("\n") or result.raw_text.startswith(HEAD + "      ),")
