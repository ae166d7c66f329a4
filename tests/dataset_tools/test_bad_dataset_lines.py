"""A dataset line nested deeply enough to raise RecursionError is a bad line (file:line), never a crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dataset_tools.atomic_io import read_jsonl
from dataset_tools.errors import FlutterTuneError
from dataset_tools.inputs import load_records

ROOT = Path(__file__).resolve().parents[2]
DEEP = "[" * 200_000 + "]" * 200_000


@pytest.fixture
def deep_dataset(tmp_path) -> Path:
    folder = tmp_path / "ds"
    folder.mkdir()
    good = json.dumps({"instruction": "A red box.", "input": "", "output": "class RedBox extends StatelessWidget {}"})
    (folder / "train.jsonl").write_text(f"{good}\n{good}\n{DEEP}\n", encoding="utf-8")
    (folder / "validation.jsonl").write_text(f"{good}\n", encoding="utf-8")
    (folder / "test.jsonl").write_text(f"{good}\n", encoding="utf-8")
    return folder


def test_readers_name_the_file_and_line(deep_dataset):
    with pytest.raises(FlutterTuneError, match=rf"{deep_dataset / 'train.jsonl'}:3: JSON nested too deeply"):
        read_jsonl(deep_dataset / "train.jsonl")
    with pytest.raises(FlutterTuneError, match=r"train.jsonl:3"):
        load_records(deep_dataset)
    pairs = deep_dataset / "pairs.json"
    pairs.write_text(DEEP)
    with pytest.raises(FlutterTuneError, match="nested too deeply"):
        load_records(pairs)


def test_retrieval_turns_off_instead_of_failing(deep_dataset):
    from trainer.retrieval.examples import clear_cache, load_or_build, problem

    clear_cache()
    assert load_or_build(deep_dataset) is None
    assert "train.jsonl:3" in problem(deep_dataset)


@pytest.mark.parametrize("command", [["dataset", "--from", "{ds}", "-o", "{out}"],
                                     ["train", "--data", "{ds}", "--adapters-dir", "{out}"]])
def test_cli_reports_the_bad_line(deep_dataset, tmp_path, command):
    args = [a.format(ds=deep_dataset, out=tmp_path / "out") for a in command]
    done = subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr[-2000:]
    assert "train.jsonl:3" in done.stderr and "Traceback" not in done.stderr
