"""The API index builder on a tiny Flutter-like source tree (fixtures/mini_flutter): every construct it
reads, what it leaves out, and an index that round-trips through its file."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataset_tools.dart import parse
from dataset_tools.dart.api import ApiIndex
from dataset_tools.dart.api_builder import file_api, index_of
from dataset_tools.dart.api_folder import dart_files, dart_library, index_folder, package_library

MINI_FLUTTER = Path(__file__).parent / "fixtures" / "mini_flutter" / "lib"


@pytest.fixture(scope="module")
def index() -> ApiIndex:
    return index_folder(MINI_FLUTTER, package_library("flutter"), source="mini flutter")


def params(index, cls, constructor=""):
    """[(name, flags, type)] as the file stores them: flags "n" named, "r" required."""
    signature = index.find_class(cls).constructor(constructor)
    return [(p.name, ("n" if p.named else "") + ("r" if p.required else ""), p.type) for p in signature.parameters]


def test_constructors_positional_optional_named_and_required(index):
    assert params(index, "Text") == [("data", "r", "String"), ("key", "n", ""), ("style", "n", ""),
                                     ("textScaleFactor", "n", ""), ("maxLines", "n", "int?")]
    assert params(index, "Text", "rich") == [("textSpan", "r", "InlineSpan"), ("key", "n", ""), ("style", "n", "")]
    assert index.find_class("Padding").constructor().required_named == {"padding"}
    assert params(index, "EdgeInsets", "fromLTRB") == [(n, "r", "") for n in ("left", "top", "right", "bottom")]
    assert params(index, "EdgeInsets", "symmetric") == [("vertical", "n", "double"), ("horizontal", "n", "double")]
    assert params(index, "BorderRadius", "circular") == [("radius", "r", "double")]
    assert index.find_class("Container").constructor().call_problems(0, ["text"]) == ["no parameter 'text'"]


def test_named_factory_const_redirecting_and_external_constructors(index):
    assert set(index.find_class("EdgeInsets").constructors) == {"fromLTRB", "all", "only", "symmetric"}
    assert set(index.find_class("SizedBox").constructors) == {"", "square", "expand"}  # `: this(...)` redirects
    assert params(index, "Padding", "zero") == [("key", "n", "Key?")]  # factory with a body
    assert params(index, "Key") == [("value", "r", "String")]  # const factory Key(...) = ValueKey<String>
    assert params(index, "BorderRadius", "native") == [("handle", "r", "int")]  # external factory
    assert params(index, "IconData") == [("codePoint", "r", ""), ("fontFamily", "n", ""),
                                         ("matchTextDirection", "n", "")]
    assert index.find_class("Text").constructor("_internal") is None  # private


def test_implicit_constructor_only_where_dart_gives_one(index):
    assert index.find_class("Colors").constructors == {}  # only a private constructor: none to call
    assert index.find_class("Icons").constructors == {}
    assert index.find_class("BuildContext").constructors == {}  # abstract, none declared
    widget = index.find_class("Widget")
    assert widget.kind == "abstract class" and set(widget.constructors) == {""}  # declared: kept for super calls
    assert index.find_class("Key").kind == "abstract class"  # sealed


def test_static_members_enums_and_mixins(index):
    assert index.has_static("Icons", "home") and index.has_static("Colors", "red")
    assert index.has_static("EdgeInsets", "zero") and not index.has_static("EdgeInsets", "all")
    assert index.find_class("BorderRadius").static_members == {"zero", "none", "lerp", "largest", "defaultRadius"}
    assert index.find_class("Padding").static_members == {"maybeOf"}  # @visibleForTesting buildCount left out
    assert index.find_class("Text").static_members == {"defaultMaxLines"}
    alignment = index.find_class("MainAxisAlignment")
    assert alignment.kind == "enum" and alignment.constructors == {}
    assert alignment.static_members == {"start", "center", "end", "spaceBetween", "values"}
    assert index.find_class("Brightness").static_members == {"dark", "light", "fallback", "values"}
    mixin = index.find_class("Diagnosticable")
    assert mixin.kind == "mixin" and mixin.constructors == {} and mixin.static_members == {"debugCount"}


def test_superclass_type_parameters_and_library(index):
    text = index.find_class("Text")
    assert text.superclass == "StatelessWidget" and text.library == "package:flutter/src/widgets/text.dart"
    assert index.find_class("ValueKey").type_parameters == ("T",)
    assert index.find_class("ValueKey").superclass == "Key"
    assert index.find_class("Element").superclass is None  # `with` is not `extends`


def test_extension_types_mixin_applications_and_extensions(index):
    meters = index.find_class("Meters")
    assert meters.kind == "extension type" and params(index, "Meters") == [("value", "r", "double")]
    assert set(meters.constructors) == {"", "zero"} and meters.static_members == {"marathon"}
    assert params(index, "ElementTree") == [("widget", "r", "Widget")]  # = Element with Diagnosticable
    assert index.find_class("DiagnosticableTree").constructors == {}  # Object is not in this index
    assert index.extension_members == {"darken", "isDark", "opacityLevel", "shouted"}


def test_top_level_functions(index):
    assert set(index.functions) == {"runApp", "showThing"}  # private, @visibleForTesting and getters left out
    show = index.functions["showThing"]
    assert show.required_named == {"context"} and show.named == {"context", "dismissible", "onClose"}
    assert [p.type for p in show.parameters] == ["BuildContext", "bool", "void Function(int code)?"]
    assert index.functions["runApp"].positional == (1, 1)


def test_private_and_test_only_names_are_left_out(index):
    for name in ("_PrivateHelper", "TestOnlyBinding", "_Hidden"):
        assert index.find_class(name) is None
    assert "_secret" not in index.extension_members and "mix" not in index.extension_members


def test_a_platform_implementation_file_comes_after_the_public_declaration(index):
    files = dart_files(MINI_FLUTTER)
    assert files[-1] == "src/foundation/_platform_io.dart"
    assert index.find_class("PlatformInfo").library == "package:flutter/src/foundation/platform.dart"
    assert params(index, "PlatformInfo") == [("web", "n", "bool")]


def test_the_index_round_trips_through_its_file(index, tmp_path):
    index.save(tmp_path / "api.json.gz")
    loaded = ApiIndex.load(tmp_path / "api.json.gz")
    assert loaded.to_json() == index.to_json() and loaded.source == "mini flutter"
    assert len(loaded.classes) == len(index.classes) == 23


def test_the_first_declaration_of_a_name_wins_and_libraries_are_named_per_folder():
    first = b"class Box { Box(int a); }\nvoid draw() {}\n"
    second = b"class Box { Box.named(); }\nvoid draw(int x) {}\n"
    apis = [(lib, file_api(parse(data).root_node, data)) for lib, data in (("dart:ui", first), ("b.dart", second))]
    index = index_of(apis)
    assert set(index.find_class("Box").constructors) == {""} and index.find_class("Box").library == "dart:ui"
    assert index.functions["draw"].parameters == ()
    assert dart_library("ui")("painting.dart") == "dart:ui"


def test_declarations_after_a_syntax_error_are_still_read():
    data = b"class Broken { void f( }\n\nclass Card {\n  const Card({required this.title});\n  final String title;\n}\n"
    api = file_api(parse(data).root_node, data)
    card = next(c for c in api.classes if c.name == "Card")
    assert card.constructor().required_named == {"title"}
