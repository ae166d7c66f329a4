"""The default training path before issue 13, frozen here as the baseline of benchmarks/train_speed.py.

What `flutter-tune train` did with its defaults until then (do not "improve" it here, that would
flatter the comparison):
- the base loaded in 8-bit with bitsandbytes (``BitsAndBytesConfig(load_in_8bit=True)``, float32
  compute) and ``prepare_model_for_kbit_training``; LoRA r=8, alpha=16, dropout 0.05 on q/k/v/o;
- TRL's stock ``SFTTrainer``: its fused LM head over every position (prompt and padding included)
  and per-step entropy and token-accuracy metrics;
- padded batches of 4 from transformers' ``LengthGroupedSampler`` (``group_by_length``), float32.
The data preparation and the prompt format are the product's own (trainer.training.data, trainer.prompt), so
both runs train on the same samples.
"""

from __future__ import annotations

from pathlib import Path


def baseline_sft_config(config, output_dir: Path, has_eval: bool):
    """The SFTConfig the default path used on the CPU (trainer/train.py before issue 13)."""
    from trl import SFTConfig

    strategy = "epoch" if has_eval else "no"
    return SFTConfig(
        output_dir=str(output_dir), per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size, gradient_accumulation_steps=config.grad_accum,
        num_train_epochs=config.epochs, max_steps=config.max_steps if config.max_steps > 0 else -1,
        learning_rate=config.learning_rate, warmup_steps=config.warmup_ratio, weight_decay=config.weight_decay,
        lr_scheduler_type=config.lr_scheduler, seed=config.seed, data_seed=config.seed, logging_strategy="steps",
        logging_steps=config.logging_steps, eval_strategy=strategy, save_strategy="epoch",
        save_total_limit=config.save_total_limit, load_best_model_at_end=has_eval,
        metric_for_best_model="eval_loss" if has_eval else None, greater_is_better=False if has_eval else None,
        bf16=False, fp16=False, use_cpu=True, activation_checkpointing=False, dataloader_num_workers=0,
        dataloader_pin_memory=False, train_sampling_strategy="group_by_length", max_length=config.max_length,
        truncation_mode="keep_start", completion_only_loss=True, packing=False, pad_to_multiple_of=None,
        report_to="none", disable_tqdm=True, save_only_model=False,
        include_num_input_tokens_seen="non_padding",  # the count the time budget measures (StopCallback)
    )


class _Counting:
    """Counts the completion tokens a stock trainer trains on (labels other than -100, after the shift)."""

    completion_tokens_trained = 0

    def compute_loss(self, model, inputs, *args, **kwargs):
        if model.training:
            self.completion_tokens_trained += int((inputs["labels"][:, 1:] != -100).sum())
        return super().compute_loss(model, inputs, *args, **kwargs)


def build_baseline_trainer(config, output_dir: Path, callbacks=()):
    """Today's default path for ``config`` (a trainer.training.config.TrainConfig) → ``(trainer, tokenizer)``."""
    from peft import LoraConfig
    from trl import SFTTrainer

    from trainer.models import load_base
    from trainer.training.data import load_splits, prepare, to_dataset

    class CountingSFTTrainer(_Counting, SFTTrainer):
        pass

    splits = load_splits(config.data_dir, config.train_file, config.eval_file)
    model, tokenizer = load_base(config.base, "8bit", "cpu", for_training=True)
    train_rows, _ = prepare(tokenizer, splits.train, config.max_length, config.overlong)
    eval_rows, eval_stats = prepare(tokenizer, splits.validation, config.max_length, config.overlong)
    eval_rows = [r for _, r in sorted(zip(eval_stats.lengths, eval_rows), key=lambda t: t[0])]
    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=list(config.target_modules), bias="none", task_type="CAUSAL_LM")
    trainer = CountingSFTTrainer(
        model=model, args=baseline_sft_config(config, output_dir, bool(eval_rows)),
        train_dataset=to_dataset(train_rows), eval_dataset=to_dataset(eval_rows) if eval_rows else None,
        processing_class=tokenizer, peft_config=lora, callbacks=list(callbacks),
    )
    from transformers import PrinterCallback

    trainer.remove_callback(PrinterCallback)
    return trainer, tokenizer
