"""Which capitalised calls build a widget (dataset_tools.dart.vocabulary.is_widget_call), as harvest's
descriptions and the evaluation's widget vocabulary both read it."""

from dataset_tools.dart.vocabulary import is_widget_call
from dataset_tools.extract import composed_widgets


def test_widgets_are_widget_calls_and_value_classes_are_not():
    assert is_widget_call("Padding")
    assert is_widget_call("ListView", "builder")
    assert not is_widget_call("EdgeInsets", "all")
    assert not is_widget_call("TextStyle")


def test_lookups_through_a_named_constructor_build_nothing():
    assert not is_widget_call("Scaffold", "of")
    assert not is_widget_call("Trail", "fromJson")


def test_harvest_names_the_widgets_a_body_composes_in_order():
    code = ("Widget build(BuildContext context) {\n  Scaffold.of(context);\n"
            "  return Padding(padding: const EdgeInsets.all(8), child: ListView.builder(\n"
            "      itemBuilder: (c, i) => Text(Trail.fromJson(j).name, style: TextStyle())));\n}\n")
    assert composed_widgets(code) == ["Padding", "ListView", "Text"]
