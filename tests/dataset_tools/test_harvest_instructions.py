"""Instructions come from the `///` doc comment when present, else are synthesized from structure."""

from __future__ import annotations

from dataset_tools.harvest import harvest
from dataset_tools.instructions import (Described, augment_instructions, doc_to_instruction, name_words,
                                        parse_synthesized, synthesize)


def test_doc_comment_becomes_the_instruction(make_project, stateless_src):
    (sample,) = harvest([make_project({"lib/p.dart": stateless_src})]).samples
    assert sample["instruction"] == "Shows a Peak as a tappable card."
    assert sample["instruction_source"] == "doc"


def test_doc_comment_forms():
    assert doc_to_instruction("/// A [Trail] card.\n/// Opens [TrailScreen] on tap.") == \
        "A Trail card. Opens TrailScreen on tap."
    assert doc_to_instruction("/** Block\n * doc with [link](https://x.dev). */") == "Block doc with link."
    assert doc_to_instruction("/// Usage:\n/// ```dart\n/// Foo()\n/// ```\n/// Done.") == "Usage: Done."
    assert doc_to_instruction("///\n///   ") == ""


def test_doc_after_annotations_and_on_members(make_project):
    src = ("/// The app bar.\n@immutable\nclass Bar extends StatelessWidget {\n"
           "  /// A divider with a label.\n  @protected\n  Widget labeled(String text) => Text(text);\n"
           "  Widget build(BuildContext c) => const SizedBox();\n}\n"
           "/// Empty state.\n@pragma('vm:prefer-inline')\nWidget empty() => const SizedBox();\n")
    samples = {s["name"]: s for s in harvest([make_project({"lib/b.dart": src})]).samples}
    assert samples["Bar"]["instruction"] == "The app bar."
    assert samples["Bar.labeled"]["instruction"] == "A divider with a label."
    assert samples["Bar.labeled"]["output"].startswith("@protected\n  Widget labeled")
    assert samples["empty"]["instruction"] == "Empty state."
    assert samples["empty"]["output"].startswith("@pragma('vm:prefer-inline')\nWidget empty()")


def test_synthesized_from_structure(make_project):
    src = ("class _TrailHeader extends StatelessWidget {\n"
           "  const _TrailHeader({super.key, required this.trail, this.onTap});\n"
           "  final Trail trail; final VoidCallback? onTap;\n"
           "  Widget build(BuildContext context) => Card(child: ListTile(leading: Icon(Icons.map),"
           " title: Text(trail.name), contentPadding: EdgeInsets.zero));\n}\n"
           "Widget buildStatRow(BuildContext context, List<Stat> stats) => Row(children: []);\n")
    samples = {s["name"]: s for s in harvest([make_project({"lib/t.dart": src})]).samples}
    header = samples["_TrailHeader"]
    assert header["instruction_source"] == "synthesized"
    assert header["instruction"] == ("A stateless widget `_TrailHeader` (trail header) that takes `trail` and "
                                     "`onTap` and builds a Card with a ListTile, Icon and Text.")
    assert samples["buildStatRow"]["instruction"] == ("A function `buildStatRow` (build stat row) that takes "
                                                      "`stats` and builds a Row.")


def test_stateful_synthesis_uses_the_state_build(make_project):
    src = ("class Timer extends StatefulWidget {\n  const Timer({super.key, required this.seconds});\n"
           "  final int seconds;\n  State<Timer> createState() => _TimerState();\n}\n"
           "class _TimerState extends State<Timer> {\n"
           "  Widget build(BuildContext context) => Column(children: [Text('a'), LinearProgressIndicator()]);\n}\n")
    (sample,) = harvest([make_project({"lib/t.dart": src})]).samples
    assert sample["instruction"] == ("A stateful widget `Timer` (timer) that takes `seconds` and builds a Column "
                                     "with a Text and LinearProgressIndicator.")


def test_name_words_and_articles():
    assert name_words("_PeakCard") == "peak card"
    assert name_words("HTTPBanner") == "http banner"
    assert name_words("buildRow2") == "build row 2"
    assert synthesize("getter", "header", owner="Card", widgets=["Icon"]) == \
        "A getter `header` (header) of `Card` that builds an Icon."
    assert synthesize("hook", "X") == "A hook widget `X` (x)."


def test_augmentation_variants():
    record = {"instruction": "Shows a peak.", "kind": "stateless", "name": "PeakTile"}
    variants = augment_instructions(record, 3)
    assert len(variants) == 3 and len(set(variants)) == 3
    assert all(v != record["instruction"] and "Shows a peak" in v or "peak" in v.lower() for v in variants)
    assert augment_instructions(record, 0) == []
    assert len(augment_instructions(record, 100)) == 5


def test_a_synthesized_instruction_reads_back_as_what_it_describes():
    cases = [
        (("stateless", "PeakCard", ["peak", "onTap"], ["Card", "ListTile"]), Described("stateless", "PeakCard")),
        (("custom_widget", "SummitCard", ["onTap"], [], "PeakCard"), Described("custom_widget", "SummitCard", "PeakCard")),
        (("method", "_buildRow", [], ["Row"], None, "_HomeState"), Described("method", "_buildRow", owner="_HomeState")),
        (("consumer_stateful", "Settings"), Described("consumer_stateful", "Settings")),
        (("hook_consumer", "Feed", ["items"]), Described("hook_consumer", "Feed")),
        (("getter", "_divider", [], ["Divider"], None, "Detail"), Described("getter", "_divider", owner="Detail")),
    ]
    for args, described in cases:
        assert parse_synthesized(synthesize(*args)) == described
    for text in ("Small colored pill showing how hard a trail is.", "A stateless widget named Foo.",
                 "A widget `Foo` that I wrote myself, roughly", ""):
        assert parse_synthesized(text) is None
