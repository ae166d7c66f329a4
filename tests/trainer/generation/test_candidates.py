"""Candidates: ranking by checks then log-probability, sampling, incremental detokenization, cancel."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest

from trainer.generation.decoding import DecodeConfig
from trainer.generation.generate import GenerationSettings, generate_code
from trainer.generation.candidates import Candidate, rank
from trainer.generation.checks import check_widget
from trainer.generation.detokenize import IncrementalDetokenizer
from trainer.generation.sampling import choose

from tests.trainer.conftest import STATELESS


def candidate(index, code, logprob, stop="widget_end"):
    return Candidate(index, code, code, 10, stop, logprob, check_widget(code))


def test_passing_candidates_rank_first_then_by_mean_logprob():
    broken = candidate(0, "class A extends StatelessWidget {", -0.1)
    good_unlikely = candidate(1, STATELESS, -0.9)
    good_likely = candidate(2, STATELESS.replace("Badge", "Chip"), -0.4)
    unfinished = candidate(3, STATELESS.replace("Badge", "Pill"), -0.01, stop="max_tokens")
    ranked = rank([broken, good_unlikely, good_likely, unfinished])
    assert [c.index for c in ranked] == [2, 1, 3, 0]
    assert not unfinished.passed and "complete" in unfinished.failed


def test_among_failing_candidates_code_that_parses_ranks_first_then_fewer_failures():
    wrong_name = Candidate(0, STATELESS, STATELESS, 10, "widget_end", -0.9, check_widget(STATELESS, "HikeChip"))
    unparsed = candidate(1, STATELESS.replace("label;", "label"), -0.1)  # fails "parses" alone
    unfinished = candidate(2, STATELESS.replace("label;", "text"), -0.05, stop="max_tokens")
    assert wrong_name.failed == ["requestedName"] and unparsed.failed == ["parses"]
    assert [c.index for c in rank([unfinished, unparsed, wrong_name])] == [0, 1, 2]


def test_identical_code_is_kept_once():
    same = [candidate(i, STATELESS, -0.5 - i / 10) for i in range(3)]
    assert [c.index for c in rank(same)] == [0]


def test_choose_greedy_row_and_sampled_rows():
    rng = np.random.default_rng(0)
    logits = np.log(np.array([[0.1, 0.6, 0.3]] * 4, dtype=np.float32))
    tokens, logprobs = choose(logits, np.array([True, False, False, False]), 1.0, 1.0, rng)
    assert tokens[0] == 1 and np.isclose(logprobs[0], np.log(0.6))
    assert np.allclose(logprobs, np.log(np.array([0.1, 0.6, 0.3]))[tokens])  # the model's own log-probs
    many = [choose(logits[:1], np.array([False]), 1.0, 0.55, rng)[0][0] for _ in range(200)]
    assert set(many) == {1}  # top-p 0.55 keeps only the most likely token
    spread = [choose(logits[:1], np.array([False]), 1.0, 1.0, rng)[0][0] for _ in range(400)]
    assert set(spread) == {0, 1, 2}


def test_incremental_detokenization_matches_full_decoding(smollm_tokenizer):
    text = "class Café extends StatelessWidget {\n  // 日本語 ✓ emoji 🥾\n  final double km = 1.5;\n}"
    ids = smollm_tokenizer(text, add_special_tokens=False)["input_ids"]
    detok = IncrementalDetokenizer(smollm_tokenizer)
    pieces = [detok.add(i) for i in ids]
    assert "".join(pieces) == smollm_tokenizer.decode(ids) == text
    assert all("\ufffd" not in p for p in pieces)


def test_cancel_in_the_middle_of_candidates(tiny):
    model, tokenizer = tiny
    cancel = threading.Event()
    steps = []

    def on_token(step, text):
        steps.append(step)
        if step == 5:
            cancel.set()

    settings = GenerationSettings(max_new_tokens=200, candidates=4, decode=DecodeConfig.unguarded(), seed=1)
    result = generate_code(model, tokenizer, "A card", settings=settings, cancel=cancel, on_token=on_token)
    assert result.stop_reason == "cancelled" and steps == [1, 2, 3, 4, 5]
    assert result.total_tokens <= 5 * 4 and result.best.stop_reason == "cancelled"


def test_temperature_zero_writes_one_candidate(tiny):
    model, tokenizer = tiny
    result = generate_code(model, tokenizer, "A card", settings=GenerationSettings(
        max_new_tokens=6, temperature=0.0, candidates=4, decode=DecodeConfig.unguarded()))
    assert len(result.candidates) == 1 and result.total_tokens == 6


@pytest.mark.parametrize("candidates", [0, 9])
def test_candidates_out_of_range_are_refused(tiny, candidates):
    from dataset_tools.errors import FlutterTuneError

    model, tokenizer = tiny
    with pytest.raises(FlutterTuneError, match="candidates"):
        generate_code(model, tokenizer, "A card", settings=GenerationSettings(candidates=candidates))


def test_a_rewound_torch_session_continues_from_the_tokens_kept(tiny):
    from trainer.generation.backends import TorchSession

    model, _ = tiny
    prompt = list(range(5, 25))
    fresh = TorchSession(model, prompt, 1, 8)
    rewound = TorchSession(model, prompt, 1, 8)
    for token in (3, 4, 5, 6):
        rewound.advance(np.array([token]))
    rewound.advance(np.array([rewound.rewind(0, [3, 4])]))  # as if 5 and 6 had never been written
    for token in (3, 4):
        fresh.advance(np.array([token]))
    assert np.allclose(rewound.logits(), fresh.logits(), atol=1e-5)
    rewound.advance(np.array([rewound.rewind(0, [])]))  # back to the end of the prompt
    assert np.allclose(rewound.logits(), TorchSession(model, prompt, 1, 8).logits(), atol=1e-5)
    assert not TorchSession(model, prompt, 2, 8).can_rewind


def test_with_an_index_a_candidate_that_resolves_ranks_before_one_that_only_passes_the_other_checks():
    from tests.trainer.flutter_api import FLUTTER

    resolving = STATELESS
    unresolved = STATELESS.replace("fontSize: 12", "size: 12")  # TextStyle has no parameter 'size'
    unparsed = STATELESS.replace("label;", "label")
    without = [Candidate(i, code, code, 10, "widget_end", logprob, check_widget(code))
               for i, (code, logprob) in enumerate([(resolving, -0.9), (unresolved, -0.1), (unparsed, -0.01)])]
    assert [c.index for c in rank(without)] == [1, 0, 2]  # no index: both pass, the likelier first
    assert all("resolves" not in c.checks and c.unresolved == [] for c in without)
    checked = [Candidate(i, code, code, 10, "widget_end", logprob, check_widget(code, api=FLUTTER))
               for i, (code, logprob) in enumerate([(resolving, -0.9), (unresolved, -0.1), (unparsed, -0.01)])]
    assert [c.index for c in rank(checked)] == [0, 1, 2]
    assert checked[0].passed and not checked[1].passed and checked[1].failed == ["resolves"]
    assert checked[1].unresolved == ["TextStyle: no parameter 'size'"]


def test_over_an_open_index_a_candidate_with_fewer_unknown_names_ranks_first():
    """An index that leaves libraries out cannot tell an invented class from theirs: both candidates
    pass, and the one naming fewer unknown classes goes first though the model liked it less."""
    from tests.trainer.flutter_api import FLUTTER

    known = STATELESS
    invented = STATELESS.replace("Text(", "TrailText(")
    open_index = dataclasses.replace(FLUTTER, unindexed=("package:trail_kit",))
    ranked = rank([Candidate(i, code, code, 10, "widget_end", logprob, check_widget(code, api=open_index))
                   for i, (code, logprob) in enumerate([(invented, -0.1), (known, -0.9)])])
    assert [c.index for c in ranked] == [1, 0] and all(c.passed for c in ranked)
    assert ranked[1].unresolved == ["unknown class TrailText"]
