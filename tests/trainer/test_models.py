"""Base-model resolution, device choice, loading, and adapter/base mismatch."""

import json

import pytest

from dataset_tools.errors import FlutterTuneError
from trainer import models
from trainer.models import load_base, load_for_inference, pick_device, resolve_base, resolve_quantization


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
    assert pick_device("cpu") == "cpu"
    with pytest.raises(FlutterTuneError, match="Unknown device"):
        pick_device("tpu")


def test_auto_device_is_cuda_then_mps_then_cpu(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(models, "_mps_available", lambda: True)
    assert pick_device("auto") == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert pick_device("auto") == "mps"
    monkeypatch.setattr(models, "_mps_available", lambda: False)
    assert pick_device("auto") == "cpu"
    with pytest.raises(FlutterTuneError, match="'mps' was requested"):
        pick_device("mps")
    with pytest.raises(FlutterTuneError, match="'cuda' was requested"):
        pick_device("cuda")


def test_auto_quantization_per_device(tiny_model_dir, monkeypatch):
    assert resolve_quantization("auto", "cuda") == "8bit"
    assert resolve_quantization("auto", "mps") == "none"
    assert resolve_quantization("auto", "cpu", str(tiny_model_dir)) == "none"
    assert models.float32_weight_bytes(str(tiny_model_dir)) > 0
    # a base whose float32 weights would not fit in memory is loaded in 8-bit on the CPU
    monkeypatch.setattr(models, "CPU_FLOAT32_SHARE_OF_RAM", 1e-12)
    assert resolve_quantization("auto", "cpu", str(tiny_model_dir)) == "8bit"
    assert resolve_quantization("none", "cpu", str(tiny_model_dir)) == "none"


def test_modes_a_device_cannot_run_are_clear_errors(monkeypatch):
    import sys

    for mode in ("8bit", "4bit"):
        with pytest.raises(FlutterTuneError, match="does not run on Apple's MPS"):
            resolve_quantization(mode, "mps")
    monkeypatch.setitem(sys.modules, "bitsandbytes", None)  # as if it were not installed
    with pytest.raises(FlutterTuneError, match="needs the bitsandbytes package"):
        resolve_quantization("8bit", "cpu")
    with pytest.raises(FlutterTuneError, match="Unknown quantization '3bit'"):
        resolve_quantization("3bit", "cpu")


@pytest.mark.parametrize("quantization", ["8bit", "none", "auto"])
def test_load_base_quantized_and_not(tiny_model_dir, quantization):
    import torch

    model, tokenizer = load_base(str(tiny_model_dir), quantization=quantization, device="cpu")
    q_proj = model.model.layers[0].self_attn.q_proj
    assert (q_proj.weight.dtype == torch.int8) == (quantization == "8bit")  # auto: float32 on the CPU
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
    model, tokenizer, info = load_for_inference(str(tiny_model_dir), None, device="cpu")
    assert info["adapter"] is None and info["base_path"] == str(tiny_model_dir.resolve())
    assert info["quantization"] == "none"  # auto, as resolved on the CPU
    assert not model.training
