"""A faithful re-implementation of the guide's fine-tuning recipe — the baseline the benchmark beats.

What the guide does, defects included (do not "fix" them here, that would flatter the baseline):
- prompt ``### Instruction:\n{instruction}\n\n### Response:\n``; the prompt and the response are
  tokenized SEPARATELY, each padded to max_length 1024; ``labels`` = the response's ids;
- ``DataCollatorForLanguageModeling(mlm=False)`` then overwrites ``labels`` with the prompt's input ids
  (pads masked), so the model is trained to repeat the prompt and never sees the code;
- the base is loaded in 8-bit (``load_in_8bit=True`` in the guide; a BitsAndBytesConfig in
  transformers 5), ``prepare_model_for_kbit_training`` with its defaults, LoRA r=8, alpha=16,
  dropout 0.05 on q/k/v/o, ``Trainer`` with lr 2e-4, batch 4, 3 epochs, evaluation every epoch
  (``evaluation_strategy=`` in the guide, ``eval_strategy=`` now).
"""

from __future__ import annotations

import time

GUIDE_PROMPT = "### Instruction:\n{instruction}\n\n### Response:\n"


def guide_prompt(record: dict) -> str:
    return GUIDE_PROMPT.format(instruction=record["instruction"])


def tokenize_like_the_guide(tokenizer, records: list[dict], max_length: int = 1024):
    from datasets import Dataset

    def tokenize(example):
        prompt = tokenizer(guide_prompt(example), truncation=True, max_length=max_length, padding="max_length")
        response = tokenizer(example["output"], truncation=True, max_length=max_length, padding="max_length")
        prompt["labels"] = response["input_ids"]
        return prompt

    data = Dataset.from_list([{"instruction": r["instruction"], "output": r["output"]} for r in records])
    return data.map(tokenize, remove_columns=data.column_names)


def build_guide_trainer(base_path: str, train_records: list[dict], eval_records: list[dict], output_dir: str,
                        callbacks=(), quantization: str = "8bit"):
    """The guide's model, data and Trainer; returns ``(trainer, tokenizer)``."""
    import torch
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import (AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig,
                              DataCollatorForLanguageModeling, Trainer, TrainingArguments)

    tokenizer = AutoTokenizer.from_pretrained(base_path)
    tokenizer.pad_token = tokenizer.eos_token
    qconfig = BitsAndBytesConfig(load_in_8bit=True) if quantization == "8bit" else None
    model = AutoModelForCausalLM.from_pretrained(base_path, quantization_config=qconfig, device_map={"": "cpu"},
                                                 dtype=torch.float32)
    if qconfig is not None:
        model = prepare_model_for_kbit_training(model)
    model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, bias="none",
                                             target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
                                             task_type="CAUSAL_LM"))
    args = TrainingArguments(
        output_dir=output_dir, per_device_train_batch_size=4, per_device_eval_batch_size=4, num_train_epochs=3,
        learning_rate=2e-4, logging_steps=1, eval_strategy="epoch", save_strategy="no", report_to="none",
        use_cpu=True, disable_tqdm=True,
    )
    trainer = CountingTrainer(
        model=model, args=args,
        train_dataset=tokenize_like_the_guide(tokenizer, train_records),
        eval_dataset=tokenize_like_the_guide(tokenizer, eval_records),
        data_collator=DataCollatorForLanguageModeling(tokenizer=tokenizer, mlm=False),
        callbacks=list(callbacks),
    )
    return trainer, tokenizer


def _trainer_base():
    from transformers import Trainer

    return Trainer


class CountingTrainer(_trainer_base()):
    """The stock Trainer, plus counters of what it really processed (for the benchmark only)."""

    real_tokens = 0          # non-pad input tokens
    target_tokens = 0        # tokens with a label (here: prompt tokens, because of the collator)
    started = None

    def compute_loss(self, model, inputs, *args, **kwargs):
        if model.training:
            if self.started is None:
                self.started = time.monotonic()
            self.real_tokens += int(inputs["attention_mask"].sum())
            self.target_tokens += int((inputs["labels"] != -100).sum())
        return super().compute_loss(model, inputs, *args, **kwargs)
