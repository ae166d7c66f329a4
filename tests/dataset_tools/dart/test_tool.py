"""Running `dart`: which executable, the machine output read back, formatting in place, and every way a run
can go wrong (a crash, output that is not the machine format, a hang, a cancel) raising DartToolError."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from dataset_tools.dart.tool import DartTool, DartToolError, find_dart


@pytest.fixture
def dart(fake_flutter_sdk):
    return DartTool(fake_flutter_sdk / "bin" / "dart")


def make_dart_sdk(root):
    (root / "bin").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "version").write_text("3.99.0\n")
    (root / "bin" / "dart").write_text("#!/bin/sh\n")
    return root


def test_the_configured_sdk_its_shipped_dart_a_dart_sdk_and_a_relative_path(fake_flutter_sdk, tmp_path, no_sdk_around):
    assert find_dart(fake_flutter_sdk).executable == fake_flutter_sdk / "bin" / "dart"
    dart_sdk = make_dart_sdk(tmp_path / "dart-sdk")
    assert find_dart(dart_sdk).executable == dart_sdk / "bin" / "dart"
    project = tmp_path / "app"
    (project / ".fvm").mkdir(parents=True)
    (project / ".fvm" / "flutter_sdk").symlink_to(fake_flutter_sdk)
    assert find_dart(".fvm/flutter_sdk", bases=[tmp_path / "other", project]).executable.name == "dart"
    assert find_dart("nowhere") is None and find_dart(None) is None


def test_a_flutter_sdk_runs_the_dart_it_ships_rather_than_its_wrapper(tmp_path, fake_flutter_sdk, no_sdk_around):
    sdk = tmp_path / "flutter"
    (sdk / "packages" / "flutter" / "lib").mkdir(parents=True)
    (sdk / "bin").mkdir()
    (sdk / "bin" / "dart").write_text("#!/bin/sh\n")
    make_dart_sdk(sdk / "bin" / "cache" / "dart-sdk")
    assert find_dart(sdk).executable == sdk / "bin" / "cache" / "dart-sdk" / "bin" / "dart"


def test_without_a_setting_flutter_root_is_used(fake_flutter_sdk, monkeypatch, no_sdk_around):
    monkeypatch.setenv("FLUTTER_ROOT", str(fake_flutter_sdk))
    assert find_dart(None).executable == fake_flutter_sdk.resolve() / "bin" / "dart"


def test_analyze_reads_the_diagnostics_back(dart, tmp_path):
    file = tmp_path / "a|b.dart"  # a pipe in the path is escaped in the machine format
    file.write_text("Widget build() {\n  final unused = 1;\n  return Text('x', color: red);\n}\n")
    found = dart.analyze(file, cwd=tmp_path)
    assert [(d.severity, d.code, d.line, d.column, d.file) for d in found] == [
        ("WARNING", "UNUSED_LOCAL_VARIABLE", 2, 9, str(file)),
        ("ERROR", "UNDEFINED_NAMED_PARAMETER", 3, 20, str(file))]
    assert found[1].message == "The named parameter 'color' isn't defined."


def test_format_rewrites_files_in_place_and_leaves_one_it_cannot_parse(dart, tmp_path):
    good, bad = tmp_path / "good.dart", tmp_path / "bad.dart"
    good.write_text("class A {\n        int x = 1;   \n\n\n}")
    bad.write_text("class B {\n  int y = (;\n")
    dart.format([good, bad], cwd=tmp_path)
    assert good.read_text() == "class A {\n  int x = 1;\n\n}\n"
    assert bad.read_text() == "class B {\n  int y = (;\n"


@pytest.mark.parametrize("mode,message", [("crash", "exit code 255: #0"), ("garbage", "printed none")])
def test_a_run_that_cannot_be_trusted_raises(dart, tmp_path, monkeypatch, mode, message):
    (tmp_path / "a.dart").write_text("void main() {}\n")
    monkeypatch.setenv("FAKE_DART_MODE", mode)
    with pytest.raises(DartToolError, match=message):
        dart.analyze(tmp_path / "a.dart", cwd=tmp_path)


def test_a_hanging_dart_is_stopped_with_its_process_group(dart, tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("FAKE_DART_MODE", "hang")
    monkeypatch.setenv("FAKE_DART_LOG", str(log))
    started = time.monotonic()
    with pytest.raises(DartToolError, match="longer than 1 s") as caught:
        dart.format([tmp_path / "a.dart"], cwd=tmp_path, timeout=1)
    assert time.monotonic() - started < 10 and not caught.value.cancelled
    assert json.loads(log.read_text())["argv"][0] == "format"


def test_a_cancel_stops_the_run(dart, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_DART_MODE", "hang")
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    with pytest.raises(DartToolError) as caught:
        dart.analyze(tmp_path, cwd=tmp_path, timeout=60, cancel=cancel)
    assert caught.value.cancelled


def test_a_missing_executable_raises(tmp_path):
    with pytest.raises(DartToolError, match="could not start"):
        DartTool(tmp_path / "no-dart").analyze(tmp_path, cwd=tmp_path)
    assert os.path.exists(tmp_path)
