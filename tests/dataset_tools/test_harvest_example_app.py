"""Integration: harvesting the bundled example app yields its widgets, with every trap skipped or handled."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from dataset_tools.harvest import harvest
from dataset_tools.pipeline import harvest_to_dataset


@pytest.fixture(scope="module")
def app(examples_dir) -> Path:
    root = Path(examples_dir) / "trail_journal"
    assert (root / "lib").is_dir(), "examples/trail_journal is missing"
    return root


@pytest.fixture(scope="module")
def result(app):
    return harvest([app])


def lib_files(app):
    """Every .dart file under lib/ with its raw bytes, so the traps are found whatever their names."""
    return {p.relative_to(app).as_posix(): p.read_bytes() for p in sorted((app / "lib").rglob("*.dart"))}


def test_counts_are_sensible(result):
    kinds = Counter(s["kind"] for s in result.samples)
    assert len(result.samples) >= 40
    for kind in ("stateless", "stateful", "consumer", "hook", "custom_widget", "function", "method"):
        assert kinds[kind] >= 1, kind
    origins = Counter(s["instruction_source"] for s in result.samples)
    assert origins["doc"] >= 10 and origins["synthesized"] >= 10
    assert result.files_harvested >= 15
    names = [(s["source"], s["name"]) for s in result.samples]
    assert len(names) == len(set(names))


def test_traps_are_skipped(app, result):
    sources = {s["source"] for s in result.samples}
    files = lib_files(app)
    generated_suffix = [f for f in files if f.endswith((".g.dart", ".freezed.dart"))]
    header = [f for f, b in files.items() if b"GENERATED CODE" in b[:1024] and not f.endswith((".g.dart", ".freezed.dart"))]
    latin = []
    for f, b in files.items():
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            latin.append(f)
    assert generated_suffix and header and latin
    assert not sources & set(generated_suffix + header + latin)
    assert not any(s.startswith(("test/", "build/", ".dart_tool/")) for s in sources)
    skips = result.skips
    assert skips["generated_suffix"] == len(generated_suffix)
    assert skips["generated_header"] == len(header)
    assert skips["invalid_utf8"] == len(latin)
    assert skips["test"] >= 1 and skips["build_dir"] == 1 and skips["dart_tool"] == 1
    assert skips["syntax_error"] >= 1


def test_crlf_bom_and_part_files_are_harvested_cleanly(app, result):
    files = lib_files(app)
    crlf = [f for f, b in files.items() if b"\r\n" in b]
    bom = [f for f, b in files.items() if b.startswith(b"\xef\xbb\xbf")]
    part_of = [f for f, b in files.items() if b.lstrip(b"\xef\xbb\xbf").startswith(b"part of")
               or b"\npart of " in b]
    by_source = Counter(s["source"] for s in result.samples)
    for f in crlf + bom + part_of:
        if f.endswith((".g.dart", ".freezed.dart")):
            continue
        assert by_source[f] >= 1, f
    for s in result.samples:
        assert "\r" not in s["output"] and "\ufeff" not in s["output"]


def test_broken_file_keeps_its_intact_widgets_only(app, result):
    from dataset_tools.dart import parse

    broken = [f for f, b in lib_files(app).items()
              if not f.endswith((".g.dart", ".freezed.dart")) and _utf8(b) and parse(b).root_node.has_error]
    assert broken, "the example app should hold a syntactically broken file"
    for f in broken:
        for s in result.samples:
            if s["source"] == f:
                assert not parse(s["output"].encode()).root_node.has_error, s["name"]


def _utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_example_dataset_has_all_splits(app, tmp_path):
    manifest = harvest_to_dataset([app], tmp_path / "ds").manifest
    assert all(manifest["counts"][s] >= 1 for s in ("train", "validation", "test"))
    written = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    assert written["counts"] == manifest["counts"] and written["skips"]["invalid_utf8"] >= 1
