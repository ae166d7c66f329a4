"""Extraction of each widget kind, State pairing, project base-class chains and Widget-returning code."""

from __future__ import annotations

from dataset_tools.harvest import harvest

KINDS_SRC = """\
import 'package:flutter/material.dart';
import 'package:flutter_riverpod/flutter_riverpod.dart';
import 'package:flutter_hooks/flutter_hooks.dart';

class Plain extends StatelessWidget {
  const Plain({super.key});
  @override
  Widget build(BuildContext context) => const Text('plain');
}

class Counter extends StatefulWidget {
  const Counter({super.key, this.start = 0});
  final int start;
  @override
  State<Counter> createState() => _CounterState();
}

class _CounterState extends State<Counter> {
  late int value = widget.start;
  @override
  Widget build(BuildContext context) => TextButton(onPressed: () => setState(() => value++), child: Text('$value'));
}

class TrailCount extends ConsumerWidget {
  const TrailCount({super.key});
  @override
  Widget build(BuildContext context, WidgetRef ref) => Text('${ref.watch(countProvider)}');
}

class SearchBox extends ConsumerStatefulWidget {
  const SearchBox({super.key});
  @override
  ConsumerState<SearchBox> createState() => _SearchBoxState();
}

class _SearchBoxState extends ConsumerState<SearchBox> {
  @override
  Widget build(BuildContext context) => const TextField();
}

class Blinker extends HookWidget {
  const Blinker({super.key});
  @override
  Widget build(BuildContext context) {
    final on = useState(false);
    return Switch(value: on.value, onChanged: (v) => on.value = v);
  }
}

class LiveCount extends HookConsumerWidget {
  const LiveCount({super.key});
  @override
  Widget build(BuildContext context, WidgetRef ref) => const Placeholder();
}

class NotAWidget extends ChangeNotifier {
  Widget helper() => const SizedBox();
}

Widget buildDivider(BuildContext context, {double height = 1}) => Divider(height: height);

PreferredSizeWidget buildBar(String title) => AppBar(title: Text(title));

Widget get spacer => const SizedBox(height: 8);

List<Widget> notHarvested() => const [];

Widget Function() alsoNot() => () => const SizedBox();
"""


def by_name(samples):
    return {s["name"]: s for s in samples}


def test_each_widget_kind_is_extracted(make_project):
    samples = by_name(harvest([make_project({"lib/kinds.dart": KINDS_SRC})]).samples)
    assert samples["Plain"]["kind"] == "stateless"
    assert samples["Counter"]["kind"] == "stateful"
    assert samples["TrailCount"]["kind"] == "consumer"
    assert samples["SearchBox"]["kind"] == "consumer_stateful"
    assert samples["Blinker"]["kind"] == "hook"
    assert samples["LiveCount"]["kind"] == "hook_consumer"
    assert samples["buildDivider"]["kind"] == "function"
    assert samples["buildBar"]["kind"] == "function"
    assert samples["spacer"]["kind"] == "getter"
    assert samples["NotAWidget.helper"]["kind"] == "method"
    # State classes are folded into their widget, never samples of their own.
    assert "_CounterState" not in samples and "_SearchBoxState" not in samples
    # Only Widget / PreferredSizeWidget return types count; `build` of widgets is not a separate sample.
    assert "notHarvested" not in samples and "alsoNot" not in samples
    assert not any(name.endswith(".build") for name in samples)


def test_stateful_sample_holds_widget_and_state(make_project):
    samples = by_name(harvest([make_project({"lib/kinds.dart": KINDS_SRC})]).samples)
    out = samples["Counter"]["output"]
    assert out.startswith("class Counter extends StatefulWidget {")
    assert "\n\nclass _CounterState extends State<Counter> {" in out
    assert out.rstrip().endswith("}")
    consumer = samples["SearchBox"]["output"]
    assert "class _SearchBoxState extends ConsumerState<SearchBox>" in consumer


def test_record_shape_and_positions(make_project, stateless_src):
    root = make_project({"lib/widgets/peak_tile.dart": stateless_src})
    (sample,) = harvest([root]).samples
    assert set(sample) == {"instruction", "input", "output", "source", "project", "line", "kind", "name",
                           "instruction_source"}
    assert sample["source"] == "lib/widgets/peak_tile.dart"
    assert sample["project"] == "app"
    assert sample["line"] == 4  # the class line; the doc comment becomes the instruction
    assert sample["input"] == ""
    assert sample["output"].startswith("class PeakTile extends StatelessWidget {")
    assert "///" not in sample["output"]


