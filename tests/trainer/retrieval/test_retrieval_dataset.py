"""load_or_build: train split only, stored with its hash, rebuilt when the dataset changes,
cached in-process, and quietly off (logged once) without a dataset."""

from __future__ import annotations

import json
import logging

import pytest

from dataset_tools.atomic_io import jsonl_text, write_json_atomic, write_text_atomic
from trainer.retrieval import examples as retrieval
from trainer.retrieval.examples import INDEX_DIRNAME, load_or_build
from trainer.retrieval.index import META_NAME, RetrievalIndex, file_sha256


@pytest.fixture(autouse=True)
def fresh_cache():
    retrieval.clear_cache()
    yield
    retrieval.clear_cache()


def write_dataset(folder, train, validation=(), test=()):
    for name, records in (("train", train), ("validation", validation), ("test", test)):
        write_text_atomic(folder / f"{name}.jsonl", jsonl_text(records))
    write_json_atomic(folder / "manifest.json", {"train": len(train), "test": len(test)})
    return folder


def test_index_holds_the_train_split_only(tmp_path, hand_made):
    test_sample = hand_made.pop(1)  # the login form is in the test split
    write_dataset(tmp_path, hand_made, test=[test_sample])
    index = load_or_build(tmp_path)
    assert index is not None and len(index) == len(hand_made)
    found = index.search(test_sample["instruction"], k=len(hand_made), context_code=test_sample["output"],
                         exclude=test_sample)
    assert found
    assert all(r["output"] != test_sample["output"] for r in found)
    assert "LoginForm" not in {r["name"] for r in found}


def test_index_is_saved_beside_the_dataset_with_the_train_hash(tmp_path, hand_made):
    write_dataset(tmp_path, hand_made)
    load_or_build(tmp_path)
    meta = json.loads((tmp_path / INDEX_DIRNAME / META_NAME).read_text())
    assert meta["source_sha256"] == file_sha256(tmp_path / "train.jsonl")
    assert meta["documents"] == len(hand_made)


def test_cached_in_process_and_loaded_from_disk_later(tmp_path, hand_made, monkeypatch):
    write_dataset(tmp_path, hand_made)
    first = load_or_build(tmp_path)
    assert load_or_build(tmp_path) is first  # same process: no work at all

    retrieval.clear_cache()  # as if in a new process: the saved index is loaded, not rebuilt

    def no_build(*args, **kwargs):
        raise AssertionError("the saved index should have been reused")

    monkeypatch.setattr(RetrievalIndex, "build", classmethod(no_build))
    again = load_or_build(tmp_path)
    assert again is not None and again is not first
    assert again.search("grid of products", k=1)[0]["name"] == "ProductGrid"


def test_rebuilt_when_train_jsonl_changes(tmp_path, hand_made, make_widget):
    write_dataset(tmp_path, hand_made)
    old = load_or_build(tmp_path)
    assert old.search("weather forecast temperature", k=1) == []

    weather = make_widget("WeatherCard", "A card with today's weather forecast.", "Card(child: Text(temperature))")
    write_dataset(tmp_path, hand_made + [weather])
    new = load_or_build(tmp_path)
    assert new is not old and len(new) == len(hand_made) + 1
    assert new.search("weather forecast temperature", k=1)[0]["name"] == "WeatherCard"
    meta = json.loads((tmp_path / INDEX_DIRNAME / META_NAME).read_text())
    assert meta["source_sha256"] == file_sha256(tmp_path / "train.jsonl")

    # An index saved from the older dataset is not reused by a fresh process either.
    write_dataset(tmp_path, hand_made)
    retrieval.clear_cache()
    assert load_or_build(tmp_path).search("weather forecast temperature", k=1) == []


def test_damaged_saved_index_is_rebuilt(tmp_path, hand_made, caplog):
    caplog.set_level(logging.INFO, logger="trainer.retrieval.examples")
    write_dataset(tmp_path, hand_made)
    load_or_build(tmp_path)
    retrieval.clear_cache()
    for path in (tmp_path / INDEX_DIRNAME).glob("*.npy"):
        path.write_bytes(b"not numpy")
    index = load_or_build(tmp_path)
    assert index.search("grid of products", k=1)[0]["name"] == "ProductGrid"
    assert any("Rebuilding the retrieval index" in r.getMessage() for r in caplog.records)
    retrieval.clear_cache()
    assert load_or_build(tmp_path) is not None  # the rebuilt index was saved and loads


def test_no_dataset_is_none_and_logged_once(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="trainer.retrieval.examples")
    for _ in range(3):
        assert load_or_build(tmp_path / "nothing-here") is None
    assert load_or_build(None) is None
    messages = [r.getMessage() for r in caplog.records if r.name == "trainer.retrieval.examples"]
    assert len([m for m in messages if "nothing-here" in m]) == 1
    assert "flutter-tune harvest" in messages[0]


def test_dataset_appearing_later_is_picked_up(tmp_path, hand_made):
    assert load_or_build(tmp_path) is None
    write_dataset(tmp_path, hand_made)
    assert load_or_build(tmp_path) is not None


def test_bad_or_empty_train_file_turns_retrieval_off_without_crashing(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="trainer.retrieval.examples")
    write_text_atomic(tmp_path / "train.jsonl", "")
    assert load_or_build(tmp_path) is None
    write_text_atomic(tmp_path / "train.jsonl", '{"instruction": "x", "output": "y"}\nnot json\n')
    assert load_or_build(tmp_path) is None
    assert load_or_build(tmp_path) is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "train.jsonl:2" in warnings[0]


def test_unwritable_dataset_folder_keeps_the_index_in_memory(tmp_path, hand_made, monkeypatch):
    write_dataset(tmp_path, hand_made)

    def refuse(self, folder):
        raise OSError("read-only file system")

    monkeypatch.setattr(RetrievalIndex, "save", refuse)
    index = load_or_build(tmp_path)
    assert index is not None and index.search("spinner", k=1)[0]["name"] == "LoadingSpinner"
