"""Which index generation uses: Flutter's (the shipped one on a machine without an SDK) with the dataset's
symbols over it, picked up again when a harvest rewrites them."""

from __future__ import annotations

import os

import pytest

from dataset_tools.dart.api import ApiIndex
from dataset_tools.dart.api_builder import file_api, index_of
from dataset_tools.dart.flutter_index import shipped_index
from dataset_tools.dart.parser import parse
from dataset_tools.errors import FlutterTuneError
from dataset_tools.symbols import SYMBOLS_NAME
from trainer.generation.api_index import generation_index


@pytest.fixture(autouse=True)
def no_sdk_here(no_sdk_around):
    """This machine has no Flutter SDK; make sure none is found from the environment either."""


def symbols_of(source: str) -> ApiIndex:
    data = source.encode()
    return index_of([("lib/trail.dart", file_api(parse(data).root_node, data))], source="app")


def test_without_a_dataset_or_its_symbols_it_is_flutters_index(tmp_path):
    assert generation_index(None) is shipped_index()
    assert generation_index(tmp_path / "no-dataset") is shipped_index()
    assert generation_index(tmp_path) is shipped_index()


def test_the_users_symbols_are_merged_with_flutters(tmp_path):
    symbols_of("class TrailCard {\n  const TrailCard({required this.name});\n  final String name;\n}\n"
               "class Text {\n  const Text.trail();\n}\n"
               "class Colors {\n  static const aliceBlue = 1;\n}\n").save(tmp_path / SYMBOLS_NAME)
    index = generation_index(tmp_path)
    assert index.find_class("TrailCard").constructor().required_named == {"name"}
    assert index.find_class("Container") is not None and index.has_static("Icons", "home")
    text = index.find_class("Text")  # a name both declare accepts what either accepts
    assert text.constructor("trail") is not None and "style" in text.constructor().named
    assert index.has_static("Colors", "aliceBlue") and index.has_static("Colors", "red")
    assert generation_index(tmp_path) is index  # kept while the file is the same

    symbols_of("class TrailBadge {\n  const TrailBadge();\n}\n").save(tmp_path / SYMBOLS_NAME)
    os.utime(tmp_path / SYMBOLS_NAME, ns=(1, 1))  # another mtime, whatever the clock's resolution
    index = generation_index(tmp_path)
    assert index.find_class("TrailBadge") is not None and index.find_class("TrailCard") is None


def test_damaged_symbols_say_to_harvest_again(tmp_path):
    (tmp_path / SYMBOLS_NAME).write_bytes(b"\x1f\x8b not gzip")
    with pytest.raises(FlutterTuneError, match="harvest again"):
        generation_index(tmp_path)


def test_the_real_index_knows_flutters_widgets():
    """Spot checks of the shipped index: Text has style, Container has no text, Icons.home exists."""
    index = shipped_index()
    text = index.find_class("Text")
    assert "style" in text.constructor().named and text.constructor().positional == (1, 1)
    assert "text" not in index.find_class("Container").constructor().named
    assert index.has_static("Icons", "home") and not index.has_static("Icons", "hom")
    assert index.has_static("Colors", "red") and index.has_static("MainAxisAlignment", "center")
    assert index.find_class("Padding").constructor().required_named == {"padding"}
