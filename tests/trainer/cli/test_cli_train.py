"""`flutter-tune train / adapters / export` through the real command line."""

import json

from server.cli import main


def test_train_list_export_from_the_command_line(tmp_path, tiny_model_dir, dataset_dir, capsys):
    guide = {"model_name": str(tiny_model_dir), "output_dir": str(tmp_path / "adapters"),
             "train_data_path": str(dataset_dir / "train.jsonl"),
             "eval_data_path": str(dataset_dir / "validation.jsonl"),
             "lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0, "learning_rate": 0.001, "batch_size": 4,
             "num_epochs": 1, "max_seq_length": 256}
    config = tmp_path / "config.json"
    config.write_text(json.dumps(guide))
    code = main(["train", "--config", str(config), "--quantization", "none", "--progress-json"])
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    finished = [e for e in events if e["kind"] == "finish" and e["data"].get("adapter")]
    assert len(finished) == 1
    adapter = finished[0]["data"]["adapter"]
    # then the new adapter's serving model is exported, as part of the same command
    assert any(e["kind"] == "start" and e["title"].startswith("Preparing the fast CPU model") for e in events)
    assert json.loads(open(f"{adapter}/adapter_config.json").read())["r"] == 4

    assert main(["adapters", "--adapters-dir", str(tmp_path / "adapters"), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [a["path"] for a in listed] == [adapter]

    assert main(["export", "--adapters-dir", str(tmp_path / "adapters"), "--merge", "-o", str(tmp_path / "m")]) == 0
    assert (tmp_path / "m" / "model.safetensors").is_file()


def test_bad_input_is_a_clean_error(tmp_path, dataset_dir, capsys):
    assert main(["train", "--data", str(tmp_path / "missing"), "--quantization", "none"]) == 2
    assert "harvest" in capsys.readouterr().err
    assert main(["train", "--base", "not-a-model", "--data", str(dataset_dir)]) == 2
    assert "Unknown base model 'not-a-model'" in capsys.readouterr().err
    assert main(["export", "--adapters-dir", str(tmp_path / "none"), "--merge", "-o", str(tmp_path / "m")]) == 2
    assert "No adapter found" in capsys.readouterr().err


def test_help_explains_the_automatic_choices(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "auto (default): 8bit on CUDA" in text and "none on the CPU" in text
    assert "CUDA, then Apple MPS, then the CPU" in text


def test_a_device_that_is_absent_is_a_clean_error(dataset_dir, tmp_path, capsys):
    import pytest
    import torch

    if torch.backends.mps.is_available():
        pytest.skip("this machine has MPS")
    assert main(["train", "--data", str(dataset_dir), "--device", "mps", "--adapters-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "device 'mps' was requested" in err and "Traceback" not in err
