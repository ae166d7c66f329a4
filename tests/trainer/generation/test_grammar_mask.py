"""The Dart widget grammar and its token mask on hand-made token streams (trainer.generation.decoding.grammar_mask)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from dataset_tools.dart import parse
from trainer.generation.decoding import DecodeConfig
from trainer.generation.decoding.grammar import DartGrammar
from trainer.generation.decoding.grammar_mask import GrammarMask
from trainer.generation.decoding.processors import logits_processors
from trainer.generation.decoding.stream import CandidateStream
from trainer.generation.detokenize import IncrementalDetokenizer
from trainer.generation.sampling import TokenChooser

from tests.trainer.conftest import FUNCTION, STATEFUL, STATELESS

EXAMPLE_APP = Path(__file__).resolve().parents[3] / "examples" / "trail_journal" / "lib"
BUILD = "class A extends StatelessWidget {\n  @override\n  Widget build(BuildContext context) {\n    return Text('a')"


@pytest.fixture(scope="module")
def tokenizer(smollm_tokenizer):
    return smollm_tokenizer


def encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def stream(tokenizer, text: str = "", ids: list[int] | None = None) -> CandidateStream:
    s = CandidateStream(IncrementalDetokenizer(tokenizer))
    for token in encode(tokenizer, text) if ids is None else ids:
        s.add(token, 0.0)
    return s


def allowed(mask: GrammarMask, streams: list[CandidateStream], vocab: int) -> np.ndarray:
    """[rows, vocab] bool: what the mask leaves possible before the next choice."""
    return np.isfinite(mask.before_choice(streams, np.zeros((len(streams), vocab), dtype=np.float32)))


def prefer(tokenizer, *texts: str, rows: int = 1) -> np.ndarray:
    """Logits in which each text's first token comes first, in that order."""
    logits = np.zeros((rows, len(tokenizer)), dtype=np.float32)
    for rank, text in enumerate(texts):
        logits[:, encode(tokenizer, text)[0]] = 10.0 - rank
    return logits


def greedy(rows: int = 1) -> TokenChooser:
    return TokenChooser(np.ones(rows, dtype=bool), 0.8, 0.95, np.random.default_rng(0))


def example_app_sources() -> list[str]:
    """The example app's files that parse (lib/wip holds a broken one on purpose), without a byte-order mark."""
    return [path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
            for path in sorted(EXAMPLE_APP.rglob("*.dart")) if not parse(path.read_bytes()).root_node.has_error]


# ---------------------------------------------------------------------- the grammar
def test_the_grammar_accepts_every_file_of_the_example_app(tokenizer):
    grammar = DartGrammar.for_tokenizer(tokenizer)
    sources = example_app_sources()
    assert len(sources) > 20
    for source in sources:
        result = grammar.accepts(encode(tokenizer, source))
        assert result.whole, (source[:200], result.error)


@pytest.mark.parametrize("broken", [
    "class A { )",
    "class A {} }",
    BUILD + ",;\n  }\n}",
    "class A { void f() { x = ; } }",
    "class A { final String = 'a'; }".replace("String =", "String = ="),
    "```dart\nclass A {}",
    "var x = [const month = 1];",  # const only before a constructor call or a literal
    "class A { final A(int x) {} }",  # no final method
    "void f() { print('a ${b.c d'); }",  # an interpolation holds one expression
    "void f() { return return; }",  # a reserved word is never a name
    "class A { const x = 1; }",  # a const field is static
    "class A { x; }",  # a field has a type, var or final
    "class A { A(int index: 1); }",  # a default value only in [...] or {...}, with =
    "class A { final static x = 1; }",  # a built-in identifier is never a type
])
def test_code_that_cannot_be_dart_is_rejected(tokenizer, broken):
    assert not DartGrammar.for_tokenizer(tokenizer).accepts(encode(tokenizer, broken)).whole


