"""The API index's model: what a call must pass, what a class has, files that round-trip, combining."""

from __future__ import annotations

import pytest

from dataset_tools.dart.api import ApiIndex, DartClass, Parameter, Signature

TEXT = Signature("", (Parameter("data", required=True, type="String"), Parameter("key", named=True),
                      Parameter("style", named=True, type="TextStyle?")))
PADDING = Signature("", (Parameter("key", named=True), Parameter("padding", named=True, required=True),
                         Parameter("child", named=True)))
ROUND = Signature("round", (Parameter("x", required=True), Parameter("y")))  # (x, [y])


@pytest.mark.parametrize("signature, positional, named, problems", [
    (TEXT, 1, ["style", "key"], []),
    (TEXT, 1, ["color"], ["no parameter 'color'"]),
    (TEXT, 0, [], ["0 positional arguments, expected 1"]),
    (PADDING, 0, ["child"], ["missing required 'padding'"]),
    (ROUND, 1, [], []),
    (ROUND, 2, [], []),
    (ROUND, 3, [], ["3 positional arguments, expected 1–2"]),
])
def test_what_a_call_must_pass(signature, positional, named, problems):
    assert signature.call_problems(positional, named) == problems


def sample() -> ApiIndex:
    return ApiIndex({"Text": DartClass("Text", superclass="StatelessWidget", constructors={"": TEXT},
                                       library="package:flutter/widgets.dart"),
                     "Icons": DartClass("Icons", static_members=frozenset({"home", "add"})),
                     "MainAxisAlignment": DartClass("MainAxisAlignment", kind="enum",
                                                    static_members=frozenset({"start", "center"}))},
                    functions={"showDialog": Signature("showDialog", (Parameter("context", True, True),))},
                    extension_members=frozenset({"colors"}), source="flutter test")


def test_a_saved_index_loads_the_same(tmp_path):
    index = sample()
    index.save(tmp_path / "api.json.gz")
    loaded = ApiIndex.load(tmp_path / "api.json.gz")
    assert loaded.to_json() == index.to_json()
    assert loaded.find_class("Text").constructor("").named == {"key", "style"}
    assert loaded.has_static("Icons", "home") is True and loaded.has_static("Icons", "hom") is False
    assert loaded.has_static("Colors", "red") is None  # not indexed: unknown, never wrong
    assert loaded.find_class("Container") is None and "Text" in loaded.classes and len(loaded) == 4


def test_the_users_symbols_replace_flutters_of_the_same_name(tmp_path):
    flutter = sample()
    flutter.save(tmp_path / "f.json.gz")
    user = ApiIndex({"Text": DartClass("Text", superclass="Widget", library="lib/text.dart"),
                     "TrailCard": DartClass("TrailCard", superclass="StatelessWidget")}, source="my_app")
    both = ApiIndex.combined(ApiIndex.load(tmp_path / "f.json.gz"), user)
    assert both.find_class("Text").library == "lib/text.dart"
    assert both.find_class("Icons").static_members == {"home", "add"}
    assert sorted(both.classes) == ["Icons", "MainAxisAlignment", "Text", "TrailCard"]
    assert both.source == "flutter test + my_app" and both.extension_members == {"colors"}


def test_what_an_index_leaves_unindexed_is_kept_and_combined(tmp_path):
    flutter, user = sample(), ApiIndex(source="my_app", unindexed=())
    assert flutter.unindexed is None and not flutter.closed and user.closed  # not known: open
    assert ApiIndex.combined(flutter, user).closed  # the user's code imports nothing unindexed
    gaps = ApiIndex.combined(flutter, ApiIndex(unindexed=("dart:ffi",)), ApiIndex(unindexed=("package:gone",)))
    assert gaps.unindexed == ("dart:ffi", "package:gone") and not gaps.closed
    gaps.save(tmp_path / "u.json.gz")
    assert ApiIndex.load(tmp_path / "u.json.gz").unindexed == ("dart:ffi", "package:gone")
    flutter.save(tmp_path / "f.json.gz")
    assert ApiIndex.load(tmp_path / "f.json.gz").unindexed is None


def test_an_index_of_another_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        ApiIndex.from_json({"format": 99})


def test_a_merged_signature_accepts_what_either_accepts():
    from dataset_tools.dart.api import Parameter, Signature

    one = Signature("", (Parameter("label", required=True), Parameter("title", named=True, required=True),
                         Parameter("scale", named=True, required=True)))
    other = Signature("", (Parameter("scale", named=True, required=True), Parameter("opacity", named=True)))
    merged = one.merged(other)
    assert merged.positional == (0, 1) and merged.named == {"title", "scale", "opacity"}
    assert merged.required_named == {"scale"}
    assert merged.call_problems(0, ["scale", "opacity"]) == [] and merged.call_problems(1, ["title", "scale"]) == []
    assert merged.call_problems(0, ["colour"]) == ["no parameter 'colour'", "missing required 'scale'"]


def test_combined_indexes_replace_or_merge_a_name_both_hold():
    from dataset_tools.dart.api import ApiIndex, DartClass, Signature

    first = ApiIndex({"Colors": DartClass("Colors", static_members=frozenset({"red"}))},
                     {"lerp": Signature("lerp", ())})
    second = ApiIndex({"Colors": DartClass("Colors", static_members=frozenset({"aliceBlue"}))})
    assert ApiIndex.combined(first, second).find_class("Colors").static_members == {"aliceBlue"}
    merged = ApiIndex.combined(first, second, merge=True)
    assert merged.find_class("Colors").static_members == {"red", "aliceBlue"} and "lerp" in merged.functions
