"""Bad input on the command line: one clear error naming the file, line or flag, never a traceback,
and refused before any slow work (issue: reliability, round two)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli import main

HUGE = "9" * 5000  # over Python's 4300-digit limit for int(str)


def error_of(capsys, argv: list[str]) -> str:
    """Run the CLI; it must fail with a usage or user error (exit 2) and no traceback."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err


def _records(n: int = 12) -> list[dict]:
    return [{"instruction": f"A widget number {i}", "input": "",
             "output": f"class W{i} extends StatelessWidget {{ Widget build(c) => Text('{i}'); }}"}
            for i in range(n)]


@pytest.fixture
def huge_number_jsonl(tmp_path) -> Path:
    lines = [json.dumps(r) for r in _records()]
    lines[6] = '{"instruction": "A", "input": "", "output": "x", "line": ' + HUGE + '}'
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_number_too_long_to_read_names_the_file_and_line(capsys, tmp_path, huge_number_jsonl, examples_dir):
    err = error_of(capsys, ["dataset", "--from", str(huge_number_jsonl), "-o", str(tmp_path / "ds")])
    assert f"{huge_number_jsonl}:7: a number in it cannot be read" in err

    data = tmp_path / "data"
    data.mkdir()
    (data / "train.jsonl").write_text(huge_number_jsonl.read_text())
    err = error_of(capsys, ["train", "--data", str(data), "--quantization", "none"])
    assert f"{data / 'train.jsonl'}:7: a number in it cannot be read" in err

    pairs = tmp_path / "pairs.json"
    pairs.write_text('[{"instruction": "A", "output": "x", "n": ' + HUGE + '}]')
    err = error_of(capsys, ["harvest", str(examples_dir / "trail_journal"), "-o", str(tmp_path / "ds2"),
                            "--extra", str(pairs)])
    assert f"{pairs}: a number in it cannot be read" in err
    assert not (tmp_path / "ds").exists() and not (tmp_path / "ds2").exists()


@pytest.mark.parametrize("argv, flag", [
    (["harvest", "PROJECT", "-o", "~nouser_ft/x"], "-o/--output"),
    (["harvest", "~nouser_ft/app"], "PATH"),
    (["train", "--data", "~nouser_ft/x"], "--data"),
    (["adapters", "--adapters-dir", "~nouser_ft/x"], "--adapters-dir"),
    (["eval", "--data", "~nouser_ft/x"], "--data"),
    (["export", "--merge", "-o", "~nouser_ft/m"], "-o/--output"),
])
def test_a_path_of_no_such_user_is_a_usage_error(capsys, examples_dir, argv, flag):
    argv = [str(examples_dir / "trail_journal") if a == "PROJECT" else a for a in argv]
    err = error_of(capsys, argv)
    assert f"argument {flag}" in err and "no user 'nouser_ft'" in err


@pytest.mark.parametrize("argv", [
    ["harvest", "PROJECT", "-o", ""], ["dataset", "--from", "", "-o", "x"], ["train", "--data", ""],
    ["eval", "-o", ""], ["adapters", "--adapters-dir", ""]])
def test_an_empty_path_is_refused_not_taken_for_the_default(capsys, examples_dir, tmp_path, monkeypatch, argv):
    argv = [str(examples_dir / "trail_journal") if a == "PROJECT" else a for a in argv]
    monkeypatch.chdir(tmp_path)
    assert "is empty: give a path" in error_of(capsys, argv)
    assert list(tmp_path.iterdir()) == []


MISSING_MODEL = ["--base", "/nonexistent/model"]  # loading it would fail: the check must come first


@pytest.mark.parametrize("argv, message", [
    (["generate", "A card", "--top-p", "nan"], "top_p should be a finite number"),
    (["generate", "A card", "--temperature", "inf"], "temperature should be a finite number"),
    (["generate", "A card", "--time-limit", "nan"], "time_limit_s should be a finite number"),
    (["generate", "A card", "--retrieval-k", "100"], "k should be between 0 and 8"),
    (["eval", "--retrieval-k", "100"], "k should be between 0 and 8"),
    (["eval", "--limit", "-3"], "--limit must be 1 or more"),
    (["train", "--max-steps", "-7"], "'max_steps' (--max-steps) should be between 0 and"),
    (["train", "--warmup-ratio", "nan"], "'warmup_ratio' (--warmup-ratio) should be a finite number"),
    (["train", "--max-minutes", "nan"], "'max_minutes' (--max-minutes) should be a finite number"),
])
def test_settings_out_of_range_are_refused_before_any_model_loads(capsys, argv, message):
    err = error_of(capsys, argv + MISSING_MODEL)
    assert message in err and "/nonexistent/model" not in err


def test_use_with_an_empty_name_is_refused(capsys, tmp_path):
    err = error_of(capsys, ["adapters", "--adapters-dir", str(tmp_path), "--use", ""])
    assert "--use needs an adapter's name" in err
    assert not (tmp_path / "ACTIVE").exists()


def test_a_deleted_active_adapter_is_said_and_the_fallback_named(capsys, tmp_path):
    from trainer.adapters import set_active, set_latest

    for name in ("20260101-000000-aaaaaaaa", "20260102-000000-bbbbbbbb"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "adapter_config.json").write_text("{}")
    set_latest(tmp_path, tmp_path / "20260101-000000-aaaaaaaa")
    set_active(tmp_path, tmp_path / "20260102-000000-bbbbbbbb")
    (tmp_path / "20260102-000000-bbbbbbbb" / "adapter_config.json").unlink()
    (tmp_path / "20260102-000000-bbbbbbbb").rmdir()
    assert main(["adapters", "--adapters-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert ("The active adapter 20260102-000000-bbbbbbbb is gone" in err
            and "using the latest adapter, 20260101-000000-aaaaaaaa, instead" in err)
    assert "* 20260101-000000-aaaaaaaa" in out
