"""TrainConfig from the guide's config.json, TOML files and CLI overrides."""

import json

import pytest

from dataset_tools.errors import FlutterTuneError
from trainer.training.config import TrainConfig, load_train_config


def test_defaults_follow_the_guide():
    c = TrainConfig()
    assert (c.lora_r, c.lora_alpha, c.lora_dropout) == (8, 16, 0.05)
    assert c.target_modules == ["q_proj", "k_proj", "v_proj", "o_proj"]
    assert (c.learning_rate, c.batch_size, c.epochs, c.max_length) == (2e-4, 4, 3.0, 1024)
    assert (c.quantization, c.device, c.micro_batch_size) == ("auto", "auto", 0)


def test_guide_config_json_is_accepted_unchanged(tmp_path):
    guide = {
        "model_name": "HuggingFaceTB/SmolLM2-135M-Instruct", "output_dir": "./flutter-lora",
        "train_data_path": "data/train.json", "eval_data_path": "data/eval.json",
        "lora_r": 16, "lora_alpha": 32, "lora_dropout": 0.1, "learning_rate": 0.0003,
        "batch_size": 2, "num_epochs": 5, "max_seq_length": 512,
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(guide))
    c = load_train_config(path)
    assert c.base == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert c.adapters_dir == str(tmp_path / "flutter-lora")
    assert c.train_file == str(tmp_path / "data/train.json") and c.eval_file == str(tmp_path / "data/eval.json")
    assert (c.lora_r, c.lora_alpha, c.lora_dropout, c.learning_rate) == (16, 32, 0.1, 0.0003)
    assert (c.batch_size, c.epochs, c.max_length) == (2, 5.0, 512)


def test_cli_flags_override_the_file_and_none_is_ignored(tmp_path):
    path = tmp_path / "train.toml"
    path.write_text('lora_r = 4\nepochs = 2\nquantization = "none"\n')
    c = load_train_config(path, {"epochs": 1.0, "lora_r": None, "max_minutes": 3.0})
    assert (c.lora_r, c.epochs, c.quantization, c.max_minutes) == (4, 1.0, "none", 3.0)


def test_unknown_key_and_wrong_type_name_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"lora_rank": 8}))
    with pytest.raises(FlutterTuneError, match="lora_rank"):
        load_train_config(path)
    path.write_text(json.dumps({"batch_size": "four"}))
    with pytest.raises(FlutterTuneError, match="batch_size"):
        load_train_config(path)


def test_invalid_values_are_rejected():
    with pytest.raises(FlutterTuneError, match="batch_size"):
        load_train_config(None, {"batch_size": 0})
    with pytest.raises(FlutterTuneError, match="multiple of micro_batch_size"):
        load_train_config(None, {"batch_size": 4, "micro_batch_size": 3})
    with pytest.raises(FlutterTuneError, match="quantization should be one of auto, 8bit, 4bit, none"):
        TrainConfig(quantization="3bit").validate()


@pytest.mark.parametrize("flag, value, setting", [
    ("max_steps", -7, "--max-steps"), ("warmup_ratio", float("nan"), "--warmup-ratio"),
    ("learning_rate", float("inf"), "--learning-rate"), ("max_minutes", float("nan"), "--max-minutes"),
    ("epochs", -1.0, "--epochs"), ("lora_dropout", 1.0, "--lora-dropout")])
def test_every_numeric_setting_has_a_range_that_refuses_nonsense(flag, value, setting):
    with pytest.raises(FlutterTuneError, match=f"'{flag}' \\({setting}\\) should be "):
        load_train_config(None, {flag: value})


def test_a_config_file_with_a_path_of_no_such_user_names_the_file_and_setting(tmp_path):
    config = tmp_path / "train.json"
    config.write_text('{"data_dir": "~nouser_ft/x"}')
    with pytest.raises(FlutterTuneError, match=r"train.json: setting 'data_dir' '~nouser_ft/x' .*no user 'nouser_ft'"):
        load_train_config(config)


def test_train_flags_come_from_the_config_declarations():
    """Every TrainConfig field that declares a flag is on `flutter-tune train`, parsed to its type."""
    import dataclasses

    from server.cli import build_parser
    from trainer.training.config import TrainConfig

    args = build_parser().parse_args(["train", "--lora-r", "4", "--lr", "0.001", "--early-stopping", "2",
                                      "--packing", "--quantization", "none", "--data", "d"])
    assert (args.lora_r, args.learning_rate, args.early_stopping_patience) == (4, 0.001, 2)
    assert args.packing is True and args.quantization == "none" and args.data_dir == "d"
    assert args.epochs is None and args.resume is None  # not given: the config file or the default decides
    declared = [f.name for f in dataclasses.fields(TrainConfig) if f.metadata.get("flag")]
    assert all(hasattr(args, name) for name in declared) and len(declared) >= 25
