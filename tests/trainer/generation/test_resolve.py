"""The resolver: each rule (known classes, named and required arguments, positional counts, static
members) on hand-written Dart, wrong vs unknown, and the things that look like constructor calls but are not."""

from __future__ import annotations

import pytest

from dataset_tools.dart import parse
from dataset_tools.dart.api import ApiIndex
from trainer.generation.resolve import resolve

from tests.trainer.flutter_api import FLUTTER


def resolved(code: str, api: ApiIndex = FLUTTER):
    return resolve(parse(code).root_node, api)


def widget(body: str, head: str = "") -> str:
    """A stateless widget whose build returns ``body`` (``head``: statements before the return)."""
    return (f"class TrailCard extends StatelessWidget {{\n  const TrailCard({{super.key, required this.name}});\n\n"
            f"  final String name;\n\n  @override\n  Widget build(BuildContext context) {{\n{head}"
            f"    return {body};\n  }}\n}}\n")


GOOD = widget("""Padding(
      padding: const EdgeInsets.all(8),
      child: Column(
        mainAxisAlignment: MainAxisAlignment.center,
        mainAxisSize: MainAxisSize.min,
        children: [
          const Text('Trail', style: TextStyle(fontWeight: FontWeight.bold)),
          Text.rich(TextSpan(text: name)),
          Text.new(name),
          Icon(Icons.home, color: Colors.red.shade200),
          Container(padding: EdgeInsets.symmetric(horizontal: 4), margin: EdgeInsets.zero),
          ValueListenableBuilder<int>(valueListenable: counter, builder: (context, value, _) => SizedBox.shrink()),
          TextButton(
            onPressed: () => Navigator.push(context, MaterialPageRoute(builder: (_) => const Center())),
            child: Text(name, style: Theme.of(context).textTheme.bodySmall),
          ),
        ],
      ),
    )""", head="    final counter = ValueNotifier<int>(0);\n")


def test_a_widget_of_known_classes_and_valid_calls_resolves():
    found = resolved(GOOD.replace("ValueNotifier<int>(0)", "0"))
    assert found.ok and found.wrong == () and found.unknown == ()


@pytest.mark.parametrize("body,phrase", [
    ("Text(name, color: Colors.red)", "Text: no parameter 'color'"),
    ("const Text('a', colour: Colors.red)", "Text: no parameter 'colour'"),
    ("Text.rich(TextSpan(text: name), maxLines: 2)", "Text.rich: no parameter 'maxLines'"),
    ("Padding(child: Text(name))", "Padding: missing required 'padding'"),
    ("ValueListenableBuilder<int>(valueListenable: v)", "ValueListenableBuilder: missing required 'builder'"),
    ("Padding(padding: EdgeInsets.all(8, 9))", "EdgeInsets.all: 2 positional arguments, expected 1"),
    ("Text()", "Text: 0 positional arguments, expected 1"),
    ("const Padding(padding: EdgeInsets.fromLTRB(1, 2, 3))",
     "EdgeInsets.fromLTRB: 3 positional arguments, expected 4"),
    ("Icon(Icons.hom)", "Icons.hom does not exist"),
    ("Row(mainAxisAlignment: MainAxisAlignment.middle)", "MainAxisAlignment.middle does not exist"),
    ("Text.fancy(name)", "Text.fancy does not exist"),
    ("const Padding(padding: EdgeInsets.around(2))", "EdgeInsets.around does not exist"),
    ("new Text.fancy(name)", "Text.fancy does not exist"),
    ("Padding(padding: EdgeInsets(8))", "EdgeInsets: no unnamed constructor"),
    ("Row(mainAxisAlignment: MainAxisAlignment())", "MainAxisAlignment is an enum (no constructor)"),
])
def test_a_call_or_member_that_does_not_fit_a_known_class_is_wrong(body, phrase):
    found = resolved(widget(body))
    assert found.wrong == (phrase,) and found.unknown == () and not found.ok


def test_named_arguments_a_known_constructor_does_not_have_are_counted_as_invented():
    found = resolved(widget("Text(name, color: Colors.red, colour: 1, style: null)"))
    assert found.invented == 2
    assert resolved(widget("TrailIcon(colour: 1)")).invented == 0  # an unknown class: not invented
    assert resolved(GOOD.replace("ValueNotifier<int>(0)", "0")).invented == 0


def test_a_class_the_index_does_not_hold_is_unknown_never_wrong():
    found = resolved(widget("TrailIcon(kind: Gap.small, size: 2)").replace("StatelessWidget", "HookWidget"))
    assert found.wrong == ()
    assert found.unknown == ("unknown class HookWidget", "unknown class TrailIcon", "unknown class Gap")
    assert not found.ok


