"""Training rows as conversations of related widgets (trainer.training.conversations, prepare(conversation_size=N))."""

import dataclasses

import pytest

from tests.trainer.conftest import widget_record
from trainer.training.conversations import conversation_row, related_groups
from trainer.training.data import prepare
from trainer.prompt import Example, format_prompt


def _record(name: str, instruction: str, body: str) -> dict:
    return widget_record(name, body) | {"instruction": instruction}


def test_related_widgets_share_a_conversation_and_every_widget_is_in_one():
    records = [
        _record("TrailCard", "A card showing a trail's name and length", "Card(child: Text(trail.name))"),
        _record("RatingStars", "Stars for a hike rating", "Row(children: stars)"),
        _record("TrailTile", "A list tile for one trail with its length", "ListTile(title: Text(trail.name))"),
        _record("RatingBadge", "A badge with the hike rating in stars", "Chip(label: Text('$rating'))"),
        _record("EmptyState", "Message when nothing is logged yet", "Center(child: Text('Nothing yet'))"),
    ]
    groups = related_groups(records, 2)
    assert sorted(i for g in groups for i in g) == list(range(5))  # each record exactly once
    assert all(len(g) <= 2 for g in groups)
    names = [{records[i]["name"] for i in g} for g in groups]
    assert {"TrailCard", "TrailTile"} in names and {"RatingStars", "RatingBadge"} in names
    assert related_groups(records, 2) == groups  # deterministic
    assert related_groups(records, 1) == [[i] for i in range(5)]


def test_code_contained_in_another_member_is_not_grouped_with_it():
    card = _record("TrailCard", "A card for a trail", "Card(child: Text(trail.name))")
    method = dict(card, name="TrailCard.build", instruction="The build method of a card for a trail",
                  output="  @override\n  Widget build(BuildContext context) {\n    return Card(child: Text(trail.name));\n  }")
    other = _record("TrailList", "A list of trail cards", "ListView(children: cards)")
    groups = related_groups([card, method, other], 3)
    assert not any({0, 1} <= set(g) for g in groups)


def test_every_answer_is_scored_and_each_prompt_is_what_generation_sends(smollm_tokenizer):
    tok = smollm_tokenizer
    records = [widget_record("RedBox", "Container(color: Colors.red)"),
               widget_record("BlueBox", "Container(color: Colors.blue)"),
               widget_record("GreenBox", "Container(color: Colors.green)")]
    row = conversation_row(tok, records)
    ids, mask = row["input_ids"], row["completion_mask"]
    assert len(ids) == len(mask)
    # the scored tokens are the three answers, each ending with EOS, in order
    scored = tok.decode([t for t, m in zip(ids, mask) if m])
    assert scored == "".join(r["output"] + tok.eos_token for r in records)
    # up to the last answer, the row is token for token the prompt generation builds with the first
    # two widgets as retrieved examples
    examples = [Example(r["instruction"], r["output"]) for r in records[:2]]
    prompt = tok(format_prompt(tok, records[2]["instruction"], "", examples), add_special_tokens=False)["input_ids"]
    assert ids[:len(prompt)] == prompt and mask[len(prompt) - 1] == 0 and mask[len(prompt)] == 1


def test_prepare_counts_widgets_and_keeps_conversations_within_max_length(smollm_tokenizer, records):
    single, single_stats = prepare(smollm_tokenizer, records, 256)
    rows, stats = prepare(smollm_tokenizer, records, 256, conversation_size=3)
    assert stats.samples == single_stats.samples == len(records)
    assert stats.completion_tokens == single_stats.completion_tokens  # the same answers, each scored once
    assert len(rows) < len(single) and all(len(r["input_ids"]) <= 256 for r in rows)
    assert stats.total_tokens < single_stats.total_tokens  # shared system prompts
    # a budget too small for two widgets leaves each alone
    alone, _ = prepare(smollm_tokenizer, records, 150, conversation_size=3)
    assert len(alone) == len(records)


def test_a_widget_too_long_even_alone_is_truncated_or_dropped(smollm_tokenizer, records):
    long = widget_record("Huge", "Column(children: [" + ", ".join(f"Text('{i}')" for i in range(200)) + "])")
    rows, stats = prepare(smollm_tokenizer, records[:2] + [long], 256, "truncate", conversation_size=2)
    assert (stats.overlong, stats.truncated, stats.dropped, stats.samples) == (1, 1, 0, 3)
    assert max(len(r["input_ids"]) for r in rows) == 256
    rows, stats = prepare(smollm_tokenizer, records[:2] + [long], 256, "drop", conversation_size=2)
    assert (stats.overlong, stats.dropped, stats.samples) == (1, 1, 2)


def test_training_on_conversations(tiny_config):
    from trainer.adapters import read_metadata
    from trainer.training.train import train

    config = dataclasses.replace(tiny_config, conversation_size=3, epochs=2, batch_size=2, learning_rate=2e-2)
    info = train(config)
    meta = read_metadata(info.path)
    samples = meta["metrics"]["train_samples"]
    assert samples["samples"] == 8 and meta["config"]["conversation_size"] == 3
    # every answer of every conversation was scored, twice (two epochs)
    assert meta["metrics"]["completion_tokens_trained"] == pytest.approx(2 * samples["completion_tokens"], rel=0.02)
    losses = [e["loss"] for e in meta["loss_history"] if "loss" in e]
    assert losses[-1] < losses[0]


def test_the_demo_trains_on_conversations_two_per_step():
    from trainer.demo import DemoConfig

    assert (DemoConfig().conversation_size, DemoConfig().train_batch_size) == (3, 2)
    assert DemoConfig(conversation_size=1).train_batch_size == 4  # the single-widget recipe
