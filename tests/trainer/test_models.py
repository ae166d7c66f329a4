"""Base-model resolution, device choice, loading, and adapter/base mismatch."""

import json

import pytest

from dataset_tools.errors import FlutterTuneError
from trainer.models import load_base, load_for_inference, pick_device, resolve_base


def test_resolve_local_folder_and_unknown_names(tiny_model_dir, tmp_path, monkeypatch):
    assert resolve_base(str(tiny_model_dir)) == str(tiny_model_dir.resolve())
    with pytest.raises(FlutterTuneError, match="Unknown base model"):
        resolve_base("no-such-model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FlutterTuneError, match="config.json"):
        resolve_base(str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(FlutterTuneError, match="offline"):
        resolve_base("someone/not-cached-model")


def test_pick_device():
    import torch

    assert pick_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert pick_device("cpu") == "cpu"
    with pytest.raises(FlutterTuneError, match="Unknown device"):
        pick_device("tpu")


@pytest.mark.parametrize("quantization", ["8bit", "none"])
def test_load_base_quantized_and_not(tiny_model_dir, quantization):
    import torch

    model, tokenizer = load_base(str(tiny_model_dir), quantization=quantization, device="cpu")
    q_proj = model.model.layers[0].self_attn.q_proj
    assert (q_proj.weight.dtype == torch.int8) == (quantization == "8bit")
    assert tokenizer.pad_token is not None
    ids = tokenizer("class A {}", return_tensors="pt")
    assert model(**ids).logits.shape[-1] == model.config.vocab_size


def test_bad_quantization_is_a_clear_error(tiny_model_dir):
    with pytest.raises(FlutterTuneError, match="quantization"):
        load_base(str(tiny_model_dir), quantization="3bit")


def test_adapter_for_another_base_names_both(tiny_model_dir, tmp_path):
    from tests.conftest import build_tiny_model

    other = build_tiny_model(tmp_path / "other-model", tiny_model_dir, seed=1)
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": str(other)}))
    (adapter / "flutter_tune.json").write_text(json.dumps({"base": str(other), "base_path": str(other)}))
    with pytest.raises(FlutterTuneError) as err:
        load_for_inference(str(tiny_model_dir), adapter, quantization="none", device="cpu")
    assert str(other) in str(err.value) and str(tiny_model_dir) in str(err.value)


def test_load_for_inference_without_adapter(tiny_model_dir):
    model, tokenizer, info = load_for_inference(str(tiny_model_dir), None, quantization="none", device="cpu")
    assert info["adapter"] is None and info["base_path"] == str(tiny_model_dir.resolve())
    assert not model.training
