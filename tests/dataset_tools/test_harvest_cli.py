"""`flutter-tune harvest` / `flutter-tune dataset`: the summary, and clear errors (exit 2) for bad input."""

from __future__ import annotations

import json

import pytest

from server.cli import main

W = "/// Tile {i}.\nclass T{i} extends StatelessWidget {{ Widget build(BuildContext c) => Text('{i}' * {i}); }}\n"


@pytest.fixture
def project(make_project):
    return make_project({f"lib/t{i}.dart": W.format(i=i) for i in range(6)})


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_harvest_prints_summary(project, tmp_path, capsys):
    out = tmp_path / "ds"
    code, stdout, stderr = run(["harvest", str(project), "-o", str(out), "--progress-json"], capsys)
    assert code == 0, stderr
    assert f"Dataset written to {out}" in stdout
    assert "train" in stdout and "validation" in stdout and "stateless 6" in stdout and "doc 6" in stdout
    events = [json.loads(line) for line in stderr.splitlines()]
    assert events[0]["kind"] == "start" and events[-1]["kind"] == "finish"
    assert sum(1 for e in events if e["kind"] == "advance") == 6 and events[-1]["percent"] == 100
    assert json.loads((out / "manifest.json").read_text())["counts"]["total"] == 6


def test_default_output_is_under_flutter_tune_home(project, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FLUTTER_TUNE_HOME", str(tmp_path / "home"))
    code, stdout, _ = run(["harvest", str(project), "--progress-json"], capsys)
    assert code == 0 and (tmp_path / "home" / "dataset" / "train.jsonl").is_file()


def test_dataset_rebuilds_from_folder_and_pairs(project, tmp_path, capsys):
    first = tmp_path / "ds"
    assert run(["harvest", str(project), "-o", str(first), "--progress-json"], capsys)[0] == 0
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps([{"instruction": "A chip", "input": "", "output": "Chip(label: Text('a'))"}]))
    out = tmp_path / "merged"
    code, stdout, stderr = run(["dataset", "--from", str(first), str(pairs), "-o", str(out), "--seed", "3"], capsys)
    assert code == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["total"] == 7 and manifest["seed"] == 3
    assert manifest["instruction_sources"] == {"doc": 6, "manual": 1}


@pytest.mark.parametrize("case", ["missing_root", "empty_project", "output_is_file", "bad_extra",
                                  "missing_from", "negative_jobs"])
def test_bad_input_exits_2_with_a_message(case, project, tmp_path, capsys):
    out = tmp_path / "ds"
    if case == "missing_root":
        argv, named = ["harvest", str(tmp_path / "nope"), "-o", str(out)], tmp_path / "nope"
    elif case == "empty_project":
        empty = tmp_path / "empty"
        (empty / "lib").mkdir(parents=True)
        (empty / "lib" / "model.dart").write_text("class Trail { final String name = ''; }\n")
        argv, named = ["harvest", str(empty), "-o", str(out)], empty
    elif case == "output_is_file":
        out.write_text("not a folder")
        argv, named = ["harvest", str(project), "-o", str(out)], out
    elif case == "bad_extra":
        bad = tmp_path / "pairs.json"
        bad.write_text('[{"instruction": "x"}]')
        argv, named = ["harvest", str(project), "-o", str(out), "--extra", str(bad)], bad
    elif case == "missing_from":
        argv, named = ["dataset", "--from", str(tmp_path / "none.jsonl"), "-o", str(out)], tmp_path / "none.jsonl"
    else:
        argv, named = ["harvest", str(project), "--jobs", "-1", "-o", str(out)], "--jobs"
    code, stdout, stderr = run(argv + ["--progress-json"], capsys)
    assert code == 2
    error = [line for line in stderr.splitlines() if line.startswith("flutter-tune: error:")]
    assert len(error) == 1 and str(named) in error[0]
    assert "Traceback" not in stderr
    if case != "output_is_file":
        assert not out.exists()
    else:
        assert out.read_text() == "not a folder"
