"""The tree-sitter checks a generated widget must pass, on hand-written good and bad Dart."""

from __future__ import annotations

import dataclasses

import pytest

from trainer.generation.checks import check_widget
from trainer.generation.request import requested_name

GOOD = """class TrailCard extends StatelessWidget {
  const TrailCard({super.key, required this.name, this.length = 0});

  final String name;
  final double length;

  @override
  Widget build(BuildContext context) {
    return Card(child: Text(name));
  }
}"""

STATEFUL = """class Counter extends StatefulWidget {
  const Counter({super.key, this.start = 0});

  final int start;

  @override
  State<Counter> createState() => _CounterState();
}

class _CounterState extends State<Counter> {
  late int value = widget.start;

  @override
  Widget build(BuildContext context) => Text('$value');
}"""


def test_a_good_widget_passes_everything():
    report = check_widget(GOOD, "TrailCard")
    assert report.passed and report.declared == ["TrailCard"]
    assert list(report.checks) == ["parses", "declaresWidget", "requestedName", "fieldsForParams",
                                   "createsState", "noSelfConstruction", "noRepeatedArgs"]
    assert check_widget(STATEFUL).passed
    assert check_widget("Widget header(BuildContext context) => const Text('Trails');").passed
    assert check_widget("Widget get title => Text(label);").passed


@pytest.mark.parametrize("code,failed", [
    ("class TrailCard extends StatelessWidget {\n  Widget build(BuildContext c) {\n    return Text(\n  }\n}",
     ["parses"]),
    ("using System;\nusing System.Linq;", ["parses", "declaresWidget"]),
    ("class Trail {\n  final String name;\n}", ["declaresWidget"]),
    (GOOD.replace("  final double length;\n", ""), ["fieldsForParams"]),
    (GOOD.replace("return Card(child: Text(name));", "return TrailCard(name: name);"), ["noSelfConstruction"]),
    (STATEFUL.replace("Text('$value')", "Counter(start: value)"), ["noSelfConstruction"]),
    (STATEFUL.replace("  @override\n  State<Counter> createState() => _CounterState();\n", ""), ["createsState"]),
    ("class RegionChipBar extends StatefulWidget {\n  @override\n  Widget build(BuildContext context) {\n"
     "    return Text('x');\n  }\n}", ["createsState"]),
    (GOOD.replace("Card(child: Text(name))", "Card(child: Text(name), child: Text('x'))"), ["noRepeatedArgs"]),
])
def test_each_bad_widget_fails_the_right_check(code, failed):
    report = check_widget(code)
    assert report.failed == failed, report.checks


def test_the_requested_name_is_checked_only_when_asked():
    assert "requestedName" not in check_widget(GOOD).checks
    assert check_widget(GOOD, "HikeCard").failed == ["requestedName"]
    assert requested_name("Create a StatelessWidget named TrailCard.") == "TrailCard"
    assert requested_name("Extract this into a new widget called `_TrailHeader`") == "_TrailHeader"
    assert requested_name("A card that shows a trail's name") is None


def test_empty_code_fails():
    assert not check_widget("").passed and not check_widget("   \n").passed


def test_a_subclass_of_the_projects_own_widget_base_declares_a_widget():
    code = """class TrailSummaryCard extends TrailCard {
  const TrailSummaryCard({super.key, required this.trail});

  final Trail trail;

  @override
  Widget buildBody(BuildContext context) => Text(trail.name);
}"""
    report = check_widget(code, "TrailSummaryCard")
    assert report.passed and report.declared[0] == "TrailSummaryCard"


def test_text_that_keeps_tree_sitter_busy_fails_every_check_instead_of_hanging():
    """A run of dashes (what a random model wrote) costs tree-sitter's error recovery quadratic time:
    80,000 of them would take ~10 s; the checks give up at PARSE_LIMIT_S."""
    from dataset_tools.dart import parse, parse_within
    from trainer.generation.dead_end import broken_before_last_line

    dashes = "class A {}\n" + "-" * 80_000 + "\n"
    assert parse_within(dashes, 0.05) is None
    report = check_widget(dashes)
    assert report.checks and not any(report.checks.values())
    assert broken_before_last_line(dashes + "x\n", "")
    assert not parse("class B {}").root_node.has_error  # the thread's parser works again after a cut


def test_the_resolves_check_runs_only_with_an_index_and_says_what_did_not_resolve():
    from tests.trainer.flutter_api import FLUTTER

    assert "resolves" not in check_widget(GOOD).checks and check_widget(GOOD).unresolved == []
    report = check_widget(GOOD, "TrailCard", api=FLUTTER)
    assert list(report.checks)[-1] == "resolves" and report.passed and report.unresolved == []
    bad = GOOD.replace("Card(child: Text(name))", "Card(child: Text(name, color: Colors.red), shape: TrailShape())")
    report = check_widget(bad, api=FLUTTER)
    assert report.failed == ["resolves"]
    assert report.unresolved == ["Card: no parameter 'shape'", "Text: no parameter 'color'", "unknown class TrailShape"]
    unknown_only = GOOD.replace("Card(", "TrailShell(")
    report = check_widget(unknown_only, api=FLUTTER)  # an index that does not say what it leaves out: open
    assert report.passed and report.unknown == 1 and report.unresolved == ["unknown class TrailShell"]
    closed = check_widget(unknown_only, api=dataclasses.replace(FLUTTER, unindexed=()))
    assert closed.failed == ["resolves"] and closed.resolution.wrong == ()  # every import indexed: invented
    assert check_widget(unknown_only, api=dataclasses.replace(FLUTTER, unindexed=("package:trail_kit",))).passed
    assert check_widget("", api=FLUTTER).checks["resolves"] is False
