"""The stopping rules and the take-back, each alone on hand-made token streams
(trainer.generation.decoding.stopping, .take_back, .stop_reason)."""

from __future__ import annotations

import json

import pytest

from trainer.generation.decoding import DecodeConfig, StopReason
from trainer.generation.decoding.stopping import (BlockLoopStop, LineLoopStop, MaxTokensStop, NestedClassStop,
                                                  OutpacedStop, RepeatedArgumentStop, SyntaxErrorStop,
                                                  TimeLimitStop, WidgetEndStop, round_limits, stopping_rules)
from trainer.generation.decoding.stream import CandidateStream, Round
from trainer.generation.decoding.take_back import TakeBack
from trainer.generation.detokenize import IncrementalDetokenizer

from tests.trainer.conftest import FUNCTION, STATEFUL, STATELESS, PieceTokenizer
from tests.trainer.generation.test_dead_end import STATEMENT_AMONG_ARGUMENTS
from tests.trainer.generation.test_repetition import LOOPING

TOKENIZER = PieceTokenizer(["class", "return", "child", "Widget", "  ", "    ", "\n  ", "\n    "])


def written(text: str, rule) -> list[tuple[str, StopReason]]:
    """Write ``text`` token by token; every (text so far, reason) where ``rule`` answered."""
    s = CandidateStream(IncrementalDetokenizer(TOKENIZER))
    answers = []
    for token in TOKENIZER.encode(text):
        added = s.add(token, 0.0)
        reason = rule(s, added)
        if reason is not None:
            answers.append((s.text, reason))
    return answers


ALL_RULES = stopping_rules(DecodeConfig(), prompt="", instruction="A widget")


@pytest.mark.parametrize("code", [STATELESS, STATEFUL, FUNCTION])
def test_valid_code_is_stopped_only_at_its_end(code):
    assert written(code + "\n\nclass Extra {}\n", ALL_RULES)[0] == (code, StopReason.WIDGET_END)


def test_the_widget_end_rule_answers_when_the_last_declaration_closes():
    assert [reason for _, reason in written(STATEFUL, WidgetEndStop())] == [StopReason.WIDGET_END]
    assert written(STATEFUL.split("\n\nclass _CounterState")[0], WidgetEndStop()) == []  # its State must follow


def test_a_block_of_lines_written_again_and_again_is_a_loop():
    answers = written(LOOPING, BlockLoopStop())
    assert answers and answers[0][1] == StopReason.LOOP and answers[0][0] == LOOPING  # at the third copy's end
    assert written(LOOPING.rsplit("      child: const ListTile(", 1)[0], BlockLoopStop()) == []


def test_a_stretch_written_again_and_again_along_one_line_is_a_loop():
    line = "      const Icons.region | Icons.country" + " | Icons.suburbRegion" * 8
    assert written(line, LineLoopStop())[0][1] == StopReason.LOOP
    assert written("    final rule = '" + "=" * 140, LineLoopStop()) == []


def test_a_class_begun_inside_an_open_bracket_stops():
    unclosed = "class A extends StatelessWidget {\n  Widget build(BuildContext c) {\n    return Row(\n  }\n}\n\n"
    answers = written(unclosed + "class B extends StatelessWidget {\n", NestedClassStop())
    assert answers[0] == (unclosed + "class ", StopReason.NESTED_CLASS)


def test_a_syntax_error_stops_at_the_first_line_end_that_shows_it():
    answers = written(STATEMENT_AMONG_ARGUMENTS + "\n", SyntaxErrorStop(prompt="", instruction="An hour strip"))
    lines = STATEMENT_AMONG_ARGUMENTS.split("\n")
    text, reason = answers[0]
    assert reason == StopReason.SYNTAX_ERROR and text.rstrip(" ") == "\n".join(lines[:7]) + "\n"  # (its indent)


def test_prose_before_the_code_is_no_syntax_error():
    prose = "Here is the widget you asked for.\nIt shows a label (as in your app):\n\n"
    assert written(prose + STATELESS + "\n", SyntaxErrorStop(prompt="", instruction="A badge")) == []


def test_a_named_argument_passed_twice_stops_at_its_colon():
    code = "Widget f() {\n  return Padding(\n    child: A(),\n    child: B(),\n"
    assert written(code, RepeatedArgumentStop())[0] == (code[:code.rindex(":") + 1], StopReason.REPEATED_ARG)
    assert written("Column(children: [A(child: x), B(child: y)])", RepeatedArgumentStop()) == []


def test_rules_are_asked_in_order_and_the_config_turns_each_off():
    names = lambda config: [type(r).__name__ for r in stopping_rules(config, prompt="", instruction="")]  # noqa: E731
    assert names(DecodeConfig()) == ["RepeatedArgumentStop", "WidgetEndStop", "BlockLoopStop", "LineLoopStop",
                                     "NestedClassStop", "SyntaxErrorStop"]
    assert names(DecodeConfig(syntax_error_stop=False, block_loop_stop=False)) == [
        "RepeatedArgumentStop", "WidgetEndStop", "LineLoopStop", "NestedClassStop"]
    assert names(DecodeConfig.unguarded()) == []
    broken = STATEMENT_AMONG_ARGUMENTS + "\n"
    off = stopping_rules(DecodeConfig(syntax_error_stop=False), prompt="", instruction="")
    assert written(broken, off) == []


