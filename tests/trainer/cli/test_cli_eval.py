"""`flutter-tune generate` and `flutter-tune eval` end to end with the tiny model and a real LoRA adapter."""

from __future__ import annotations

import json

import pytest

from server.cli import main


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FLUTTER_TUNE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="session")
def lora_adapter(tmp_path_factory, tiny_model_dir):
    """A saved LoRA adapter for the tiny model with non-zero weights (so it changes the outputs)."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    out = tmp_path_factory.mktemp("adapter")
    get_peft_model(model, config).save_pretrained(out)
    return out


def test_generate_prints_code_only(tiny_model_dir, home, capsys):
    code = main(["generate", "A card with a title", "--base", str(tiny_model_dir), "--adapter", "none",
                 "--quantization", "none", "--device", "cpu", "--max-new-tokens", "5"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "stop: max_tokens" in err and "stop:" not in out


def test_generate_refuses_an_empty_description_before_loading(home, capsys):
    assert main(["generate", "  ", "--base", "/does/not/exist", "--adapter", "none"]) == 2
    assert "description is empty" in capsys.readouterr().err
    assert main(["generate", "A card", "--max-new-tokens", "0", "--adapter", "none"]) == 2
    assert "max_new_tokens" in capsys.readouterr().err


def test_eval_writes_the_report(tiny_model_dir, lora_adapter, eval_dataset_dir, home, tmp_path, capsys):
    out_dir = tmp_path / "report"
    code = main(["eval", "--adapter", str(lora_adapter), "--data", str(eval_dataset_dir), "--limit", "1",
                 "--quantization", "none", "--device", "cpu", "--max-new-tokens", "4", "-o", str(out_dir),
                 "--progress-json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    results = json.loads((out_dir / "eval.json").read_text())
    names = [system["name"] for system in results["systems"]]
    assert names == ["base", "tuned", "base + retrieval", "tuned + retrieval"]  # four columns by default
    base, tuned = results["systems"][:2]
    assert not base["retrieval"] and results["systems"][3]["retrieval"]
    assert base["metrics"]["loss"] != pytest.approx(tuned["metrics"]["loss"])  # the adapter is really applied
    assert tuned["info"]["adapter"] == str(lora_adapter)
    assert (out_dir / "report.md").is_file() and (out_dir / "metrics.png").is_file()
    assert "Report:" in out and '"kind": "advance"' in err


def test_eval_with_an_empty_test_split(eval_dataset_dir, home, tmp_path, capsys):
    (eval_dataset_dir / "test.jsonl").write_text("\n")
    assert main(["eval", "--adapter", "none", "--data", str(eval_dataset_dir), "-o", str(tmp_path / "r")]) == 2
    assert "no samples" in capsys.readouterr().err


def test_eval_without_retrieval_has_two_columns(tiny_model_dir, lora_adapter, eval_dataset_dir, home, tmp_path):
    out_dir = tmp_path / "report"
    assert main(["eval", "--adapter", str(lora_adapter), "--data", str(eval_dataset_dir), "--limit", "1",
                 "--quantization", "none", "--device", "cpu", "--max-new-tokens", "2", "-o", str(out_dir),
                 "--no-retrieval"]) == 0
    results = json.loads((out_dir / "eval.json").read_text())
    assert [system["name"] for system in results["systems"]] == ["base", "tuned"]


def test_generate_uses_retrieved_examples_from_the_dataset(tiny_model_dir, eval_dataset_dir, home, capsys):
    args = ["generate", "A card with a title", "--base", str(tiny_model_dir), "--adapter", "none",
            "--quantization", "none", "--device", "cpu", "--max-new-tokens", "2", "--data", str(eval_dataset_dir)]
    assert main(args) == 0
    with_examples = capsys.readouterr().err
    assert main(args + ["--no-retrieval"]) == 0
    assert "0 retrieved examples" in capsys.readouterr().err
    assert "0 retrieved examples" not in with_examples and "retrieved examples" in with_examples


def test_generate_names_on_stderr_what_did_not_resolve():
    from trainer.cli.generate import summary_lines
    from trainer.generation.candidates import Candidate
    from trainer.generation.checks import check_widget
    from trainer.generation.generate import GenerationResult

    from tests.trainer.flutter_api import FLUTTER

    code = "Widget title(String name) => Text(name, colour: Colors.red, icon: TrailIcon());"
    best = Candidate(0, code, code, 9, "widget_end", -0.4, check_widget(code, api=FLUTTER))
    lines = summary_lines(GenerationResult(code, code, 9, "widget_end", 1.5, 0.2, candidates=[best], backend="onnx"))
    assert "0 of 1 candidates passed; this one failed: resolves" in lines[0]
    assert lines[1:] == ["flutter-tune: does not resolve: Text: no parameter 'colour'",
                         "flutter-tune: does not resolve: Text: no parameter 'icon'",
                         "flutter-tune: does not resolve: unknown class TrailIcon"]
    plain = Candidate(0, code, code, 9, "widget_end", -0.4, check_widget(code))
    assert len(summary_lines(GenerationResult(code, code, 9, "widget_end", 1.5, 0.2, candidates=[plain]))) == 1


def test_eval_summary_line_shows_resolves_only_when_measured():
    from trainer.cli.evaluate import summary_line

    metrics = {"loss": 1.5, "valid_at_1": 1.0, "parse_valid_rate": 1.0, "latency_p50": 2.0, "chrf": 40.0,
               "style_score": 0.5, "widget_overlap": 0.25}
    assert "resolves" not in summary_line({"name": "tuned", "metrics": dict(metrics, resolves=None)})
    line = summary_line({"name": "tuned", "metrics": dict(metrics, resolves=0.75, unknown_references=0.5,
                                                          invented_arguments=0.25)})
    assert line.endswith("widgets 25%  resolves 75% (0.5 unknown, 0.2 invented arguments per widget)")
