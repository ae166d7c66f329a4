"""TRL's SFTTrainer, with the LM head run only where the loss is and no per-step extras.

The backbone's hidden states are gathered at the completion positions (the prompt and the padding
are masked with -100 anyway) and scored with plain cross-entropy in blocks of ``TOKENS_PER_BLOCK``
tokens, so the logits of one block exist at a time; stock SFTTrainer scores every position and
computes per-token entropy and accuracy for its logs (what that costs on a CPU:
benchmarks/results/train_speed.md). The loss is the same token-weighted mean negative
log-likelihood, normalised exactly as TRL does it (by ``num_items_in_batch`` when given).
"""

from __future__ import annotations

import torch
from trl import SFTTrainer

from .time_budget import SHAPES, TimeBudget, budgeted_lr_factor

# Completion tokens scored per block: a block's float32 logits over a 49k vocabulary take 50 MB.
TOKENS_PER_BLOCK = 256
# Config attributes that change the logits beyond a plain projection; models that set them keep TRL's path.
_SCALED_LOGITS = ("final_logit_softcapping", "logit_scale", "output_multiplier", "lm_head_multiplier",
                  "logits_scaling")


def _plain_lm_head(causal_lm) -> bool:
    text_config = causal_lm.config.get_text_config()
    return all(getattr(text_config, name, None) in (None, 1.0) for name in _SCALED_LOGITS)


def completion_nll(hidden: torch.Tensor, labels: torch.Tensor, lm_head: torch.nn.Module) -> tuple[torch.Tensor, int]:
    """Summed next-token negative log-likelihood at the positions whose label is not -100 → ``(sum, count)``."""
    targets = labels[:, 1:]
    scored = targets != -100
    states, targets = hidden[:, :-1][scored], targets[scored]
    if not targets.numel():
        return hidden.sum() * 0, 0  # a zero that still backpropagates: every micro-batch calls backward()
    blocks = range(0, targets.numel(), TOKENS_PER_BLOCK)
    total = sum(torch.nn.functional.cross_entropy(lm_head(states[i:i + TOKENS_PER_BLOCK]).float(),
                                                  targets[i:i + TOKENS_PER_BLOCK], reduction="sum") for i in blocks)
    return total, int(targets.numel())


class CompletionSFTTrainer(SFTTrainer):
    """SFTTrainer scoring the LM head at completion tokens only; counts the completion tokens it trained on
    (``completion_tokens_trained``; all tokens trained on are transformers' ``num_input_tokens_seen``).

    With ``time_budget`` set (``--max-minutes``), a linear, cosine or constant schedule runs as planned in
    steps and cools down to zero over the budget's last fifth (trainer.training.time_budget).
    """

    completion_tokens_trained = 0
    time_budget: TimeBudget | None = None

    def create_scheduler(self, num_training_steps: int, optimizer=None):
        shape = str(getattr(self.args.lr_scheduler_type, "value", self.args.lr_scheduler_type))
        if self.lr_scheduler is not None or self.time_budget is None or not self.time_budget.seconds \
                or shape not in SHAPES:
            return super().create_scheduler(num_training_steps, optimizer)
        factor = budgeted_lr_factor(shape, self.args.get_warmup_steps(num_training_steps), num_training_steps,
                                    self.time_budget)
        self.lr_scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer or self.optimizer, factor)
        # The Trainer's own bookkeeping (private; pinned by tests/trainer/training/test_trl_contract.py): a scheduler
        # it created is rebuilt by the next train() rather than reused.
        self._created_lr_scheduler = True
        return self.lr_scheduler

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        causal_lm = model.get_base_model() if hasattr(model, "get_base_model") else model
        if return_outputs or self.aux_loss_enabled or not _plain_lm_head(causal_lm):
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        features = {k: v for k, v in inputs.items() if k != "labels"}
        hidden = causal_lm.base_model(**features, use_cache=False).last_hidden_state
        total, count = completion_nll(hidden, inputs["labels"], causal_lm.get_output_embeddings())
        loss = total / (num_items_in_batch if num_items_in_batch is not None else max(count, 1))
        if model.training:
            self.completion_tokens_trained += count
        return loss