def test_a_repeated_argument_is_answered_before_a_widget_end_in_the_same_token():
    s = CandidateStream(IncrementalDetokenizer(PieceTokenizer(["x: 1)}"])))
    for token in s.detok.tokenizer.encode("Widget f() {\n  return g(x: 0, "):
        s.add(token, 0.0)
    added = s.add(s.detok.tokenizer.ids["x: 1)}"], 0.0)  # one token writes the label and closes the widget
    assert s.tracker.done and s.watcher.repeated_at is not None
    assert ALL_RULES(s, added) == StopReason.REPEATED_ARG


# ---------------------------------------------------------------------- the round's limits
def streams_with(*token_counts: int) -> list[CandidateStream]:
    streams = []
    for count in token_counts:
        s = CandidateStream(IncrementalDetokenizer(TOKENIZER))
        s.logprobs = [0.0] * count
        streams.append(s)
    return streams


def test_a_round_is_outpaced_once_the_others_had_patience_times_the_tokens_of_the_first_to_pass():
    rule = OutpacedStop(1.5)
    assert rule(Round(streams_with(20, 20), step=29, passed_at=20)) is None
    assert rule(Round(streams_with(20, 20), step=30, passed_at=20)) == StopReason.OUTPACED
    assert rule(Round(streams_with(20, 20), step=300)) is None  # none passed


def test_a_round_stops_at_the_token_budget_or_twice_as_many_steps():
    rule = MaxTokensStop(10)
    assert rule(Round(streams_with(9, 3), step=9)) is None
    assert rule(Round(streams_with(10, 3), step=10)) == StopReason.MAX_TOKENS
    assert rule(Round(streams_with(4, 3), step=20)) == StopReason.MAX_TOKENS  # taken back again and again


def test_a_round_stops_at_its_time_limit(monkeypatch):
    from trainer.generation.decoding import stopping

    monkeypatch.setattr(stopping.time, "perf_counter", lambda: 105.0)
    assert TimeLimitStop(5.0, started=100.0)(Round(streams_with(1))) == StopReason.TIME_LIMIT
    assert TimeLimitStop(5.1, started=100.0)(Round(streams_with(1))) is None
    limits = round_limits(patience=1.0, max_new_tokens=10, time_limit_s=1.0, started=0.0)
    assert limits(Round(streams_with(10), step=10, passed_at=10)) == StopReason.OUTPACED  # the first answer


# ---------------------------------------------------------------------- the take-back
class RewindingSession:
    def __init__(self, can_rewind: bool) -> None:
        self.can_rewind, self.rewound = can_rewind, []

    def rewind(self, row: int, kept: list[int]) -> int:
        self.rewound.append((row, list(kept)))
        return kept[-1]


REPEATED = "Widget f() {\n  return Padding(\n    child: A(),\n    child:"


def repeated_stream() -> CandidateStream:
    s = CandidateStream(IncrementalDetokenizer(TOKENIZER))
    for token in TOKENIZER.encode(REPEATED):
        s.add(token, -0.5)
    assert s.watcher.repeated_at is not None
    return s


def test_a_repeated_label_is_taken_back_to_before_its_line_and_banned_there():
    s, session = repeated_stream(), RewindingSession(True)
    fresh, token = TakeBack(limit=8)(s, session, 1)
    kept = REPEATED[:REPEATED.rindex("\n")]
    assert fresh.text == kept and fresh.takebacks == 1 and fresh.decoded == s.decoded
    assert session.rewound == [(1, TOKENIZER.encode(kept))] and token == TOKENIZER.encode(kept)[-1]
    assert fresh.bans == {fresh.tokens: {TOKENIZER.ids["\n    "]}}  # the line break is banned where it was
    assert fresh.watcher.repeated_at is None and fresh.logprobs == [-0.5] * fresh.tokens


def test_nothing_is_taken_back_where_the_session_cannot_rewind_or_after_the_limit():
    assert TakeBack(limit=8)(repeated_stream(), RewindingSession(False), 0) is None
    tired = repeated_stream()
    tired.takebacks = 8
    assert TakeBack(limit=8)(tired, RewindingSession(True), 0) is None
    assert TakeBack(limit=0)(repeated_stream(), RewindingSession(True), 0) is None  # turned off
    clean = CandidateStream(IncrementalDetokenizer(TOKENIZER))
    clean.add(TOKENIZER.ids["W"], 0.0)
    assert TakeBack(limit=8)(clean, RewindingSession(True), 0) is None


# ---------------------------------------------------------------------- reasons and configuration
def test_stop_reasons_are_the_strings_the_editor_and_results_know():
    assert [r.value for r in StopReason] == ["eos", "widget_end", "loop", "repeated_arg", "nested_class",
                                             "syntax_error", "max_tokens", "time_limit", "cancelled", "outpaced"]
    assert StopReason.EOS == "eos" and f"{StopReason.LOOP}" == "loop"
    assert json.dumps({StopReason.EOS: StopReason.WIDGET_END}) == '{"eos": "widget_end"}'
    assert [r for r in StopReason if r.complete] == [StopReason.EOS, StopReason.WIDGET_END]


def test_every_guard_is_on_by_default_and_off_unguarded():
    guards = [name for name, value in vars(DecodeConfig()).items() if isinstance(value, bool)]
    assert len(guards) == 12 and all(getattr(DecodeConfig(), name) for name in guards)
    assert not any(getattr(DecodeConfig.unguarded(), name) for name in guards)
