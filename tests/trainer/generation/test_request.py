"""What a request fixes: the name the checks require, and the declaration every candidate starts with."""

from __future__ import annotations

import pytest

from dataset_tools.instructions import synthesize
from trainer.generation.generate import GenerationSettings, generate_code
from trainer.generation.request import declaration_head, requested_name

from tests.trainer.conftest import TrieLM


@pytest.mark.parametrize("instruction, name", [
    (synthesize("method", "_buildTrailField", widgets=["TextFormField"], owner="_NewHikeFormState"),
     "_buildTrailField"),
    (synthesize("getter", "_divider", widgets=["Divider"], owner="TrailDetailScreen"), "_divider"),
    (synthesize("function", "buildStatDivider", widgets=["SizedBox"]), "buildStatDivider"),
    (synthesize("custom_widget", "SummitCard", ["onTap"], base="PeakCard"), "SummitCard"),
    ("Create a StatelessWidget named TrailCard.", "TrailCard"),
    ("A card showing a hike's name", None),
])
def test_the_name_asked_for_is_the_declarations_also_for_methods_of_another_class(instruction, name):
    assert requested_name(instruction) == name


@pytest.mark.parametrize("instruction, expected, head", [
    (synthesize("stateless", "PeakCard", ["peak"], ["Card"]), None, "class PeakCard extends StatelessWidget"),
    (synthesize("consumer_stateful", "Settings"), None, "class Settings extends ConsumerStatefulWidget"),
    (synthesize("hook", "TagInput"), None, "class TagInput extends HookWidget"),  # (not StatefulHookWidget)
    (synthesize("custom_widget", "SummitCard", base="PeakCard"), None, "class SummitCard extends PeakCard"),
    (synthesize("method", "buildBody", owner="PeakCard"), None, None),  # an `@override`? not known
    (synthesize("method", "_buildRow", owner="Home"), None, "Widget _buildRow"),
    (synthesize("function", "buildEmptyState", ["icon"]), None, "Widget buildEmptyState"),
    (synthesize("getter", "_divider", owner="Detail"), None, "Widget get _divider"),
    ("Extract this widget tree into a new StatelessWidget named TrailHeader.", "TrailHeader", "class TrailHeader"),
    ("Write a one-line /// doc comment that describes the widget TrailCard.", None, None),
    ("A card that shows a trail", "buildCard", None),
])
def test_a_request_that_fixes_a_class_fixes_how_its_declaration_begins(instruction, expected, head):
    assert declaration_head(instruction, expected) == head


WIDGET = ("class HikeTile extends StatelessWidget {\n"
          "  const HikeTile({super.key});\n\n"
          "  @override\n"
          "  Widget build(BuildContext context) => const Text('Hike');\n"
          "}\n")
FUNCTION = "Widget _hikeTile() {\n  return const Text('Hike');\n}\n"


def test_every_candidate_starts_with_the_declaration_the_request_fixes(smollm_tokenizer):
    """The model prefers a function; the request asks for the class `HikeTile`: the greedy candidate
    is fed the class's head and writes the class on from there."""
    encode = lambda text: smollm_tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    eos = smollm_tokenizer.eos_token_id
    model = TrieLM([encode(FUNCTION) + [eos], encode(WIDGET) + [eos]], len(smollm_tokenizer), eos)
    settings = GenerationSettings(max_new_tokens=120, temperature=0.0, candidates=1)

    free = generate_code(model, smollm_tokenizer, "A tile for one hike", settings=settings)
    assert free.code == FUNCTION.strip()  # no head: the model's own choice

    asked = generate_code(model, smollm_tokenizer, synthesize("stateless", "HikeTile", widgets=["Text"]),
                          settings=settings)
    assert asked.code == WIDGET.strip() and asked.passed, asked.failed
    head = encode("class HikeTile extends StatelessWidget")
    assert asked.candidates[0].token_ids[:len(head)] == head
