"""Each metric on hand-made cases with known answers."""

from __future__ import annotations

import pytest

from trainer.evaluation import metrics

from tests.trainer.conftest import FUNCTION, STATEFUL, STATELESS


def test_parse_validity():
    assert metrics.parse_valid(STATELESS)
    assert metrics.parse_valid(STATEFUL)
    assert not metrics.parse_valid(STATELESS[:-1])  # missing closing brace
    assert not metrics.parse_valid("class A extends StatelessWidget { Widget build( => ; }")
    assert not metrics.parse_valid("")
    assert not metrics.parse_valid("   \n")


def test_chrf():
    assert metrics.chrf(STATELESS, STATELESS) == pytest.approx(100.0)
    assert metrics.chrf("", "") == 100.0
    assert metrics.chrf("", STATELESS) == 0.0
    close = metrics.chrf(STATELESS.replace("label", "text"), STATELESS)
    far = metrics.chrf(FUNCTION, STATELESS)
    assert 0 < far < close < 100


def test_exact_match_ignores_whitespace_only():
    reflowed = "\n\n" + STATELESS.replace("\n", "\n  ").replace("  ", "\t") + "  \n"
    assert metrics.exact_match(reflowed, STATELESS)
    assert not metrics.exact_match(STATELESS.replace("label", "label2"), STATELESS)


def test_widget_vocabulary():
    # Value classes (EdgeInsets, TextStyle) are not widgets.
    assert metrics.widget_vocabulary(STATELESS) == {"Padding", "Text"}
    # Own class, State class, static lookups (Theme.of) and names in strings/comments do not count.
    code = ("class A extends StatelessWidget {\n  const A({super.key});\n  // Card(\n"
            "  Widget build(BuildContext c) => Center(child: Text('Row(', style: Theme.of(c).textTheme.bodySmall));\n}")
    assert metrics.widget_vocabulary(code) == {"Center", "Text"}
    assert metrics.widget_vocabulary("final x = ValueListenableBuilder<int>(builder: f);") == {"ValueListenableBuilder"}
    assert "Counter" not in metrics.widget_vocabulary(STATEFUL)
    lookups_and_values = ("Widget f() => ListView.builder(itemBuilder: (c, i) => Text(Trail.fromJson(j).name), "
                          "padding: EdgeInsets.all(8));")
    assert metrics.widget_vocabulary(lookups_and_values) == {"ListView", "Text"}


def test_widget_overlap_f1():
    assert metrics.widget_overlap(STATELESS, STATELESS) == 1.0
    # {Padding, Text} vs {Text}: precision 1, recall 1/2 -> F1 2/3
    assert metrics.widget_overlap("Widget f() => Text('a');", STATELESS) == pytest.approx(2 / 3)
    assert metrics.widget_overlap("int x = 1;", STATELESS) == 0.0
    assert metrics.widget_overlap("int x = 1;", "int y = 2;") == 1.0


def test_resolution_against_an_api_index():
    from trainer.evaluation.metrics import resolution

    from tests.trainer.flutter_api import FLUTTER

    assert resolution("Widget title(String t) => Padding(padding: EdgeInsets.all(8), child: Text(t));",
                      FLUTTER) == (True, 0, 0)
    assert resolution("Widget title(String t) => Text(t, colour: Colors.red);", FLUTTER) == (False, 0, 1)  # wrong
    assert resolution("Widget title(String t) => Gap(TrailIcon(t), TrailIcon(t));", FLUTTER) == (False, 2, 0)
    assert resolution("  ", FLUTTER) == (False, 0, 0)
