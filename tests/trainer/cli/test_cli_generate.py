"""`flutter-tune generate` with a Flutter SDK (the stand-in `dart`): the widget checked as a new file of the
project, the analyzer's verdict on stderr, the project never written; a wrong SDK or project folder is refused
before the model loads."""

from __future__ import annotations

import json

import pytest

from server.cli import main


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FLUTTER_TUNE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FLUTTER_ROOT", raising=False)
    return tmp_path / "home"


def test_generate_prints_the_analyzers_verdict(tiny_model_dir, home, flutter_project, fake_flutter_sdk, tmp_path,
                                               monkeypatch, capsys, tree_snapshot):
    log = tmp_path / "dart-runs.jsonl"
    monkeypatch.setenv("FAKE_DART_LOG", str(log))
    before = tree_snapshot(flutter_project)
    code = main(["generate", "A card with a title", "--base", str(tiny_model_dir), "--adapter", "none",
                 "--quantization", "none", "--device", "cpu", "--max-new-tokens", "12", "--candidates", "2", "--temperature", "1.0", "--top-p", "1.0", "--seed", "1",
                 "--flutter-sdk", str(fake_flutter_sdk), "--project", str(flutter_project)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "flutter-tune: Dart analyzer: " in err and "error(s)" in err  # the random model's text does not parse
    assert "flutter-tune: Dart analyzer:" not in out
    runs = [json.loads(line)["argv"][0] for line in log.read_text().splitlines()]
    assert runs == ["format", "analyze"]
    assert tree_snapshot(flutter_project) == before


@pytest.mark.parametrize("flag,message", [("--flutter-sdk", "no Flutter SDK"), ("--project", "no pubspec.yaml")])
def test_a_folder_that_is_no_sdk_or_project_is_refused_before_loading(home, tmp_path, capsys, flag, message):
    assert main(["generate", "A card", "--base", "/does/not/exist", "--adapter", "none", flag, str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
