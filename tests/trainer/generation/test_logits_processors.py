"""The logits processors, each alone on hand-made token streams (trainer.generation.decoding.processors)."""

from __future__ import annotations

import numpy as np
import pytest

from trainer.generation.decoding import DecodeConfig
from trainer.generation.decoding.processors import (BanTakenBack, ForceHead, KeepBracketsMatched,
                                                    logits_processors)
from trainer.generation.decoding.stream import CandidateStream
from trainer.generation.detokenize import IncrementalDetokenizer
from trainer.generation.sampling import TokenChooser, log_softmax

from tests.trainer.conftest import STATELESS, PieceTokenizer

TOKENIZER = PieceTokenizer(["),", ");", "],", "return", "  ", "    ", "\n  ", "\n    ", "class", "Widget"])
EOS = {TOKENIZER.EOS}
BUILD = "Widget build(BuildContext c) {\n  return Column(children: [Text('a')"


def stream(text: str = "") -> CandidateStream:
    s = CandidateStream(IncrementalDetokenizer(TOKENIZER))
    for token in TOKENIZER.encode(text):
        s.add(token, 0.0)
    return s


def prefer(*pieces: str, rows: int = 1) -> np.ndarray:
    """Logits [rows, vocab] in which ``pieces`` come first, in that order (the first scores 10)."""
    logits = np.zeros((rows, len(TOKENIZER)), dtype=np.float32)
    for rank, piece in enumerate(pieces):
        logits[:, TOKENIZER.ids[piece]] = 10.0 - rank
    return logits


def greedy(rows: int = 1) -> TokenChooser:
    return TokenChooser(np.ones(rows, dtype=bool), 0.8, 0.95, np.random.default_rng(0))


def sampling(rows: int = 1, seed: int = 0) -> TokenChooser:
    return TokenChooser.for_round(rows, False, 0.8, 0.95, seed, 0)


def guard(chooser: TokenChooser, max_redraws: int = 8) -> KeepBracketsMatched:
    return KeepBracketsMatched(chooser, TOKENIZER, EOS, max_redraws)


def run(processor, streams: list[CandidateStream], logits: np.ndarray, chooser: TokenChooser) -> list[str]:
    """One step as the loop runs it: the pieces chosen for each row."""
    logits = processor.before_choice(streams, logits)
    choice = chooser(logits)
    processor.after_choice(streams, logits, choice)
    return [TOKENIZER.pieces[int(t)] for t in choice.tokens]


# ---------------------------------------------------------------------- BanTakenBack
def test_a_token_taken_back_is_never_chosen_at_that_position():
    banned = stream("f(")
    banned.bans = {banned.tokens: {TOKENIZER.ids["x"]}, banned.tokens + 1: {TOKENIZER.ids["y"]}}
    logits = prefer("x", "y", "z")
    assert run(BanTakenBack(), [banned], logits, greedy()) == ["y"]  # only the next position's ban counts
    chooser = sampling(seed=3)
    assert all(run(BanTakenBack(), [banned], logits, chooser) != ["x"] for _ in range(200))


def test_bans_touch_only_their_own_row_and_leave_the_scores_alone():
    banned, free, stopped = stream("a"), stream("a"), stream("a")
    for s in (banned, stopped):
        s.bans = {1: {TOKENIZER.ids["x"]}}
    stopped.stop = "eos"
    logits = prefer("x", rows=3)
    out = BanTakenBack().before_choice([banned, free, stopped], logits)
    assert out[0, TOKENIZER.ids["x"]] == -np.inf
    assert np.array_equal(out[1:], logits[1:])
    assert logits[0, TOKENIZER.ids["x"]] == 10.0  # a copy was changed
    unchanged = logits[1:2]
    assert BanTakenBack().before_choice([free], unchanged) is unchanged  # nothing banned: the same array back


# ---------------------------------------------------------------------- ForceHead
def test_the_head_is_written_whatever_the_model_prefers_with_its_own_logprob():
    head = TOKENIZER.encode("class A")
    s, logits = stream(), prefer("Widget", "c")
    processor = ForceHead(head)
    for expected in head:
        choice = greedy()(logits)
        processor.after_choice([s], logits, choice)
        assert int(choice.tokens[0]) == expected
        assert choice.logprobs[0] == pytest.approx(log_softmax(logits)[0, expected])
        s.add(expected, float(choice.logprobs[0]))
    assert s.text == "class A"
    choice = greedy()(logits)
    processor.after_choice([s], logits, choice)
    assert TOKENIZER.pieces[int(choice.tokens[0])] == "Widget"  # past the head: the model's choice


