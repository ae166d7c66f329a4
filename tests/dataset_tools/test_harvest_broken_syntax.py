"""Files with syntax errors: intact declarations are still harvested, broken ones are counted."""

from __future__ import annotations

from dataset_tools.harvest import harvest

BROKEN = """\
import 'package:flutter/material.dart';

class Good extends StatelessWidget {
  @override
  Widget build(BuildContext context) => const Text('ok');
}

class Bad extends StatelessWidget {
  @override
  Widget build(BuildContext context) {
    return Column(children: [Text('a'), ;
  }
}

Widget fine() => const Placeholder();

class Model {
  int x = ;
}
"""

BROKEN_STATE = """\
class Map extends StatefulWidget {
  @override
  State<Map> createState() => _MapState();
}

class _MapState extends State<Map> {
  @override
  Widget build(BuildContext context) {
    return Stack(children: [
      FloatingActionButton(onPressed: () => setState(() => zoom += 1, child: const Icon(Icons.add)),
    ]);
  }
}
"""


def test_intact_declarations_survive_a_broken_file(make_project):
    result = harvest([make_project({"lib/broken.dart": BROKEN})])
    assert sorted(s["name"] for s in result.samples) == ["Good", "fine"]
    # `Bad` is a widget with an error; the broken non-widget `Model` is not counted.
    assert result.skips == {"syntax_error": 1}


def test_stateful_widget_with_broken_state_is_dropped(make_project):
    result = harvest([make_project({"lib/map.dart": BROKEN_STATE})])
    assert result.samples == []
    assert result.skips == {"syntax_error": 1}


def test_broken_widget_returning_method_is_counted(make_project):
    src = ("class Helpers {\n  Widget ok() => const SizedBox();\n"
           "  Widget broken() { return Row(children: [; }\n}\n")
    result = harvest([make_project({"lib/h.dart": src})])
    names = [s["name"] for s in result.samples]
    assert "Helpers.ok" in names and "Helpers.broken" not in names
    assert result.skips.get("syntax_error", 0) >= 1
