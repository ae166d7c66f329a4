"""The loss is the mean negative log-likelihood of the response tokens only, and micro-batches of one
sequence accumulate to the same gradient as the padded batch."""

import dataclasses

import pytest
import torch

from trainer.training import completion_trainer
from trainer.training.train import build_run


def _lora_grads(model) -> list[torch.Tensor]:
    return [p.grad.detach().clone() for n, p in model.named_parameters() if p.requires_grad]


@pytest.mark.parametrize("tokens_per_block", [7, 256])
def test_loss_is_the_nll_of_response_tokens_only(tiny_config, monkeypatch, tokens_per_block):
    monkeypatch.setattr(completion_trainer, "TOKENS_PER_BLOCK", tokens_per_block)
    run = build_run(tiny_config)
    trainer, model = run.trainer, run.trainer.model
    model.eval()  # no LoRA dropout: the two computations must see the same network
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(4)])
    loss = trainer.compute_loss(model, dict(batch))
    with torch.no_grad():
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    # reference: full logits, labels shifted, prompt and pad positions ignored (-100)
    reference = torch.nn.functional.cross_entropy(logits[:, :-1].flatten(0, 1), batch["labels"][:, 1:].flatten(),
                                                  ignore_index=-100)
    assert torch.allclose(loss, reference, atol=1e-5), (float(loss), float(reference))
    # scoring the prompt as well would give another loss: the masking is what the loss follows
    every_token = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
    unmasked = torch.nn.functional.cross_entropy(logits[:, :-1].flatten(0, 1), every_token[:, 1:].flatten(),
                                                 ignore_index=-100)
    assert not torch.allclose(loss, unmasked, atol=1e-3)


def test_micro_batches_accumulate_to_the_batch_gradient(tiny_config):
    run = build_run(tiny_config)
    trainer, model = run.trainer, run.trainer.model
    model.eval()
    features = [trainer.train_dataset[i] for i in range(4)]
    batch = trainer.data_collator(features)
    assert batch["attention_mask"].eq(0).any()  # the padded batch really has padding
    targets = int((batch["labels"][:, 1:] != -100).sum())

    model.zero_grad()
    trainer.compute_loss(model, dict(batch), num_items_in_batch=targets).backward()
    padded = _lora_grads(model)
    model.zero_grad()
    for feature in features:
        single = trainer.data_collator([feature])
        assert single["attention_mask"].all()  # one sequence: no padding at all
        trainer.compute_loss(model, dict(single), num_items_in_batch=targets).backward()
    accumulated = _lora_grads(model)
    assert any(g.abs().sum() > 0 for g in padded)
    for a, b in zip(padded, accumulated):
        assert torch.allclose(a, b, atol=1e-6, rtol=1e-4)


def test_cpu_trains_one_sequence_per_forward(tiny_config):
    args = build_run(tiny_config).trainer.args
    assert (args.per_device_train_batch_size, args.gradient_accumulation_steps) == (1, 4)
    args = build_run(dataclasses.replace(tiny_config, micro_batch_size=2, grad_accum=3)).trainer.args
    assert (args.per_device_train_batch_size, args.gradient_accumulation_steps) == (2, 6)


def test_a_sequence_without_response_tokens_is_a_differentiable_zero():
    from trainer.training.completion_trainer import completion_nll

    hidden = torch.randn(1, 5, 4, requires_grad=True)
    total, count = completion_nll(hidden, torch.full((1, 5), -100), torch.nn.Linear(4, 7, bias=False))
    total.backward()
    assert (float(total), count) == (0.0, 0) and hidden.grad is not None


def test_bf16_autocast_path_trains(tiny_config, monkeypatch):
    """Where the CPU has native bf16 (not this one, maybe) training runs under bf16 autocast: the path works."""
    import math

    from trainer import hardware
    from trainer.adapters import read_metadata
    from trainer.training.train import train

    monkeypatch.setattr(hardware, "training_precision", lambda device: "bf16")
    assert build_run(tiny_config).trainer.args.bf16
    info = train(dataclasses.replace(tiny_config, max_steps=2))
    metrics = read_metadata(info.path)["metrics"]
    assert metrics["steps"] == 2 and math.isfinite(metrics["train_loss"])