def test_the_head_leaves_a_stopped_candidate_alone():
    s = stream()
    s.stop = "cancelled"
    assert run(ForceHead(TOKENIZER.encode("class")), [s], prefer("W"), greedy()) == ["W"]


# ---------------------------------------------------------------------- KeepBracketsMatched
def test_a_closer_of_the_wrong_bracket_is_mended_to_the_right_one():
    s = stream("Column(children: [Text('a')")
    logits = prefer(")", ",")
    assert run(guard(greedy()), [s], logits, greedy()) == ["]"]


def test_a_return_ended_by_a_comma_is_mended_to_a_semicolon():
    s = stream(BUILD + "]")
    assert run(guard(greedy()), [s], prefer("),", "x"), greedy()) == [");"]


def test_a_slip_no_character_mends_is_redrawn_from_the_next_best():
    s = stream(BUILD + "])")  # "}" would close the block before the return's ";": no one character mends it
    logits = prefer("}", "x")
    choice = greedy()(logits)
    guard(greedy()).after_choice([s], logits, choice)
    assert TOKENIZER.pieces[int(choice.tokens[0])] == "x"
    assert choice.logprobs[0] == pytest.approx(log_softmax(logits)[0, TOKENIZER.ids["x"]])  # the model's own


def test_a_sampled_candidate_never_writes_the_wrong_closer():
    chooser = sampling(seed=7)
    processor = guard(chooser)
    logits = np.zeros((1, len(TOKENIZER)), dtype=np.float32)
    for piece in (")", "}", "]", ","):
        logits[0, TOKENIZER.ids[piece]] = 5.0  # the closers are the likeliest tokens
    for _ in range(100):
        s = stream("Column(children: [Text('a')")
        piece = run(processor, [s], logits, chooser)[0]
        assert piece != ")" and piece != "}"
        assert not s.tracker.would_slip(piece)


def test_no_end_while_a_bracket_is_open_and_the_end_after_balanced_code():
    open_, balanced = stream("Text('a'"), stream("final t = Text('a');")
    logits = prefer("<eos>", ")", rows=2)
    assert run(guard(greedy(2)), [open_, balanced], logits, greedy(2)) == [")", "<eos>"]


def test_valid_code_is_never_altered():
    """The model writes STATELESS token by token: the guard lets every token through."""
    s, processor, chooser = stream(), guard(greedy()), greedy()
    for token in TOKENIZER.encode(STATELESS) + [TOKENIZER.EOS]:
        logits = np.zeros((1, len(TOKENIZER)), dtype=np.float32)
        logits[0, token] = 10.0
        choice = chooser(logits)
        processor.after_choice([s], logits, choice)
        assert int(choice.tokens[0]) == token
        if token != TOKENIZER.EOS:
            s.add(token, 0.0)
    assert s.tracker.slips == 0


def test_a_finished_or_stopped_candidate_is_left_alone():
    done, stopped = stream("Widget f() => Text('a');"), stream("f([")
    stopped.stop = "loop"
    assert done.tracker.done
    assert run(guard(greedy(2)), [done, stopped], prefer(")", rows=2), greedy(2)) == [")", ")"]


def test_redraws_are_bounded():
    s = stream(BUILD + "])")
    logits = prefer("}", "]", ")")  # three slips in a row, nothing else likely
    assert run(guard(greedy(), max_redraws=2), [s], logits, greedy()) == [")"]  # let through after two


# ---------------------------------------------------------------------- the list
def test_the_configured_processors_run_in_order():
    head = TOKENIZER.encode("class")
    names = lambda config, head=head: [type(p).__name__ for p in logits_processors(config, greedy(), TOKENIZER,  # noqa: E731
                                                                                    EOS, head)]
    assert names(DecodeConfig()) == ["BanTakenBack", "KeepBracketsMatched", "ForceHead"]
    assert names(DecodeConfig(), ()) == ["BanTakenBack", "KeepBracketsMatched"]  # no head to force
    assert names(DecodeConfig(keep_brackets_matched=False)) == ["BanTakenBack", "ForceHead"]
    assert names(DecodeConfig.unguarded()) == []
