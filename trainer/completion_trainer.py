"""TRL's SFTTrainer, with the loss scored only where it counts and no per-step extras.

Stock SFTTrainer (TRL 1.16) runs its fused LM head over every position on devices without Triton
(the CPU, MPS), prompt and padding included, in 4096 × 32768 tiles, and computes entropy and
top-1 accuracy of every token for its logs. Profiled on the default model (benchmarks/results/
train_speed.md) that LM head took about a third of a CPU training step and gigabytes of
temporaries. Here the backbone's hidden states are gathered at the completion positions first (the
prompt and the padding are masked with -100 anyway), and TRL's own chunked log-probability kernel
scores them in cache-sized tiles, computing the log-probabilities only. The loss is the same
token-weighted mean negative log-likelihood, normalised exactly as TRL does it.
"""

from __future__ import annotations

import torch
from trl import SFTTrainer
from trl.kernels import ChunkedLogProbFunction

# Vocabulary columns per tile: a 1024-token tile of 8192 logits is 32 MB in float32, so the
# temporaries of the log-softmax stay in cache-friendly sizes instead of half-gigabyte blocks.
VOCAB_CHUNK = 8192
# Config attributes that change the logits beyond a plain projection; models that set them keep TRL's path.
_SCALED_LOGITS = ("final_logit_softcapping", "logit_scale", "output_multiplier", "lm_head_multiplier",
                  "logits_scaling")


def _plain_lm_head(causal_lm) -> bool:
    text_config = causal_lm.config.get_text_config()
    return all(getattr(text_config, name, None) in (None, 1.0) for name in _SCALED_LOGITS)


class CompletionSFTTrainer(SFTTrainer):
    """SFTTrainer scoring the LM head at completion tokens only; counts the completion tokens it trained on."""

    completion_tokens_trained = 0

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        causal_lm = model.get_base_model() if hasattr(model, "get_base_model") else model
        if return_outputs or self.aux_loss_enabled or not _plain_lm_head(causal_lm):
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        labels = inputs["labels"]
        features = {k: v for k, v in inputs.items() if k != "labels"}
        hidden = causal_lm.base_model(**features, use_cache=False).last_hidden_state
        targets = labels[:, 1:]
        scored = targets != -100
        lm_head = causal_lm.get_output_embeddings()
        log_probs = ChunkedLogProbFunction.apply(
            hidden[:, :-1][scored].to(lm_head.weight.device), lm_head.weight, lm_head.bias,
            targets[scored].to(lm_head.weight.device), 1.0, VOCAB_CHUNK, None, 1.0, ("log_probs",))[0]
        count = scored.sum()
        denominator = num_items_in_batch if num_items_in_batch is not None else count.clamp(min=1)
        # sum() of an empty selection is a differentiable zero, so a batch without targets still backpropagates
        loss = -log_probs.sum() / denominator
        if model.training:
            self.completion_tokens_trained += int(count)
            if "attention_mask" in inputs:
                self._total_train_tokens += int(inputs["attention_mask"].sum())
            self._metrics["train"]["num_tokens"] = [self._total_train_tokens]
        return loss
