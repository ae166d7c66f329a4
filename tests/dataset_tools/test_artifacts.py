"""No folder that is not ours is ever replaced or deleted (dataset_tools.artifacts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dataset_tools import artifacts
from dataset_tools.artifacts import MARKER_NAME, artifact_dir, check_replaceable, is_artifact, recover
from dataset_tools.errors import FlutterTuneError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def user_project(tmp_path) -> Path:
    """A Flutter project the user cares about."""
    project = tmp_path / "my_app"
    (project / "lib").mkdir(parents=True)
    (project / "lib" / "main.dart").write_text("void main() {}\n")
    (project / "pubspec.yaml").write_text("name: my_app\n")
    return project


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_harvest_into_a_project_folder_touches_nothing(user_project, examples_dir):
    before = snapshot(user_project)
    done = subprocess.run([sys.executable, "-m", "server.cli", "harvest", str(examples_dir / "trail_journal"),
                           "-o", str(user_project)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert str(user_project) in done.stderr and "not a Flutter Tune dataset folder" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert snapshot(user_project) == before
    assert sorted(p.name for p in user_project.parent.iterdir()) == ["my_app"]  # no temp folder beside it


@pytest.mark.parametrize("kind", sorted(artifacts.KINDS))
def test_every_kind_refuses_a_folder_that_is_not_ours(user_project, kind):
    before = snapshot(user_project)
    with pytest.raises(FlutterTuneError, match=str(user_project)):
        with artifact_dir(user_project, kind) as tmp:
            (tmp / "x").write_text("x")
    assert snapshot(user_project) == before


def test_our_artifact_of_another_kind_is_refused(tmp_path):
    with artifact_dir(tmp_path / "out", "report") as tmp:
        (tmp / "report.md").write_text("# r")
    with pytest.raises(FlutterTuneError, match="holds a Flutter Tune evaluation report folder, not a dataset"):
        check_replaceable(tmp_path / "out", "dataset")


def test_replacing_our_own_artifact_and_an_empty_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()  # empty: fine to use
    for text in ("one", "two"):
        with artifact_dir(out, "dataset") as tmp:
            (tmp / "train.jsonl").write_text(text)
        assert (out / "train.jsonl").read_text() == text
    assert json.loads((out / MARKER_NAME).read_text()) == {"tool": "flutter-tune", "kind": "dataset",
                                                            "version": artifacts.__version__,
                                                            "files": ["train.jsonl"]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_reharvesting_keeps_a_users_file_inside_the_dataset_folder(tmp_path, examples_dir):
    """The exact reproduction: harvest -o D, put my_pairs.json in D, harvest -o D --extra D/my_pairs.json."""
    out = tmp_path / "D"
    harvest = [sys.executable, "-m", "server.cli", "harvest", str(examples_dir / "trail_journal"), "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run(harvest, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env).returncode == 0
    mine = out / "my_pairs.json"
    mine.write_text(json.dumps([{"instruction": "A card", "output": "class A extends StatelessWidget {}"}]))
    before = snapshot(out)
    again = subprocess.run(harvest + ["--extra", str(mine)], cwd=ROOT, capture_output=True, text=True,
                           timeout=120, env=env)
    assert again.returncode == 2, again.stderr
    assert "my_pairs.json" in again.stderr and "did not write" in again.stderr
    assert "Traceback" not in again.stderr and len(again.stderr.strip().splitlines()) == 1
    assert snapshot(out) == before  # the user's file and the old dataset, untouched


@pytest.mark.parametrize("kind", sorted(artifacts.KINDS))
def test_every_kind_refuses_to_replace_its_folder_holding_a_users_file(tmp_path, kind):
    out = tmp_path / "out"
    with artifact_dir(out, kind) as tmp:
        (tmp / "ours.bin").write_text("ours")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(FlutterTuneError, match=r"did not write \(notes\.txt\)"):
        with artifact_dir(out, kind) as tmp:
            (tmp / "ours.bin").write_text("new")
    assert (out / "notes.txt").read_text() == "mine" and (out / "ours.bin").read_text() == "ours"
    assert not artifacts.remove_artifact(out, kind)  # nor deletes it
    assert (out / "notes.txt").read_text() == "mine"
    (out / "notes.txt").unlink()
    assert artifacts.remove_artifact(out, kind) and not out.exists()


def test_what_a_kind_adds_later_stays_ours(tmp_path):
    out = tmp_path / "ds"
    with artifact_dir(out, "dataset") as tmp:
        (tmp / "train.jsonl").write_text("")
    with artifact_dir(out / "retrieval", "retrieval-index") as tmp:
        (tmp / "meta.json").write_text("{}")
    assert artifacts.foreign_entries(out, "dataset") == []
    with artifact_dir(out, "dataset") as tmp:  # a re-harvest replaces it whole
        (tmp / "train.jsonl").write_text("new")
    assert not (out / "retrieval").exists()


def test_a_marker_without_a_file_list_covers_only_what_that_version_wrote(tmp_path):
    old = tmp_path / "ds"
    old.mkdir()
    (old / MARKER_NAME).write_text(json.dumps({"tool": "flutter-tune", "kind": "dataset", "version": "0.1.0"}))
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl", "manifest.json"):
        (old / name).write_text("")
    check_replaceable(old, "dataset")
    (old / "my_pairs.json").write_text("[]")
    with pytest.raises(FlutterTuneError, match="my_pairs.json"):
        check_replaceable(old, "dataset")


def test_a_dataset_written_by_version_0_1_is_still_ours(tmp_path):
    old = tmp_path / "ds"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps({"tool": "flutter-tune", "version": "0.1.0"}))
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl"):
        (old / name).write_text("")
    assert is_artifact(old, "dataset")
    (old / "notes.txt").write_text("mine")  # anything else in it: not provably ours any more
    assert not is_artifact(old, "dataset")


def test_a_symlink_target_is_refused(tmp_path, user_project):
    link = tmp_path / "link"
    link.symlink_to(user_project)
    with pytest.raises(FlutterTuneError, match="symbolic link"):
        check_replaceable(link, "dataset")


def test_without_atomic_exchange_a_failed_second_rename_puts_the_old_artifact_back(tmp_path, monkeypatch):
    out = tmp_path / "out"
    with artifact_dir(out, "dataset") as tmp:
        (tmp / "train.jsonl").write_text("old")
    monkeypatch.setattr(artifacts, "exchange", lambda a, b: False)
    real_rename = os.rename

    def rename(src, dst):
        if Path(src).name.startswith(".out.tmp-"):
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    monkeypatch.setattr(artifacts.os, "rename", rename)
    with pytest.raises(FlutterTuneError, match=f"{out}.*No space left"):
        with artifact_dir(out, "dataset") as tmp:
            (tmp / "train.jsonl").write_text("new")
    assert (out / "train.jsonl").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_artifact_left_aside_by_a_killed_process_comes_back(tmp_path):
    with artifact_dir(tmp_path / "out", "dataset") as tmp:
        (tmp / "train.jsonl").write_text("old")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    aside = tmp_path / f".out.old-{dead.stdout.strip()}-abcd1234"
    os.rename(tmp_path / "out", aside)  # as if killed between the two renames
    (tmp_path / f".out.tmp-{dead.stdout.strip()}-zzz").mkdir()  # and its half-made temp folder
    recover(tmp_path, "dataset")
    assert (tmp_path / "out" / "train.jsonl").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_folders_that_are_not_ours_are_never_cleaned_up(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    looks_like_ours = tmp_path / f".out.tmp-{dead.stdout.strip()}-zzz"
    looks_like_ours.mkdir()
    (looks_like_ours / "precious.txt").write_text("user data")
    recover(tmp_path, "dataset")
    assert (looks_like_ours / "precious.txt").read_text() == "user data"
