"""The dataset folder: split files loadable with `datasets`, the manifest, merged pairs, atomic writes."""

from __future__ import annotations

import json

import pytest

from dataset_tools import __version__
from dataset_tools.dataset import DatasetConfig, build_dataset
from dataset_tools.errors import FlutterTuneError
from dataset_tools.inputs import load_json_array, load_records
from dataset_tools.pipeline import harvest_to_dataset

WIDGET = ("/// Widget number {i}.\nclass W{i} extends StatelessWidget {{\n  const W{i}({{super.key}});\n"
          "  Widget build(BuildContext context) => {body};\n}}\n")
BODIES = ["Text('a')", "const Icon(Icons.add)", "Column(children: [Text('x'), Text('y')])",
          "Card(child: Padding(padding: EdgeInsets.all(8), child: Text('card')))",
          "ListView(children: const [ListTile(title: Text('one'))])", "const Divider()",
          "Row(children: [Expanded(child: Text('left')), Text('right')])", "const CircularProgressIndicator()"]


@pytest.fixture
def project(make_project):
    files = {f"lib/w{i}.dart": WIDGET.format(i=i, body=body) for i, body in enumerate(BODIES)}
    files["lib/copy.dart"] = WIDGET.format(i=0, body=BODIES[0])  # an exact duplicate of w0
    files["test/w_test.dart"] = "void main() {}"
    return make_project(files)


def read_split(folder, name):
    return [json.loads(line) for line in (folder / f"{name}.jsonl").read_text().splitlines()]


def test_harvest_writes_splits_and_manifest(project, tmp_path):
    out = tmp_path / "ds"
    result = harvest_to_dataset([project], out)
    assert sorted(p.name for p in out.iterdir()) == [".flutter-tune.json", "harvest_cache.jsonl", "manifest.json",
                                                      "symbols.json.gz", "test.jsonl", "train.jsonl", "validation.jsonl"]
    assert json.loads((out / ".flutter-tune.json").read_text())["files"] == [
        "harvest_cache.jsonl", "manifest.json", "symbols.json.gz", "test.jsonl", "train.jsonl", "validation.jsonl"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest == result.manifest
    assert manifest["version"] == __version__
    assert manifest["counts"]["total"] == 8 and manifest["dedup"] == {"exact": 1, "near": 0}
    assert sum(manifest["counts"][s] for s in ("train", "validation", "test")) == 8
    assert all(manifest["counts"][s] >= 1 for s in ("train", "validation", "test"))
    assert manifest["kinds"] == {"stateless": 8}
    assert manifest["instruction_sources"] == {"doc": 8}
    assert manifest["skips"] == {"test": 1}
    assert manifest["sources"] == [str(project)] and manifest["files_seen"] == 9
    assert manifest["symbols"] == {"file": "symbols.json.gz", "classes": 8, "functions": 0,  # W0..W7
                                   "extension_members": 0, "packages": [], "unindexed": []}
    lengths = manifest["token_lengths"]
    assert lengths["counter"] == "regex" and 0 < lengths["p50"] <= lengths["p90"] <= lengths["max"]
    records = [r for s in ("train", "validation", "test") for r in read_split(out, s)]
    assert len(records) == 8 and all(r["instruction"].startswith("Widget number") for r in records)


def test_splits_load_with_datasets(project, tmp_path):
    from datasets import load_dataset

    out = tmp_path / "ds"
    harvest_to_dataset([project], out)
    ds = load_dataset("json", data_files={s: str(out / f"{s}.jsonl") for s in ("train", "validation", "test")})
    assert sum(ds[s].num_rows for s in ds) == 8
    assert {"instruction", "input", "output", "kind", "instruction_source"} <= set(ds["train"].column_names)


def test_manual_pairs_and_augmentation(project, tmp_path):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps([
        {"instruction": "A red button", "input": "", "output": "ElevatedButton(onPressed: null, child: Text('x'))"},
        {"instruction": "A blue chip", "output": "Chip(label: Text('blue'))"},
    ]))
    out = tmp_path / "ds"
    manifest = harvest_to_dataset([project], out, dataset_config=DatasetConfig(augment=2),
                                  extra_files=[pairs]).manifest
    assert manifest["instruction_sources"] == {"augmented": 20, "doc": 8, "manual": 2}
    assert manifest["counts"]["total"] == 30 and manifest["manual_samples"] == 2
    everything = [r for s in ("train", "validation", "test") for r in read_split(out, s)]
    manual = [r for r in everything if r["instruction_source"] == "manual"]
    assert {r["instruction"] for r in manual} == {"A red button", "A blue chip"}
    # Augmented copies share their original's file, hence its split.
    for split in ("train", "validation", "test"):
        sources = {r["source"] for r in read_split(out, split) if r["instruction_source"] == "augmented"}
        assert sources <= {r["source"] for r in read_split(out, split) if r["instruction_source"] != "augmented"}


@pytest.mark.parametrize("content, message", [
    ("{}", "expected a JSON array"),
    ("[{\"instruction\": \"x\", \"output\": \"y\"}, {\"instruction\": \"\", \"output\": \"y\"}]",
     "entry 1: \"instruction\" must be a non-empty string"),
    ("[{\"instruction\": \"x\", \"output\": 3}]", "entry 0: \"output\" must be a non-empty string"),
    ("[\"just text\"]", "entry 0: expected an object"),
    ("[{\"instruction\": \"x\",\n \"output\": }]", ":2: not valid JSON"),
])
def test_bad_pairs_files_name_file_and_entry(tmp_path, content, message):
    path = tmp_path / "pairs.json"
    path.write_text(content)
    with pytest.raises(FlutterTuneError) as info:
        load_json_array(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_rebuild_from_a_dataset_folder_is_stable(project, tmp_path):
    first = tmp_path / "ds1"
    harvest_to_dataset([project], first)
    second = tmp_path / "ds2"
    build_dataset(load_records(first), second)
    for split in ("train", "validation", "test"):
        assert read_split(first, split) == read_split(second, split)


def test_failure_mid_write_keeps_the_previous_dataset(project, tmp_path, monkeypatch):
    out = tmp_path / "ds"
    harvest_to_dataset([project], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def explode(folder, manifest):
        assert (folder / "train.jsonl").exists()  # the split files were already written in the temp folder
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dataset_tools.dataset._write_manifest", explode)
    with pytest.raises(FlutterTuneError, match=f"{out}.*No space left on device"):
        harvest_to_dataset([project], out, dataset_config=DatasetConfig(seed=5))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app", "ds"]  # no half folder left beside it


def test_failure_on_first_write_leaves_nothing(project, tmp_path, monkeypatch):
    out = tmp_path / "fresh"
    monkeypatch.setattr("dataset_tools.dataset._write_manifest",
                        lambda folder, manifest: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        harvest_to_dataset([project], out)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["app"]
