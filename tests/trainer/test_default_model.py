"""The embedded SmolLM2-135M: GGUF → safetensors cache conversion, 8-bit load, one training step."""

import json

import pytest

from trainer import default_model


@pytest.mark.real_model
def test_default_model_converts_loads_8bit_and_trains(tmp_path, dataset_dir):
    import torch

    from trainer.adapters import read_metadata
    from trainer.training.config import TrainConfig
    from trainer.models import load_base, resolve_base
    from trainer.training.train import train

    folder = default_model.ensure_default_model()  # the user's cache (or $FLUTTER_TUNE_CACHE): converted once
    assert default_model.is_converted(folder)
    config = json.loads((folder / "config.json").read_text())
    assert "quantization_config" not in config and config["num_hidden_layers"] == 30
    assert resolve_base("default") == str(folder)
    assert default_model.ensure_default_model() == folder  # second call reuses the cache

    model, tokenizer = load_base("default", quantization="8bit", device="cpu")
    assert model.model.layers[0].self_attn.q_proj.weight.dtype == torch.int8
    assert tokenizer.chat_template

    info = train(TrainConfig(data_dir=str(dataset_dir), adapters_dir=str(tmp_path / "adapters"), max_steps=1,
                             batch_size=2, max_length=128, device="cpu"))
    meta = read_metadata(info.path)
    assert meta["base"] == "default" and meta["base_path"] == str(folder)
    assert meta["metrics"]["steps"] == 1 and meta["metrics"]["best_validation_loss"] > 0


def test_conversion_is_atomic_and_locked(tmp_path, monkeypatch):
    """A failed conversion leaves no half-written cache folder behind; the lock file guards it."""
    monkeypatch.setenv("FLUTTER_TUNE_CACHE", str(tmp_path / "cache"))

    def broken(out, source):
        (out / "config.json").write_text("{}")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(default_model, "_convert_into", broken)
    from dataset_tools.errors import FlutterTuneError

    with pytest.raises(FlutterTuneError, match="FLUTTER_TUNE_CACHE"):
        default_model.ensure_default_model()
    models = tmp_path / "cache" / "models"
    assert not default_model.converted_dir().exists()
    assert [p.name for p in models.iterdir()] == [".smollm2-135m-instruct.lock"]