def test_state_in_another_file_is_paired(make_project):
    root = make_project({
        "lib/counter.dart": "part 'counter_state.dart';\nclass Counter extends StatefulWidget {\n"
                            "  State<Counter> createState() => _CounterState();\n}\n",
        "lib/counter_state.dart": "part of 'counter.dart';\nclass _CounterState extends State<Counter> {\n"
                                  "  Widget build(BuildContext context) => const Text('x');\n}\n",
    })
    samples = by_name(harvest([root]).samples)
    assert samples["Counter"]["kind"] == "stateful"
    assert "class _CounterState" in samples["Counter"]["output"]
    assert samples["Counter"]["source"] == "lib/counter.dart"


def test_project_base_class_chain_across_files(make_project):
    root = make_project({
        "lib/base/trail_card.dart": "abstract class TrailCard extends StatelessWidget {\n"
                                    "  const TrailCard({super.key});\n"
                                    "  Widget buildBody(BuildContext context);\n"
                                    "  @override\n  Widget build(BuildContext context) => Card(child: buildBody(context));\n}\n",
        "lib/cards/peak_card.dart": "class PeakCard extends TrailCard {\n  const PeakCard({super.key, required this.peak});\n"
                                    "  final Peak peak;\n  @override\n"
                                    "  Widget buildBody(BuildContext context) => Text(peak.name);\n}\n",
        "lib/cards/summit_card.dart": "class SummitCard extends PeakCard {\n  const SummitCard({super.key, required super.peak});\n}\n",
        "lib/models/loop.dart": "class A extends B {}\nclass B extends A {}\n",  # a cycle is not a widget
    })
    samples = by_name(harvest([root]).samples)
    assert samples["TrailCard"]["kind"] == "stateless"
    assert samples["PeakCard"]["kind"] == "custom_widget"
    assert samples["SummitCard"]["kind"] == "custom_widget"
    assert "extending `PeakCard`" in samples["SummitCard"]["instruction"]
    assert samples["PeakCard.buildBody"]["kind"] == "method"
    assert "A" not in samples and "B" not in samples


def test_prefixed_generic_and_modified_classes(make_project):
    root = make_project({"lib/x.dart": (
        "import 'package:flutter/widgets.dart' as w;\n"
        "@immutable\nfinal class Prefixed extends w.StatelessWidget { Widget build(c) => w.Text('a'); }\n"
        "class Generic<T> extends StatelessWidget with Diagnosticable implements Marker {"
        " Widget build(c) => const SizedBox(); }\n"
        "extension Padded on Widget { Widget padded() => Padding(padding: EdgeInsets.zero, child: this); }\n"
        "mixin Helpers on State<Counter> { Widget? maybeIcon() => null; }\n")})
    samples = by_name(harvest([root]).samples)
    assert samples["Prefixed"]["kind"] == "stateless"
    assert samples["Prefixed"]["output"].startswith("@immutable\nfinal class Prefixed")
    assert samples["Generic"]["kind"] == "stateless"
    assert samples["Padded.padded"]["kind"] == "method"
    assert samples["Helpers.maybeIcon"]["kind"] == "method"


def test_constructor_params_and_composed_widgets(make_project):
    root = make_project({"lib/a.dart": (
        "class Badge extends StatelessWidget {\n"
        "  const Badge.small({super.key}) : label = '', count = 0;\n"
        "  const Badge(this.label, {Key? key, required this.count, void Function()? onTap}) : super(key: key);\n"
        "  final String label; final int count;\n"
        "  Widget build(BuildContext context) => Container(padding: const EdgeInsets.all(4),\n"
        "      child: Row(children: [Icon(Icons.star), Text('$count Fake()'), // Comment()\n"
        "        Text(label)]));\n}\n")})
    (sample,) = harvest([root]).samples
    assert sample["instruction"] == ("A stateless widget `Badge` (badge) that takes `label`, `count` and `onTap` "
                                     "and builds a Container with a Row, Icon and Text.")