# ---------------------------------------------------------------------- the mask
@pytest.mark.parametrize("code", [STATELESS, STATEFUL, FUNCTION])
def test_valid_code_is_never_altered(tokenizer, code):
    """Fed token by token, every token of valid code stays possible; the end only once the code is whole."""
    ids = encode(tokenizer, code)
    mask, eos = GrammarMask(tokenizer, {tokenizer.eos_token_id}), tokenizer.eos_token_id
    s = stream(tokenizer)
    for position, token in enumerate(ids):
        possible = allowed(mask, [s], len(tokenizer))[0]
        assert possible[token], (position, tokenizer.decode(ids[:position]), tokenizer.decode([token]))
        assert not possible[eos] or position == 0 or code[:len(tokenizer.decode(ids[:position]))].rstrip().endswith("}")
        s.add(token, 0.0)
    assert allowed(mask, [s], len(tokenizer))[0][eos]
    assert not s.grammar_fallback and mask.fallbacks == 0


def test_a_bad_token_is_masked_and_the_next_best_chosen(tokenizer):
    mask = GrammarMask(tokenizer, {tokenizer.eos_token_id})
    s = stream(tokenizer, BUILD)  # `return Text('a')` — a `,` can never follow, `;` can
    logits = mask.before_choice([s], prefer(tokenizer, ",", ";"))
    assert tokenizer.decode([int(greedy()(logits).tokens[0])]) == ";"
    closed = stream(tokenizer, "class A {\n}\n")
    assert not allowed(mask, [stream(tokenizer, BUILD), closed], len(tokenizer))[1][encode(tokenizer, "}")[0]]


def test_the_end_token_only_where_the_code_is_whole(tokenizer):
    mask, eos = GrammarMask(tokenizer, {tokenizer.eos_token_id}), tokenizer.eos_token_id
    rows = allowed(mask, [stream(tokenizer, BUILD), stream(tokenizer, STATELESS)], len(tokenizer))
    assert not rows[0][eos] and rows[1][eos]


def test_a_stopped_candidate_is_left_alone(tokenizer):
    mask = GrammarMask(tokenizer, {tokenizer.eos_token_id})
    s = stream(tokenizer, BUILD)
    s.stop = "eos"
    logits = prefer(tokenizer, ",")
    assert mask.before_choice([s], logits) is logits


# ---------------------------------------------------------------------- staying in sync
def test_a_stream_taken_back_is_followed_from_where_it_was_cut(tokenizer):
    """A repeated label taken back (a new stream, shorter): the mask is the same as for a fresh matcher."""
    text = BUILD.replace("Text('a')", "Padding(\n      padding: x,\n      padding: y")
    mask = GrammarMask(tokenizer, {tokenizer.eos_token_id})
    s = stream(tokenizer, text)
    allowed(mask, [s], len(tokenizer))
    fresh, kept = s.taken_back(text.rindex("padding"))
    assert fresh.detok.ids == kept and len(kept) < s.tokens
    after = allowed(mask, [fresh], len(tokenizer))[0]
    expected = allowed(GrammarMask(tokenizer, {tokenizer.eos_token_id}), [stream(tokenizer, ids=kept)], len(tokenizer))[0]
    assert (after == expected).all()
    fresh.add(encode(tokenizer, ")")[0], 0.0)  # and it goes on from there
    assert not allowed(mask, [fresh], len(tokenizer))[0][encode(tokenizer, ":")[0]]


def test_a_token_replaced_after_the_choice_is_what_the_mask_follows(tokenizer):
    """A row whose last token differs from the one the matcher saw (a mended slip) is rolled back and re-fed."""
    mask = GrammarMask(tokenizer, {tokenizer.eos_token_id})
    build, semicolon, dot = encode(tokenizer, BUILD), encode(tokenizer, ";")[0], encode(tokenizer, ".")[0]
    allowed(mask, [stream(tokenizer, ids=build + [semicolon])], len(tokenizer))
    row = allowed(mask, [stream(tokenizer, ids=build + [dot])], len(tokenizer))[0]
    assert row[encode(tokenizer, "data")[0]] and not row[semicolon]
    assert mask.fallbacks == 0


