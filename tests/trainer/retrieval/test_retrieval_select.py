"""select_examples / examples_for: nearest first, within the token budget, empty queries."""

from __future__ import annotations

import pytest

from dataset_tools.atomic_io import jsonl_text, write_text_atomic
from dataset_tools.overrides import overlay
from trainer.retrieval import examples as retrieval
from trainer.prompt import Example, format_prompt
from trainer.retrieval.examples import (
    SETTINGS_ALIASES, RetrievalSettings, examples_for, select_examples, to_example,
)
from trainer.retrieval.index import RetrievalIndex


def example_tokens(tokenizer, query, examples):
    """What the examples add to the prompt, in tokens (how the budget is defined)."""
    def count(text):
        return len(tokenizer.encode(text, add_special_tokens=False))

    return count(format_prompt(tokenizer, query, "", examples)) - count(format_prompt(tokenizer, query, ""))


def test_nearest_examples_first(hand_made, smollm_tokenizer):
    index = RetrievalIndex.build(hand_made)
    examples = select_examples(index, smollm_tokenizer, "a login screen with a password field and a button", k=2)
    assert len(examples) == 2
    assert all(isinstance(e, Example) for e in examples)
    assert "class LoginForm" in examples[0].output
    assert examples[0] == to_example(hand_made[1])


@pytest.mark.parametrize("budget", [60, 150, 250, 400, 1024])
def test_token_budget_is_respected(hand_made, smollm_tokenizer, budget):
    index = RetrievalIndex.build(hand_made)
    query = "a card with a button, a list and a text"
    examples = select_examples(index, smollm_tokenizer, query, k=3, token_budget=budget)
    assert len(examples) <= 3
    if budget >= 400:  # roomy budgets do get examples (the check above is not vacuous)
        assert len(examples) == 3
    assert example_tokens(smollm_tokenizer, query, examples) <= budget


def test_an_example_too_long_alone_is_skipped(make_widget, smollm_tokenizer):
    huge_body = "Column(children: [" + ", ".join(f"Text('line {i}')" for i in range(300)) + "])"
    huge = make_widget("HugeProfile", "A profile page with the user's avatar.", huge_body)
    small = make_widget("AvatarChip", "A chip with the user's avatar.", "Chip(avatar: CircleAvatar())")
    index = RetrievalIndex.build([huge, small])
    query = "profile page with the user's avatar"
    assert index.search(query, k=1)[0]["name"] == "HugeProfile"  # nearest, but far too long
    examples = select_examples(index, smollm_tokenizer, query, k=2, token_budget=200)
    assert [e.output for e in examples] == [small["output"]]
    assert example_tokens(smollm_tokenizer, query, examples) <= 200
    # With room for both, both come back, nearest first.
    both = select_examples(index, smollm_tokenizer, query, k=2, token_budget=100_000)
    assert [e.output for e in both] == [huge["output"], small["output"]]


def test_query_record_is_never_its_own_example(hand_made, smollm_tokenizer):
    index = RetrievalIndex.build(hand_made)
    for record in hand_made:
        examples = select_examples(index, smollm_tokenizer, record["instruction"], k=3,
                                   context_code=record["output"], exclude=record)
        assert all(e.output != record["output"] for e in examples)


@pytest.mark.parametrize("query", ["", "  \n"])
def test_empty_description_gives_no_examples(hand_made, smollm_tokenizer, query):
    index = RetrievalIndex.build(hand_made)
    assert select_examples(index, smollm_tokenizer, query, context_code="TextFormField()") == []


def test_no_index_or_nothing_asked_gives_no_examples(hand_made, smollm_tokenizer):
    assert select_examples(None, smollm_tokenizer, "a login form") == []
    index = RetrievalIndex.build(hand_made)
    assert select_examples(index, smollm_tokenizer, "a login form", k=0) == []
    assert select_examples(index, smollm_tokenizer, "a login form", token_budget=0) == []


def test_settings_defaults_and_editor_keys():
    assert RetrievalSettings() == RetrievalSettings(enabled=True, k=2, token_budget=1024)
    settings, problems = overlay(RetrievalSettings(), {"enabled": False, "k": 3, "tokensBudget": 512},
                                 source="flutterTune.retrieval", aliases={RetrievalSettings: SETTINGS_ALIASES})
    assert settings == RetrievalSettings(enabled=False, k=3, token_budget=512)
    assert problems == []


def test_examples_for_uses_the_dataset_and_the_settings(tmp_path, hand_made, smollm_tokenizer):
    retrieval.clear_cache()
    write_text_atomic(tmp_path / "train.jsonl", jsonl_text(hand_made))
    query = "a grid of products"
    on = examples_for(RetrievalSettings(k=1), tmp_path, smollm_tokenizer, query)
    assert [e.output for e in on] == [hand_made[4]["output"]]
    assert examples_for(RetrievalSettings(enabled=False), tmp_path, smollm_tokenizer, query) == []
    assert examples_for(RetrievalSettings(), tmp_path / "missing", smollm_tokenizer, query) == []
    retrieval.clear_cache()


def test_a_method_inside_a_chosen_class_is_not_shown_twice(make_widget, smollm_tokenizer):
    card = make_widget("HikeCard", "A card for one hike with its star rating.",
                       "Card(child: Row(children: [Text(hike.name), RatingStars(rating: hike.rating)]))")
    method = dict(card, name="HikeCard.build", kind="method", line=5,
                  instruction="Builds the hike card with the star rating.",
                  output="Card(child: Row(children: [Text(hike.name), RatingStars(rating: hike.rating)]))")
    other = make_widget("RatingBadge", "A badge with a star rating.", "Badge(label: Text('$rating stars'))")
    index = RetrievalIndex.build([card, method, other])
    query = "a hike card with a star rating"
    assert {r["name"] for r in index.search(query, k=2)} == {"HikeCard", "HikeCard.build"}
    examples = select_examples(index, smollm_tokenizer, query, k=2)
    assert len(examples) == 2
    assert [e.output for e in examples][1] == other["output"]
