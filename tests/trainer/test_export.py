"""`export --merge`: a plain transformers model with the same logits as base + adapter."""

import torch

from trainer.export import merge_adapter
from trainer.training.train import train


def test_merged_model_matches_base_plus_adapter(tiny_config, tmp_path):
    import dataclasses

    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    info = train(dataclasses.replace(tiny_config, learning_rate=2e-2, epochs=2))
    out = merge_adapter(info.path, tmp_path / "merged")
    assert not (out / "adapter_config.json").exists()
    merged = AutoModelForCausalLM.from_pretrained(out).eval()
    with_adapter = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_config.base),
                                             str(info.path)).eval()
    plain = AutoModelForCausalLM.from_pretrained(tiny_config.base).eval()
    ids = torch.tensor([[1, 510, 2020, 77, 9, 300, 42]])
    with torch.no_grad():
        a, b, c = merged(ids).logits, with_adapter(ids).logits, plain(ids).logits
    assert torch.allclose(a, b, atol=1e-4)
    assert not torch.allclose(b, c, atol=1e-4)  # the adapter really changed the model
