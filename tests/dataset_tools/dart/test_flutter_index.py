"""The Flutter index to use: the shipped one (spot-checked against what Flutter declares), or one built
once from the user's SDK and cached as an artifact folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dataset_tools.artifacts import MARKER_NAME
from dataset_tools.dart import flutter_index as module
from dataset_tools.dart.flutter_index import DATA, INDEX_NAME, SHIPPED, flutter_index, sdk_index_dir, shipped_index
from dataset_tools.dart.sdk import FlutterSdk
from dataset_tools.progress import CallbackProgress

MINI_FLUTTER = Path(__file__).parent / "fixtures" / "mini_flutter" / "lib"
MINI_UI = """\
class Color {
  const Color(int value);
}

class FontWeight {
  const FontWeight._(this.index);
  final int index;
  static const FontWeight w600 = FontWeight._(5);
}

double? lerpDouble(num? a, num? b, double t) => null;
"""


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path, no_sdk_around):
    """No answer kept from another test; a cache home of this test's own; no SDK around."""
    monkeypatch.setattr(module, "_answers", {})
    monkeypatch.setenv("FLUTTER_TUNE_CACHE", str(tmp_path / "cache"))


def fake_sdk(root: Path, version: str = "3.22.0", sky_engine: bool = True) -> Path:
    shutil.copytree(MINI_FLUTTER, root / "packages" / "flutter" / "lib")
    (root / "bin").mkdir()
    (root / "bin" / "flutter").write_text("#!/bin/sh\n")
    (root / "version").write_text(version + "\n")
    if sky_engine:
        ui = root / "bin" / "cache" / "pkg" / "sky_engine" / "lib" / "ui"
        ui.mkdir(parents=True)
        (ui / "painting.dart").write_text(MINI_UI)
    return root


def test_the_shipped_index_holds_what_flutter_declares():
    index = shipped_index()
    text = index.find_class("Text").constructor()
    assert "style" in text.named and text.positional == (1, 1)
    assert index.find_class("Container").constructor().call_problems(0, ["text"]) == ["no parameter 'text'"]
    assert index.find_class("Padding").constructor().required_named == {"padding"}
    assert index.has_static("Icons", "home") and index.has_static("Colors", "red")
    assert index.has_static("MainAxisAlignment", "center") and index.has_static("FontWeight", "w600")
    edge_insets = index.find_class("EdgeInsets")
    assert "all" in edge_insets.constructors and "all" not in edge_insets.static_members
    assert index.has_static("EdgeInsets", "zero")
    color = index.find_class("Color")
    assert color.library == "dart:ui" and color.constructor().positional == (1, 1)
    assert index.find_class("TextStyle").library == "package:flutter/src/painting/text_style.dart"  # not dart:ui's
    assert "showDialog" in index.functions and index.find_class("Duration").library == "dart:core"
    assert index.source.startswith("flutter framework") and "dart:ui" in index.source


def test_the_shipped_index_is_compact_and_carries_its_licences():
    assert SHIPPED.stat().st_size < 2_000_000
    assert "The Flutter Authors" in (DATA / "FLUTTER_LICENSE").read_text(encoding="utf-8")
    assert "the Dart project authors" in (DATA / "SKY_ENGINE_LICENSE").read_text(encoding="utf-8")


def test_without_an_sdk_the_shipped_index_is_used(tmp_path):
    assert flutter_index(None) is shipped_index()
    assert flutter_index(tmp_path / "not-an-sdk") is shipped_index()
    assert not (tmp_path / "cache").exists()


def test_an_sdk_is_indexed_once_and_cached(tmp_path, monkeypatch):
    sdk = fake_sdk(tmp_path / "flutter")
    events = []
    index = flutter_index(str(sdk), progress=CallbackProgress(events.append))
    assert index.find_class("Padding").constructor().required_named == {"padding"}
    assert index.has_static("FontWeight", "w600")
    assert index.find_class("Color").library == "package:flutter/src/material/icons.dart"  # the framework wins
    assert index.find_class("FontWeight").library == "dart:ui" and "lerpDouble" in index.functions
    assert index.find_class("Scaffold") is None  # not in this SDK: unknown, even though the shipped index has it
    assert "3.22.0" in index.source
    assert [e.kind for e in events][0] == "start" and events[-1].kind == "finish"
    assert sum(1 for e in events if e.kind == "advance") == 8  # 7 framework files + 1 of dart:ui

    folder = sdk_index_dir(FlutterSdk(sdk.resolve()))
    assert folder.parent == tmp_path / "cache" / "api-index" and folder.name.startswith("3.22.0-")
    marker = json.loads((folder / MARKER_NAME).read_text())
    assert marker["kind"] == "api-index" and marker["files"] == [INDEX_NAME]
    assert flutter_index(str(sdk)) is index  # kept in the process

    monkeypatch.setattr(module, "_answers", {})
    monkeypatch.setattr(module, "build_flutter_index", lambda *a, **k: pytest.fail("rebuilt"))
    again = flutter_index(str(sdk))  # a new process: read from the cache
    assert again.to_json() == index.to_json()


def test_another_sdk_version_gets_its_own_index(tmp_path):
    old = FlutterSdk(fake_sdk(tmp_path / "old", "3.10.5").resolve())
    new = FlutterSdk(fake_sdk(tmp_path / "new", "3.22.0").resolve())
    assert sdk_index_dir(old) != sdk_index_dir(new)
    assert sdk_index_dir(old) == sdk_index_dir(FlutterSdk(fake_sdk(tmp_path / "copy", "3.10.5").resolve()))


def test_an_sdk_without_sky_engine_takes_dart_ui_from_the_shipped_index(tmp_path):
    sdk = fake_sdk(tmp_path / "flutter", sky_engine=False)
    index = flutter_index(str(sdk))
    assert index.find_class("Duration").library == "dart:core"  # from the shipped index
    assert index.find_class("Padding").library == "package:flutter/src/widgets/text.dart"  # from this SDK


def test_a_damaged_cache_is_built_again(tmp_path, monkeypatch):
    sdk = fake_sdk(tmp_path / "flutter")
    flutter_index(str(sdk))
    folder = sdk_index_dir(FlutterSdk(sdk.resolve()))
    (folder / INDEX_NAME).write_bytes(b"not gzip")
    monkeypatch.setattr(module, "_answers", {})
    assert flutter_index(str(sdk)).find_class("Padding") is not None
    assert module.ApiIndex.load(folder / INDEX_NAME).find_class("Padding") is not None