# ---------------------------------------------------------------------- falling back
def test_a_construct_outside_the_grammar_lets_the_candidate_go(tokenizer):
    mask = GrammarMask(tokenizer, {tokenizer.eos_token_id})
    outside = stream(tokenizer, "class A {\n  int x = = 1;\n")  # written by a processor after the choice
    inside = stream(tokenizer, BUILD)
    logits = prefer(tokenizer, ",", rows=2)
    masked = mask.before_choice([outside, inside], logits)
    assert np.isfinite(masked[0]).all() and not np.isfinite(masked[1]).all()
    assert outside.grammar_fallback and mask.fallbacks == 1
    outside.add(encode(tokenizer, "}")[0], 0.0)
    assert np.isfinite(mask.before_choice([outside, inside], logits)[0]).all()  # free for the rest of it
    fresh, _ = outside.taken_back(len("class A {\n  int x"))
    assert fresh.grammar_fallback  # taken back, it stays free


def test_where_an_earlier_guard_and_the_grammar_share_no_token_the_candidate_goes_free(tokenizer):
    """KnownNames (or a take-back) left only `,` possible after `return Text('a')`, which the grammar rejects:
    the row keeps the earlier guard's choice instead of losing every token (sampling would find none)."""
    mask = GrammarMask(tokenizer, {tokenizer.eos_token_id})
    s = stream(tokenizer, BUILD)
    only_comma = np.full((1, len(tokenizer)), -np.inf, dtype=np.float32)
    only_comma[0, encode(tokenizer, ",")[0]] = 0.0
    masked = mask.before_choice([s], only_comma)
    assert np.isfinite(masked[0]).sum() == 1 and s.grammar_fallback
    choice = TokenChooser(np.zeros(1, dtype=bool), 0.8, 0.95, np.random.default_rng(0))(masked)
    assert tokenizer.decode([int(choice.tokens[0])]) == ","


def test_the_mask_is_on_by_default_and_the_configuration_turns_it_off(tokenizer):
    chooser, eos = greedy(), {tokenizer.eos_token_id}
    assert any(isinstance(p, GrammarMask) for p in logits_processors(DecodeConfig(), chooser, tokenizer, eos))
    off = logits_processors(DecodeConfig(grammar_mask=False), chooser, tokenizer, eos)
    assert not any(isinstance(p, GrammarMask) for p in off)


def test_generation_takes_the_valid_branch_where_the_model_prefers_a_broken_one(tokenizer):
    """The real decoding loop: the model's first choice `,` after `return …)` is masked, its second (`;`) taken."""
    from tests.trainer.conftest import TrieLM
    from trainer.generation.generate import GenerationSettings, generate_code

    eos = tokenizer.eos_token_id
    head = encode(tokenizer, BUILD)
    broken = head + encode(tokenizer, ",\n  }\n}") + [eos]
    good = head + encode(tokenizer, ";\n  }\n}") + [eos]
    alone = dict(keep_brackets_matched=False, syntax_error_stop=False)  # (they would mend or stop the `,`)
    settings = GenerationSettings(max_new_tokens=120, temperature=0.0, candidates=1,
                                  decode=DecodeConfig(grammar_mask=True, **alone))
    result = generate_code(TrieLM([broken, good], len(tokenizer), eos), tokenizer, "A", settings=settings)
    assert result.candidates[0].token_ids == good[:-1]
    assert "parses" not in result.failed and not result.candidates[0].grammar_fallback
    off = dataclasses.replace(settings, decode=DecodeConfig(grammar_mask=False, **alone))
    result = generate_code(TrieLM([broken, good], len(tokenizer), eos), tokenizer, "A", settings=off)
    assert "parses" in result.failed
