"""Training settings: one defaulted dataclass, filled from a JSON/TOML config file and CLI flags.

Defaults follow the guide's recipe (LoRA r=8, alpha=16, dropout 0.05 on q/k/v/o projections,
lr 2e-4, batch 4, 3 epochs, max length 1024). The guide's ``config.json`` keys are accepted
unchanged through ``GUIDE_KEYS``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

from dataset_tools.errors import FlutterTuneError
from dataset_tools.overrides import load_config_file, overlay, refuse
from dataset_tools.paths import user_path
from dataset_tools.settings import range_problems, same_setting, setting

from ..adapters import ACTIVATE_POLICIES, AdapterChoice
from ..models import LoadSettings

# The guide's config.json keys → TrainConfig fields.
GUIDE_KEYS = {
    "model_name": "base",
    "output_dir": "adapters_dir",
    "train_data_path": "train_file",
    "eval_data_path": "eval_file",
    "lora_r": "lora_r",
    "lora_alpha": "lora_alpha",
    "lora_dropout": "lora_dropout",
    "learning_rate": "learning_rate",
    "batch_size": "batch_size",
    "num_epochs": "epochs",
    "max_seq_length": "max_length",
}


@dataclass
class TrainConfig:
    """Everything one training run needs. Paths left as None take the project defaults."""

    # what to train on and where results go
    base: str = setting("default", flag="--base", help="'default' (the embedded SmolLM2-135M), a local model "
                                                       "folder or a hub id")
    data_dir: str | None = setting(None, flag="--data", help="dataset folder with train.jsonl/validation.jsonl "
                                                             "(default: harvest's)")
    train_file: str | None = setting(None, flag="--train-file", help="explicit train file (JSONL or JSON array)")
    eval_file: str | None = setting(None, flag="--eval-file",
                                    help="explicit validation file (default: data_dir/validation.jsonl)")
    adapters_dir: str | None = same_setting(AdapterChoice, "adapters_dir")
    # model loading ("auto": see trainer.models.resolve_quantization and pick_device)
    quantization: Literal["auto", "8bit", "4bit", "none"] = same_setting(LoadSettings, "quantization")
    device: Literal["auto", "cpu", "cuda", "mps"] = same_setting(LoadSettings, "device")
    # LoRA
    lora_r: int = setting(8, low=1, high=1024, flag="--lora-r", help="LoRA rank")
    lora_alpha: int = setting(16, low=1, high=4096, flag="--lora-alpha", help="LoRA alpha")
    lora_dropout: float = setting(0.05, low=0.0, high=0.99, flag="--lora-dropout", help="LoRA dropout")
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])
    # optimisation
    learning_rate: float = setting(2e-4, low=1e-9, high=1.0, flag="--learning-rate", aliases=("--lr",),
                                   help="peak learning rate")
    batch_size: int = setting(4, low=1, high=4096, flag="--batch-size",
                              help="sequences per optimizer step, times grad_accum")
    grad_accum: int = setting(1, low=1, high=1024, flag="--grad-accum", help="gradient accumulation steps")
    micro_batch_size: int = setting(0, low=0, high=4096, flag="--micro-batch-size",
                                    help="sequences per forward pass; 0: 1 on CPU/MPS (no padding, least memory, "
                                         "the same gradient) and the whole batch on CUDA")
    epochs: float = setting(3.0, low=0.0, high=1000.0, flag="--epochs", help="passes over the training split")
    max_steps: int = setting(0, low=0, high=10**9, flag="--max-steps", help="cap on optimizer steps, 0 for none")
    warmup_ratio: float = setting(0.05, low=0.0, high=1.0, flag="--warmup-ratio", help="share of steps warming up")
    weight_decay: float = 0.0
    lr_scheduler: str = "linear"
    seed: int = setting(42, low=0, high=2**32 - 1, flag="--seed", help="random seed (shuffling, LoRA init, dropout)")
    # sequences
    max_length: int = setting(1024, low=16, high=1 << 20, flag="--max-length", help="tokens per sample")
    overlong: Literal["truncate", "drop"] = setting("truncate", choices=("truncate", "drop"), flag="--overlong",
                                                    help="what to do with samples over max length")
    packing: bool = setting(False, flag="--packing", help="pack samples into full sequences")
    conversation_size: int = setting(1, low=1, high=64, flag="--conversation-size",
                                     help="train on conversations of up to N related widgets, every answer "
                                          "scored: the shape of a prompt with retrieved examples; 1: each "
                                          "widget alone")
    gradient_checkpointing: bool = setting(False, flag="--gradient-checkpointing",
                                           help="recompute activations: ~1/3 slower, far less memory on long "
                                                "batches")
    # evaluation, checkpoints, stopping
    eval_steps: int = setting(0, low=0, high=10**9, flag="--eval-steps", help="validate every N steps, 0: every epoch")
    max_eval_samples: int = setting(0, low=0, high=10**9, flag="--max-eval-samples",
                                    help="validation samples used, 0: the whole validation split")
    early_stopping_patience: int = setting(0, low=0, high=1000, flag="--early-stopping",
                                           help="stop after N validations without improvement, 0: never")
    save_total_limit: int = 2
    max_minutes: float = setting(0.0, low=0.0, high=10080.0, flag="--max-minutes",
                                 help="time budget: the learning rate decays to zero by then and the best adapter "
                                      "so far is saved; 0: none")
    resume: bool = setting(False, flag="--resume",
                           help="continue the newest interrupted run (its settings; this call's --max-minutes)")
    continue_training: bool = setting(
        False, flag="--continue",
        help="warm-start from the active adapter and train on the widgets it has not learned (new or changed since "
             "it was trained) plus a replay of those it has; the new adapter becomes active only when it is not worse "
             "on the held-out split (validation loss, widgets passing every check)")
    replay: float = setting(1.0, low=0.0, high=100.0, flag="--replay",
                            help="with --continue: widgets it learned before trained again per new one")
    gate_samples: int = setting(6, low=0, high=1000, flag="--gate-samples",
                                help="with --continue: held-out descriptions each adapter writes a widget for in the "
                                     "gate, 0: validation loss alone")
    background: bool = setting(False, flag="--background",
                               help="train at a lower CPU priority on one thread, leaving the other cores to the "
                                    "editor (the language server also pauses it while it generates)")
    activate: Literal["if_better", "always", "never"] = setting(
        "if_better", choices=ACTIVATE_POLICIES, flag="--activate",
        help="make the new adapter the active one: if_better (default), when it validates better than the "
             "active one; always; or never")
    logging_steps: int = 1

    def validate(self) -> "TrainConfig":
        """Every declared range and choice (``range_problems``), then what ties settings together."""
        checks = [
            (self.epochs > 0 or self.max_steps > 0, "epochs (or max_steps) must be > 0."),
            (not self.micro_batch_size or self.batch_size % self.micro_batch_size == 0,
             "batch_size must be a multiple of micro_batch_size."),
            (bool(self.target_modules), "target_modules must name at least one module."),
        ]
        problems = range_problems(self) + [msg for ok, msg in checks if not ok]
        if problems:
            raise FlutterTuneError("Invalid training settings: " + " ".join(problems))
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def load_train_config(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> TrainConfig:
    """Defaults ← config file (JSON/TOML, guide keys accepted, unknown keys are errors) ← ``overrides``.

    ``overrides`` are CLI flags already converted to field names; None values are skipped. Both are read
    by the one converter (``dataset_tools.overrides.overlay``); any problem is refused, naming the file or
    the command line and the setting. Relative paths in the config file are taken relative to its folder.
    """
    config = TrainConfig()
    if path is not None:
        path = Path(path)
        config, problems = overlay(config, load_config_file(path), source=str(path),
                                   aliases={TrainConfig: GUIDE_KEYS})
        refuse(problems)
        for name in ("data_dir", "train_file", "eval_file", "adapters_dir"):
            value = getattr(config, name)
            if value is not None:
                given = user_path(value, f"{path}: setting '{name}'")
                config = dataclasses.replace(config, **{name: str(given if given.is_absolute() else path.parent / given)})
    if overrides:
        config, problems = overlay(config, {k: v for k, v in overrides.items() if v is not None}, source="command line")
        refuse(problems)
    return config.validate()
