"""The style profile and style score on hand-made snippets with known answers."""

from __future__ import annotations

import pytest

from trainer.evaluation.style import learn_profile, observe, rule_agreement, style_score

from tests.trainer.conftest import FUNCTION, STATEFUL, STATELESS

SUPER_KEY = """class Tag extends StatelessWidget {
  const Tag({super.key, required this.text});

  final String text;

  @override
  Widget build(BuildContext context) {
    return Text(text);
  }
}"""
OLD_KEY = SUPER_KEY.replace("{super.key, required this.text});", "{Key? key, required this.text}) : super(key: key);")


def test_rules_observe_known_choices():
    found = observe(SUPER_KEY)
    assert found["key_parameter"] == ["super.key"]
    assert found["const_constructors"] == ["const"]
    assert found["final_fields"] == ["final"]
    assert found["named_parameters"] == ["named"]
    assert found["indentation"] == ["2 spaces"]
    assert found["doc_comments"] == ["undocumented"]
    assert observe(OLD_KEY)["key_parameter"] == ["Key? key"]
    assert observe('final a = "x"; final b = \'y\'; final c = "it\'s";')["quote_style"] == ["double", "single"]
    assert observe(STATELESS)["trailing_commas"] == ["trailing comma", "trailing comma"]  # Padding(, Text(
    assert observe("Widget f() {\n  return Text(\n    'a'\n  );\n}")["trailing_commas"] == ["no trailing comma"]
    assert observe("/// Doc.\nWidget _buildRow() => Row();")["helper_naming"] == ["_buildX"]
    assert observe("/// Doc.\nWidget _buildRow() => Row();")["doc_comments"] == ["documented"]
    assert observe(FUNCTION)["helper_bodies"] == ["block"]
    # State classes hold mutable state: their fields are not judged.
    assert "final_fields" not in observe(STATEFUL)


def test_key_question_key_scores_lower_against_a_super_key_profile():
    profile = learn_profile([STATELESS, STATEFUL, SUPER_KEY])
    assert profile.rules["key_parameter"].majority == "super.key"
    assert style_score(SUPER_KEY, profile) == 1.0
    assert style_score(OLD_KEY, profile) < style_score(SUPER_KEY, profile)
    assert rule_agreement(OLD_KEY, profile)["key_parameter"] == 0.0


def test_profile_shares_and_ties():
    profile = learn_profile(["final a = 'x';", "final b = 'y';", 'final c = "z";'])
    pref = profile.rules["quote_style"]
    assert pref.majority == "single" and pref.share == pytest.approx(2 / 3) and pref.samples == 3
    tie = learn_profile(["final a = 'x';", 'final c = "z";'])
    assert "quote_style" not in tie.rules  # no preference on a tie
    assert style_score('final d = "w";', profile) == 0.0
    assert style_score("final d = 'w';", profile) == 1.0


def test_nothing_to_judge_gives_none():
    profile = learn_profile([STATELESS, SUPER_KEY])
    assert style_score("", profile) is None
    assert style_score("no code here", profile) is None


def test_profile_from_the_example_project(examples_dir):
    outputs = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(examples_dir.rglob("*.dart"))]
    profile = learn_profile(outputs)
    assert profile.rules["key_parameter"].majority == "super.key"
    assert profile.rules["indentation"].majority == "2 spaces"
    assert profile.to_dict()["samples"] == len(outputs)