def test_a_mixin_after_with_is_looked_up_too():
    code = ("class _TickerState extends State<Ticker> with SingleTickerProviderStateMixin, Blinking {\n"
            "  late final controller = AnimationController(vsync: this);\n"
            "  @override\n  Widget build(BuildContext context) => const SizedBox();\n}\n")
    assert resolved(code).unknown == ("unknown class Blinking",)


def test_the_candidates_own_classes_count_with_their_own_constructors_even_declared_later():
    code = (widget("Column(children: [TrailBadge(label: name), TrailBadge.small(), TrailBadge(), "
                   "TrailBadge(label: name, size: 2), Text(Difficulty.hard.name), Text('${Difficulty.values}'), "
                   "Text(_Style.title), Text(Difficulty.extreme.name)])")
            + "\nclass TrailBadge extends StatelessWidget {\n"
              "  const TrailBadge({super.key, required this.label});\n"
              "  const TrailBadge.small({super.key}) : label = '';\n"
              "  final String label;\n"
              "  @override\n  Widget build(BuildContext context) => Text(label);\n}\n"
              "\nenum Difficulty { easy, hard }\n"
              "\nclass _Style {\n  static const title = 'T';\n}\n")
    found = resolved(code)
    assert found.wrong == ("TrailBadge: missing required 'label'", "TrailBadge: no parameter 'size'",
                           "Difficulty.extreme does not exist")
    assert found.unknown == ()


def test_own_constructor_parameters_positional_optional_and_super():
    code = ("class Box {\n  Box(this.width, [this.height = 0]);\n  Box.named({required int a, super.key});\n"
            "  factory Box.square(double side) => Box(side, side);\n  final double width, height;\n}\n"
            "final a = Box(1);\nfinal b = Box(1, 2, 3);\nfinal c = Box.named(a: 1, key: null);\n"
            "final d = Box.named();\nfinal e = Box.square(2);\nfinal f = Box.square();\n")
    assert resolved(code).wrong == ("Box: 3 positional arguments, expected 1–2", "Box.named: missing required 'a'",
                                    "Box.square: 0 positional arguments, expected 1")


def test_a_class_that_declares_no_constructor_has_the_implicit_one():
    code = "class Tag {}\nfinal a = Tag();\nfinal b = Tag(label: 'x');\n"
    assert resolved(code).wrong == ("Tag: no parameter 'label'",)


def test_static_methods_are_not_constructor_calls():
    code = widget("Text(name, style: Theme.of(context).textTheme.titleLarge)",
                  head="    Navigator.of(context).pop();\n    Navigator.push(context, MaterialPageRoute(builder: (c) => this));\n")
    assert resolved(code).ok


def test_enum_values_and_values_in_patterns_resolve():
    code = ("enum Level { low, high }\n"
            "Widget label(Level level, MainAxisSize size) {\n  switch (level) {\n    case Level.low:\n"
            "      return Text('${MainAxisAlignment.values.length}');\n    case Level.mid:\n"
            "      return const Text('x');\n  }\n}\n")
    assert resolved(code).wrong == ("Level.mid does not exist",)


def test_capitalised_locals_parameters_and_type_parameters_are_not_classes():
    code = ("class Slot<Child extends Widget> extends StatelessWidget {\n"
            "  const Slot({super.key, required this.Make});\n  final Widget Function() Make;\n"
            "  @override\n  Widget build(BuildContext context) {\n"
            "    final Builder = Make;\n    Widget Render(int n) => Text('$n');\n"
            "    return Column(children: [Builder(), Make(), Render(1)]);\n  }\n}\n")
    assert resolved(code).ok


def test_an_import_prefix_is_not_looked_up():
    assert resolved("final t = material.Text('a');\nfinal c = ui.Color(0);\n").ok


def test_a_private_member_of_an_indexed_class_is_unknown_not_wrong():
    found = resolved("final a = Text._internal('a');\nfinal b = Icons._cache;\n")
    assert found.wrong == () and found.unknown == ("unknown member Text._internal", "unknown member Icons._cache")


def test_each_phrase_is_said_once_in_the_order_of_the_code():
    found = resolved(widget("Column(children: [Trail(), Text(name, color: 1), Trail(), Text(name, color: 2)])"))
    assert found.phrases == ["Text: no parameter 'color'", "unknown class Trail"]


def test_an_empty_index_knows_only_the_candidates_own_classes():
    found = resolved(widget("Text(name)"), ApiIndex())
    assert found.wrong == ()
    assert found.unknown == ("unknown class StatelessWidget", "unknown class Text")  # types are not looked up
