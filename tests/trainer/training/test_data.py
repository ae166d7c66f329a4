"""Dataset loading (JSONL, the guide's JSON array) and overlong-sample handling."""

import json

import pytest

from dataset_tools.errors import FlutterTuneError
from dataset_tools.inputs import load_file
from trainer.training.data import load_splits, prepare


def test_dataset_folder_splits_and_manifest_hash(dataset_dir):
    splits = load_splits(dataset_dir)
    assert len(splits.train) == 8 and len(splits.validation) == 2
    assert len(splits.manifest_hash) == 64


def test_guide_json_array_file(tmp_path, records):
    path = tmp_path / "train.json"
    path.write_text(json.dumps([{k: r[k] for k in ("instruction", "input", "output")} for r in records]))
    splits = load_splits(train_file=path)
    assert len(splits.train) == len(records) and splits.validation == []


def test_malformed_jsonl_names_file_and_line(tmp_path, records):
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps(records[0]) + "\n\n{not json}\n")
    with pytest.raises(FlutterTuneError, match=r"train\.jsonl:3"):
        load_file(path)


def test_unknown_format_names_the_record(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps({"prompt": "x", "completion": "y"}) + "\n")
    with pytest.raises(FlutterTuneError, match=r"train\.jsonl:1: \"instruction\" must be a non-empty string"):
        load_file(path)


def test_missing_and_empty_dataset(tmp_path):
    with pytest.raises(FlutterTuneError, match="harvest"):
        load_splits(tmp_path / "nowhere")
    (tmp_path / "train.jsonl").write_text("\n")
    with pytest.raises(FlutterTuneError, match="empty"):
        load_splits(tmp_path)


def test_overlong_samples_are_counted_then_truncated_or_dropped(smollm_tokenizer, records):
    long = dict(records[0], output=records[0]["output"] + "\n// padding" * 200)
    rows, stats = prepare(smollm_tokenizer, [long, records[1]], max_length=128, overlong="truncate")
    assert (stats.overlong, stats.truncated, stats.dropped, stats.samples) == (1, 1, 0, 2)
    assert stats.max_tokens == 128
    rows, stats = prepare(smollm_tokenizer, [long, records[1]], max_length=128, overlong="drop")
    assert (stats.overlong, stats.truncated, stats.dropped, stats.samples) == (1, 0, 1, 1)
    assert rows[0]["completion"].endswith(smollm_tokenizer.eos_token)
