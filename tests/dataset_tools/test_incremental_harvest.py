"""Harvesting into an earlier dataset: only changed files are parsed, an unchanged tree writes nothing,
files keep their splits, deleted files leave, and the manifest says what changed."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dataset_tools import harvest as harvest_module
from dataset_tools import harvest_cache, warm
from dataset_tools.artifacts import MARKER_NAME
from dataset_tools.harvest import HarvestConfig
from dataset_tools.harvest_cache import CACHE_NAME, HarvestCache
from dataset_tools.pipeline import PipelineResult, harvest_to_dataset
from dataset_tools.split import group_key, place_new_groups

WIDGET = ("/// Widget number {i}.\nclass W{i} extends StatelessWidget {{\n  const W{i}({{super.key}});\n"
          "  Widget build(BuildContext context) => {body};\n}}\n")


def widget(i: int, text: str = "w") -> str:
    return WIDGET.format(i=i, body=f"Text('{text} {i}', maxLines: {i % 7 + 1})")


@pytest.fixture
def app(make_project):
    return make_project({f"lib/w{i}.dart": widget(i) for i in range(20)})


@pytest.fixture
def parsed(monkeypatch):
    """The files pass 1 parses in this process, by path."""
    seen: list[str] = []
    real = harvest_module.process_file

    def counting(path, max_bytes=None):
        seen.append(path)
        return real(path, max_bytes)

    monkeypatch.setattr(harvest_module, "process_file", counting)
    return seen


def splits_of(out) -> dict[str, str]:
    return {group_key(r): split for split in ("train", "validation", "test")
            for r in map(json.loads, (out / f"{split}.jsonl").read_text().splitlines())}


def test_an_unchanged_tree_is_neither_parsed_nor_written(app, tmp_path, parsed):
    out = tmp_path / "ds"
    first = harvest_to_dataset([app], out)
    assert not first.unchanged and len(parsed) == 20 and first.manifest["files_reread"] == 20
    assert len(HarvestCache.load(out / CACHE_NAME).signatures) == 20  # dedup's, for the next harvest
    assert "changes" not in first.manifest  # a first harvest has nothing to compare with
    marker = (out / MARKER_NAME).stat().st_mtime_ns
    parsed.clear()
    again = harvest_to_dataset([app], out)
    assert again.unchanged and again.harvest is None and parsed == []
    assert again.manifest == first.manifest and (out / MARKER_NAME).stat().st_mtime_ns == marker


def test_a_changed_file_alone_is_parsed_again_and_the_manifest_names_it(app, tmp_path, parsed):
    out = tmp_path / "ds"
    harvest_to_dataset([app], out)
    parsed.clear()
    (app / "lib" / "w3.dart").write_text(widget(3, "changed"))
    (app / "lib" / "w20.dart").write_text(widget(20))
    (app / "lib" / "w5.dart").unlink()
    result = harvest_to_dataset([app], out)
    assert sorted(parsed) == [str(app / "lib" / "w20.dart"), str(app / "lib" / "w3.dart")]
    changes = result.manifest["changes"]
    assert (changes["files_added"], changes["files_changed"], changes["files_removed"]) == (1, 1, 1)
    assert changes["files_removed_paths"] == [str(app / "lib" / "w5.dart")]
    assert sum(changes[s]["added"] for s in ("train", "validation", "test")) == 2  # w3 anew, w20
    assert sum(changes[s]["removed"] for s in ("train", "validation", "test")) == 2  # w3 as it was, w5
    outputs = [json.loads(line)["output"] for s in ("train", "validation", "test")
               for line in (out / f"{s}.jsonl").read_text().splitlines()]
    assert any("changed 3" in o for o in outputs) and not any("class W5 " in o for o in outputs)
    assert any("class W20 " in o for o in outputs)


def test_files_keep_their_split_as_the_project_grows_and_with_full(app, tmp_path):
    out = tmp_path / "ds"
    harvest_to_dataset([app], out)
    before = splits_of(out)
    assert set(before.values()) == {"train", "validation", "test"}
    for i in range(20, 60):  # three times as many files: the cut points of a fresh split would move
        (app / "lib" / f"w{i}.dart").write_text(widget(i))
    harvest_to_dataset([app], out)
    after = splits_of(out)
    assert {key: after[key] for key in before} == before and len(after) == 60
    harvest_to_dataset([app], out, HarvestConfig(full=True))
    assert splits_of(out) == after


def test_new_groups_are_placed_by_their_own_hash():
    known = {"a": "test"}
    placed = place_new_groups(["a", "b", "c"] + [f"k{i}" for i in range(1000)], known)
    assert placed["a"] == "test"  # where it was, whatever its hash says
    shares = {s: sum(1 for v in placed.values() if v == s) / len(placed) for s in ("train", "validation", "test")}
    assert 0.75 < shares["train"] < 0.85 and 0.07 < shares["validation"] < 0.13
    assert place_new_groups(["b", "c"], {"z": "train"}) == {k: placed[k] for k in ("b", "c")}  # one never moves another


def test_a_damaged_or_outdated_cache_reads_every_file_again(app, tmp_path, parsed, monkeypatch):
    out = tmp_path / "ds"
    harvest_to_dataset([app], out)
    (app / "lib" / "w1.dart").write_text(widget(1, "again"))
    (out / CACHE_NAME).write_bytes(b"{not json")
    warm.forget()  # a new process: the cache is read from the disk
    parsed.clear()
    result = harvest_to_dataset([app], out)
    assert len(parsed) == 20 and result.manifest["counts"]["total"] == 20
    assert HarvestCache.load(out / CACHE_NAME).files  # written anew
    (app / "lib" / "w2.dart").write_text(widget(2, "again"))
    monkeypatch.setattr(harvest_cache, "extractor_version", lambda: "another extractor")
    warm.forget()
    parsed.clear()
    harvest_to_dataset([app], out)
    assert len(parsed) == 20


def test_another_size_cap_is_another_input(app, tmp_path, parsed):
    out = tmp_path / "ds"
    harvest_to_dataset([app], out)
    parsed.clear()
    result = harvest_to_dataset([app], out, HarvestConfig(max_file_kb=1000))
    assert not result.unchanged and len(parsed) == 20  # what was too large may not be any more


def test_a_dataset_written_again_on_its_own_keeps_its_seed_and_ratios(app, tmp_path):
    from dataset_tools.dataset import DatasetConfig
    from dataset_tools.pipeline import dataset_config_of

    out = tmp_path / "ds"
    first = harvest_to_dataset([app], out, dataset_config=DatasetConfig(seed=7, ratios=(0.6, 0.2, 0.2)))
    config = dataset_config_of(first.manifest)
    assert (config.seed, config.ratios, config.augment) == (7, (0.6, 0.2, 0.2), 0)
    before = splits_of(out)
    (app / "lib" / "w99.dart").write_text(widget(99))
    harvest_to_dataset([app], out, dataset_config=config)
    assert {key: split for key, split in splits_of(out).items() if key in before} == before


def _written(out) -> dict[str, str]:
    return {name: (out / name).read_text() for name in ("train.jsonl", "validation.jsonl", "test.jsonl")}


ROOT = Path(__file__).resolve().parents[2]
NEW_PROCESS = """
import sys
from pathlib import Path
from dataset_tools.pipeline import harvest_to_dataset
harvest_to_dataset([Path(sys.argv[1])], Path(sys.argv[2]))
"""


def test_a_harvest_in_the_same_process_starts_from_what_it_wrote(app, tmp_path, parsed, monkeypatch):
    """The cache and splits the last harvest wrote come from memory, and what is written is what a
    new process, reading them from the disk, writes."""
    out, cold = tmp_path / "ds", tmp_path / "cold"
    harvest_to_dataset([app], out)
    shutil.copytree(out, cold)  # the same dataset, in a folder this process did not write
    (app / "lib" / "w3.dart").write_text(widget(3, "changed"))
    (app / "lib" / "w20.dart").write_text(widget(20))
    with monkeypatch.context() as patched:
        def unread(*_args, **_kwargs):
            raise AssertionError("read from the disk")

        patched.setattr(HarvestCache, "load", classmethod(unread))
        patched.setattr("dataset_tools.pipeline.read_jsonl", unread)
        parsed.clear()
        from_memory = harvest_to_dataset([app], out)
    assert sorted(parsed) == sorted([str(app / "lib" / "w3.dart"), str(app / "lib" / "w20.dart")])
    subprocess.run([sys.executable, "-c", NEW_PROCESS, str(app), str(cold)], check=True, cwd=ROOT)
    from_disk = PipelineResult(None, json.loads((cold / "manifest.json").read_text()), cold)
    assert from_memory.manifest["changes"]["files_added"] == 1 and from_memory.manifest["changes"]["files_changed"] == 1
    for key in ("counts", "files_reread", "dedup", "token_lengths"):
        assert from_memory.manifest[key] == from_disk.manifest[key]
    assert {k: v for k, v in from_memory.manifest["changes"].items() if k != "files_added_paths"} == \
        {k: v for k, v in from_disk.manifest["changes"].items() if k != "files_added_paths"}
    assert _written(out) == _written(cold)
    assert HarvestCache.load(out / CACHE_NAME).files == HarvestCache.load(cold / CACHE_NAME).files
    assert gzip.decompress((out / "symbols.json.gz").read_bytes()) == gzip.decompress((cold / "symbols.json.gz").read_bytes())


def test_a_dataset_another_writer_replaced_is_read_from_the_disk(app, tmp_path, parsed):
    out = tmp_path / "ds"
    harvest_to_dataset([app], out)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["write_id"] = "another process"
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "train.jsonl").write_text("")  # what the other writer left: nothing in train
    (app / "lib" / "w1.dart").write_text(widget(1, "again"))
    result = harvest_to_dataset([app], out)
    train = result.manifest["changes"]["train"]  # compared with the disk's train split, not memory's
    assert train == {"added": result.manifest["counts"]["train"], "removed": 0} and train["added"] > 10


def test_a_file_is_hashed_again_only_when_it_changed_or_was_just_written(tmp_path, monkeypatch):
    path = tmp_path / "a.dart"
    path.write_text("class A {}")
    hashed = []
    real = warm.content_hash
    monkeypatch.setattr(warm, "content_hash", lambda data: hashed.append(data) or real(data))
    assert warm.file_sha(str(path)) == warm.file_sha(str(path)) == real(b"class A {}")
    assert len(hashed) == 2  # written just now: a write in the same clock tick could keep its time
    old = path.stat().st_mtime_ns - 10 * 10**9
    os.utime(path, ns=(old, old))
    warm.file_sha(str(path))
    hashed.clear()
    assert warm.file_sha(str(path)) == real(b"class A {}") and hashed == []  # unchanged: from memory
    path.write_text("class B {}")  # the same size, another time
    assert warm.file_sha(str(path)) == real(b"class B {}") and len(hashed) == 1
    path.unlink()
    assert warm.file_sha(str(path)) is None


def test_a_cache_written_again_serialises_only_the_entries_that_changed(app, tmp_path, monkeypatch):
    out = tmp_path / "ds"
    harvest_to_dataset([app], out)
    cache = HarvestCache.load(out / CACHE_NAME)
    made = []
    real = harvest_cache._converter.unstructure
    monkeypatch.setattr(harvest_cache._converter, "unstructure", lambda *a: made.append(a[0]) or real(*a))
    cache.save(tmp_path / "again.jsonl")
    assert made == [] and (tmp_path / "again.jsonl").read_bytes() == (out / CACHE_NAME).read_bytes()
    path = str(app / "lib" / "w1.dart")
    cache.files[path] = harvest_cache.CachedFile("another sha", decls=cache.files[path].decls)
    cache.save(tmp_path / "again.jsonl")
    assert made == [cache.files[path]]
    assert HarvestCache.load(tmp_path / "again.jsonl").files == cache.files
