"""generate_code: where it stops, what it returns, and how it refuses bad requests."""

from __future__ import annotations

import threading

import pytest

from dataset_tools.errors import FlutterTuneError
from trainer.generation.decoding import DecodeConfig
from trainer.generation.generate import GenerationSettings, generate_code
from trainer.prompt import Example, format_prompt

from tests.trainer.conftest import STATEFUL, STATELESS


def test_stops_when_the_widget_closes(scripted, smollm_tokenizer):
    """Prose and a fence before the code (the grammar mask, off here, would write code from the first token)."""
    model = scripted("Here's your widget:\n```dart\n" + STATEFUL + "\n```\n\nclass Junk {}\n" * 20)
    result = generate_code(model, smollm_tokenizer, "A counter",
                           settings=GenerationSettings(decode=DecodeConfig(grammar_mask=False)))
    assert result.stop_reason == "widget_end"
    assert result.code == STATEFUL
    assert model.calls == result.new_tokens  # one forward pass per token, nothing after the end
    assert result.first_token_seconds is not None and result.seconds >= result.first_token_seconds


def test_stops_at_eos(scripted, smollm_tokenizer):
    model = scripted("final title = Text('a');", eos=True)  # complete: else neither guard lets EOS through
    result = generate_code(model, smollm_tokenizer, "A text")
    assert result.stop_reason == "eos"
    assert result.raw_text == "final title = Text('a');"


def test_without_widget_end_stop_runs_to_max_tokens(scripted, smollm_tokenizer):
    model = scripted(STATELESS + "\n\nclass Junk {}" * 50)
    settings = GenerationSettings(max_new_tokens=150, decode=DecodeConfig.unguarded())
    result = generate_code(model, smollm_tokenizer, "A badge", settings=settings)
    assert result.stop_reason == "max_tokens" and result.new_tokens == 150
    assert result.code == STATELESS  # extraction still cuts after the widget


def test_tiny_model_greedy_candidate_matches_transformers_generate(tiny):
    model, tokenizer = tiny
    steps = []
    settings = GenerationSettings(max_new_tokens=12, decode=DecodeConfig.unguarded(), seed=0)
    result = generate_code(model, tokenizer, "A card", settings=settings, on_token=lambda i, s: steps.append(i))
    assert steps[:12] == list(range(1, 13))  # the greedy candidate first, then (it fails) the others
    greedy = next(c for c in result.candidates if c.index == 0)
    assert greedy.stop_reason == "max_tokens" and greedy.new_tokens == 12
    ids = tokenizer(format_prompt(tokenizer, "A card"), return_tensors="pt", add_special_tokens=False)
    expected = model.generate(**ids, max_new_tokens=12, do_sample=False)[0, ids["input_ids"].shape[1]:]
    assert greedy.token_ids == expected.tolist()[:12]
    assert result.total_tokens == 12 * settings.candidates  # the sampled ones ran together, in one batch
    assert steps == list(range(1, 25))


def test_sampling_is_reproducible_with_a_seed(tiny):
    model, tokenizer = tiny
    settings = GenerationSettings(max_new_tokens=8, temperature=1.0, top_p=0.9, seed=3, decode=DecodeConfig.unguarded())
    first = generate_code(model, tokenizer, "A card", settings=settings)
    again = generate_code(model, tokenizer, "A card", settings=settings)
    assert first.raw_text == again.raw_text and first.new_tokens == 8


def test_cancel_between_tokens(tiny):
    model, tokenizer = tiny
    cancel = threading.Event()
    seen = []

    def on_token(token_id, text):
        seen.append(token_id)
        if len(seen) == 3:
            cancel.set()

    result = generate_code(model, tokenizer, "A card", settings=GenerationSettings(max_new_tokens=50),
                           cancel=cancel, on_token=on_token)
    assert result.stop_reason == "cancelled" and result.new_tokens == 3

    already = threading.Event()
    already.set()
    assert generate_code(model, tokenizer, "A card", cancel=already).new_tokens == 0


def test_time_limit(tiny):
    model, tokenizer = tiny
    settings = GenerationSettings(max_new_tokens=1900, time_limit_s=1.0, decode=DecodeConfig.unguarded())
    result = generate_code(model, tokenizer, "A card", settings=settings)
    assert result.stop_reason == "time_limit"
    assert 0 < result.new_tokens < 1900


@pytest.mark.parametrize("description", ["", "   \n", "x" * 5000])
def test_bad_descriptions_are_refused(tiny, description):
    model, tokenizer = tiny
    with pytest.raises(FlutterTuneError, match="description"):
        generate_code(model, tokenizer, description)


@pytest.mark.parametrize("settings", [GenerationSettings(max_new_tokens=0), GenerationSettings(max_new_tokens=10**6),
                                      GenerationSettings(temperature=-1), GenerationSettings(top_p=0)])
def test_bad_settings_are_refused(tiny, settings):
    model, tokenizer = tiny
    with pytest.raises(FlutterTuneError):
        generate_code(model, tokenizer, "A card", settings=settings)


def test_prompt_length_is_capped(tiny):
    model, tokenizer = tiny
    with pytest.raises(FlutterTuneError, match="context"):
        generate_code(model, tokenizer, "A card", input="final x = 1;\n" * 1000)
    # Examples that do not fit are dropped rather than failing the request.
    big = Example("A big widget", "Widget f() => Text('a');\n" * 400)
    result = generate_code(model, tokenizer, "A card", examples=[big, big],
                           settings=GenerationSettings(max_new_tokens=4, decode=DecodeConfig.unguarded()))
    assert result.new_tokens == 4


def test_with_an_index_every_candidate_is_checked_against_it(scripted, smollm_tokenizer):
    from tests.trainer.flutter_api import FLUTTER

    code = STATELESS.replace("fontSize: 12", "size: 12")
    # The check alone: decoding with the index would not write `size` (test_known_names.py).
    settings = GenerationSettings(candidates=1, decode=DecodeConfig(known_names=False))
    plain = generate_code(scripted(code), smollm_tokenizer, "A badge", settings=settings)
    assert plain.passed and "resolves" not in plain.checks and plain.unresolved == []
    checked = generate_code(scripted(code), smollm_tokenizer, "A badge", settings=settings, api=FLUTTER)
    assert checked.code == code and not checked.passed and checked.failed == ["resolves"]
    assert checked.unresolved == ["TextStyle: no parameter 'size'"] == checked.best.unresolved
