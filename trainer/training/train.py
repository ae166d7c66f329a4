"""LoRA fine-tuning with TRL's SFTTrainer, tuned for CPUs, into a versioned adapter folder.

``train(config)`` loads the base (quantization chosen per device, trainer.models), formats the
dataset with the one prompt format (prompt/completion, so SFTTrainer masks prompt tokens with -100;
or conversations of related widgets with every answer scored, trainer.training.conversations),
trains one sequence per forward on the CPU (batches accumulated; on CUDA padded length-grouped
batches) with the loss scored at completion tokens only (trainer.training.completion_trainer), validates
every epoch (or N steps), keeps the best adapter,
and writes it atomically as ``<adapters_dir>/<UTC time>-<hash>/`` before moving ``LATEST``
(and ``ACTIVE``, when it validates better: see ``trainer.adapters.activate_if_better``).
One run at a time per adapters folder (an inter-process lock); each run checkpoints into its own
``<adapters_dir>/.checkpoints/<run>/`` until it completes, so ``resume`` continues the newest killed
or interrupted run and a new run never touches another run's checkpoints (``trainer.training.runs``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
import warnings
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import NULL_PROGRESS, Progress
from dataset_tools.split import record_fingerprint

from ..adapters import AdapterInfo, activate_after_training, active_adapter, new_adapter_name, save_adapter
from .config import TrainConfig
from .continued import (ContinuedStart, GateScores, continued_start, gate, passing_share, recorded_validation_loss,
                        rows_fingerprint)
from .data import LengthStats, Splits, load_splits, prepare, to_dataset
from .runs import RunFolder, finish_run, new_run, remove_unresumable_runs, resumable_run, training_lock
from .time_budget import TimeBudget

# PEFT/TRL still call the deprecated name; the notice means nothing to a user.
warnings.filterwarnings("ignore", message=r".*is_gradient_checkpointing.*", category=FutureWarning)

def adapters_home(config: TrainConfig) -> Path:
    from dataset_tools.paths import adapters_dir

    return adapters_dir(config.adapters_dir)


@dataclass
class TrainingRun:
    """A ready-to-train SFTTrainer and what it was built from."""

    config: TrainConfig
    trainer: object
    tokenizer: object
    splits: Splits
    train_stats: LengthStats
    eval_stats: LengthStats
    base_path: str
    run_folder: RunFolder
    resume_from: str | None
    device: str = "cpu"
    quantization: str = "none"                 # as resolved from config.quantization
    continued: ContinuedStart | None = None    # --continue: the adapter warmed from and the records chosen
    eval_fingerprint: str = ""                 # the validation rows as evaluated (continued.rows_fingerprint)

    @property
    def checkpoint_dir(self) -> Path:
        return self.run_folder.path


def micro_batch(config: TrainConfig, device: str) -> int:
    """Sequences per forward pass: the whole batch on CUDA; one on the CPU and MPS, where batching buys
    no parallelism, so padding and the activations of the other sequences would be pure cost."""
    return config.micro_batch_size or (config.batch_size if device == "cuda" else 1)


def sft_config(config: TrainConfig, device: str, output_dir: Path, has_eval: bool):
    """SFTConfig for LoRA runs: micro-batches accumulated to ``batch_size`` (the same gradient: TRL
    normalises the loss by the completion tokens of the whole step), bf16/fp16 autocast where it is
    faster (trainer.hardware), no gradient checkpointing unless asked, length-grouped batches."""
    from trl import SFTConfig

    from ..hardware import training_precision

    per_steps = config.eval_steps > 0
    strategy = ("steps" if per_steps else "epoch") if has_eval else "no"
    save_strategy = ("steps" if per_steps else "epoch")
    precision = training_precision(device)
    micro = micro_batch(config, device)
    return SFTConfig(
        output_dir=str(output_dir),
        per_device_train_batch_size=micro,
        per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum * config.batch_size // micro,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps if config.max_steps > 0 else -1,
        learning_rate=config.learning_rate,
        warmup_steps=config.warmup_ratio,          # a float < 1 is a ratio of the total steps
        weight_decay=config.weight_decay,
        lr_scheduler_type=config.lr_scheduler,
        seed=config.seed,
        data_seed=config.seed,
        logging_strategy="steps",
        logging_steps=config.logging_steps,
        eval_strategy=strategy,
        eval_steps=config.eval_steps if per_steps else None,
        save_strategy=save_strategy,
        save_steps=config.eval_steps if per_steps else 500,
        save_total_limit=config.save_total_limit,
        load_best_model_at_end=has_eval,
        metric_for_best_model="eval_loss" if has_eval else None,
        greater_is_better=False if has_eval else None,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        use_cpu=device == "cpu",
        activation_checkpointing=config.gradient_checkpointing,
        dataloader_num_workers=0,
        dataloader_pin_memory=device == "cuda",
        train_sampling_strategy="group_by_length",
        # TRL: prompt/completion → loss on the completion only; dynamic padding, truncation at max_length.
        max_length=config.max_length,
        truncation_mode="keep_start",
        completion_only_loss=True,
        packing=config.packing,
        pad_to_multiple_of=None,
        report_to="none",
        disable_tqdm=True,
        save_only_model=False,
        # transformers counts the tokens trained on (attention mask) and logs the running total as
        # ``num_input_tokens_seen``: the time budget and tokens/s are measured on it (trainer.training.callbacks).
        include_num_input_tokens_seen="non_padding",
    )


def run_fingerprint(config: TrainConfig, manifest_hash: str) -> str:
    keys = {k: v for k, v in config.to_dict().items() if k not in ("resume", "max_minutes", "adapters_dir", "activate")}
    return hashlib.sha256(json.dumps([keys, manifest_hash], sort_keys=True, default=str).encode()).hexdigest()


def resumed_config(config: TrainConfig) -> TrainConfig:
    """With ``resume``, the interrupted run's saved settings (keeping this call's time budget)."""
    run = resumable_run(adapters_home(config)) if config.resume else None
    if run is None:
        return config
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    saved = {k: v for k, v in run.config.items() if k in fields}
    return dataclasses.replace(TrainConfig(**saved), resume=True, max_minutes=config.max_minutes)


def _run_folder(config: TrainConfig, manifest_hash: str, progress: Progress) -> tuple[RunFolder, str | None]:
    """The run to continue (``resume``) or a new run folder; never another run's checkpoints."""
    root = adapters_home(config)
    if config.resume:
        run = resumable_run(root)
        if run is not None:
            return run, run.checkpoint
        progress.start("Training", None, f"nothing to resume in {root}; starting a new run")
    fingerprint = run_fingerprint(config, manifest_hash)
    return new_run(root, new_adapter_name(fingerprint), config.to_dict(), manifest_hash), None


def build_run(config: TrainConfig, progress: Progress = NULL_PROGRESS, callbacks=()) -> TrainingRun:
    """Load data and model and assemble the SFTTrainer, without training yet."""
    from peft import LoraConfig

    from ..hardware import limit_torch_threads
    from ..models import load_base, pick_device, resolve_base, resolve_quantization
    from .completion_trainer import CompletionSFTTrainer

    config = resumed_config(config).validate()
    splits = load_splits(config.data_dir, config.train_file, config.eval_file)
    base_path = resolve_base(config.base)
    device = pick_device(config.device)
    quantization = resolve_quantization(config.quantization, device, base_path)
    if device == "cpu":
        limit_torch_threads()
    continued = continued_start(adapters_home(config), splits.train, config.replay, config.seed) \
        if config.continue_training else None
    if continued is not None:
        _same_base(continued.adapter, base_path)
    model, tokenizer = load_base(config.base, quantization, device, for_training=True, progress=progress)
    training = continued.records if continued is not None else splits.train

    train_rows, train_stats = prepare(tokenizer, training, config.max_length, config.overlong,
                                      config.conversation_size)
    if not train_rows:
        raise FlutterTuneError(f"All {len(training)} training samples in {splits.source} are longer than "
                               f"max_length={config.max_length}; raise max_length or use overlong='truncate'.")
    eval_records = splits.validation[: config.max_eval_samples or None]
    eval_rows, eval_stats = prepare(tokenizer, eval_records, config.max_length, config.overlong)
    # Validation order does not matter: sorted by length, its batches carry almost no padding.
    eval_rows = [r for _, r in sorted(zip(eval_stats.lengths, eval_rows), key=lambda t: t[0])]
    has_eval = bool(eval_rows)

    run_folder, resume_from = _run_folder(config, splits.manifest_hash, progress)
    checkpoint_dir = run_folder.path

    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=list(config.target_modules), bias="none", task_type="CAUSAL_LM")
    if continued is not None:  # the active adapter's weights (and rank, modules) are the starting point
        from peft import PeftModel

        model, lora = PeftModel.from_pretrained(model, str(continued.adapter), is_trainable=True), None
    trainer = CompletionSFTTrainer(
        model=model,
        args=sft_config(config, device, checkpoint_dir, has_eval),
        train_dataset=to_dataset(train_rows),
        eval_dataset=to_dataset(eval_rows) if has_eval else None,
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=list(callbacks),
    )
    from transformers import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # it prints raw log dicts to stdout; progress goes through `progress`
    return TrainingRun(config, trainer, tokenizer, splits, train_stats, eval_stats, base_path,
                       run_folder, resume_from, device, quantization, continued,
                       rows_fingerprint(eval_rows, config.max_length))


def _same_base(adapter: Path, base_path: str) -> None:
    from ..adapters import adapter_base

    _, trained_on = adapter_base(adapter)
    if trained_on and Path(trained_on).resolve() != Path(base_path).resolve():
        raise FlutterTuneError(f"--continue: the active adapter {adapter.name} was trained on {trained_on}, not on "
                               f"{base_path}. Choose its base model (--base) or train anew without --continue.")


def _gate(run: TrainingRun, before: GateScores, new_loss: float | None):
    """Score the new adapter (the model's own now) and the one it was warmed from on the held-out split,
    and decide (``continued.gate``). The adapter loaded to compare is removed again before saving."""
    from ..generation.generate import GenerationSettings

    model, config = run.trainer.model, run.config
    held_out = run.splits.validation[: config.gate_samples]
    after = GateScores(validation_loss=new_loss)
    if held_out:
        settings = GenerationSettings(seed=config.seed, candidates=2)
        model.eval()
        new = passing_share(model, run.tokenizer, held_out, settings)
        model.load_adapter(str(run.continued.adapter), adapter_name="previous")
        model.set_adapter("previous")
        old = passing_share(model, run.tokenizer, held_out, settings)
        model.set_adapter("default")
        model.delete_adapter("previous")
        before = GateScores(before.validation_loss, old.passing, old.samples)
        after = GateScores(new_loss, new.passing, new.samples)
    return gate(before, after, run.continued.adapter.name)


def _loss_history(log_history: list[dict]) -> list[dict]:
    from .callbacks import TOKENS_SEEN

    keep = ("step", "epoch", "loss", "eval_loss", "learning_rate", TOKENS_SEEN)
    return [{k: e[k] for k in keep if k in e} for e in log_history if "loss" in e or "eval_loss" in e]


def train(config: TrainConfig, progress: Progress = NULL_PROGRESS, serving_backend: str | None = None,
          busy: Callable[[], bool] | None = None) -> AdapterInfo:
    """Train a LoRA adapter and save it as a new versioned folder; returns its AdapterInfo.

    Holds the adapters folder's training lock for the whole run (a second run fails at once).
    Ctrl-C or ``progress.cancel()`` saves a resumable checkpoint and raises TrainingInterrupted
    telling how to resume. ``max_minutes`` is the budget of the whole call and of the serving export
    the caller runs next for ``serving_backend`` (``prepare_after_training``; None: none follows):
    training stops early enough for them, the last validation and the save; the best adapter so far
    is saved. ``config.background`` trains at low priority on one thread; ``busy()`` (the editor
    generating) holds it between micro-batches (``training.background``).
    """
    from .background import low_priority

    budget = TimeBudget(config.max_minutes)
    budget.start()
    with training_lock(adapters_home(config)), (low_priority() if config.background else nullcontext()):
        return _train_locked(config, progress, budget, serving_backend, busy)


class TrainingInterrupted(FlutterTuneError):
    """Training stopped on request (Ctrl-C, cancel) after saving a checkpoint it can resume from."""

    def __init__(self, message: str, checkpoint: str | None) -> None:
        super().__init__(message)
        self.checkpoint = checkpoint


def _train_locked(config: TrainConfig, progress: Progress, budget: TimeBudget,
                  serving_backend: str | None, busy: Callable[[], bool] | None = None) -> AdapterInfo:
    from transformers import EarlyStoppingCallback

    from ..generation.serving import export_estimate_s
    from .background import YieldToGeneration
    from .callbacks import ProgressCallback, StopCallback, StopRequest, sigint_requests_stop

    stop = StopRequest()
    remove_unresumable_runs(adapters_home(config))
    callbacks = [ProgressCallback(progress, budget=budget)]
    run = build_run(config, progress, callbacks)
    config = run.config
    trainer = run.trainer
    has_eval = trainer.eval_dataset is not None
    trainer.time_budget = budget  # the learning rate decays to zero by the budget (trainer.training.time_budget)
    after_s = export_estimate_s(Path(run.base_path), serving_backend, run.device) if serving_backend else 0.0
    trainer.add_callback(StopCallback(stop, progress, budget, has_eval, eval_tokens=run.eval_stats.total_tokens,
                                      after_s=after_s))
    if has_eval and config.early_stopping_patience > 0:
        trainer.add_callback(EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience))
    yielding = YieldToGeneration(busy) if busy is not None else None
    if yielding is not None:
        trainer.add_callback(yielding)

    before = None
    if run.continued is not None:  # the active adapter on today's validation split: what the gate compares with
        loss = recorded_validation_loss(run.continued.adapter, run.eval_fingerprint) if has_eval else None
        if loss is None and has_eval:
            loss = trainer.evaluate()["eval_loss"]
        before = GateScores(validation_loss=loss)
    started, cpu_started = time.monotonic(), time.process_time()
    try:
        with sigint_requests_stop(stop):
            result = trainer.train(resume_from_checkpoint=run.resume_from)
    except OSError as exc:
        raise FlutterTuneError(f"Training failed while writing checkpoints to {run.checkpoint_dir}: "
                               f"{exc.strerror or exc}. Free disk space and run again with --resume; "
                               "earlier adapters are unchanged.") from exc
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
    state = trainer.state
    if stop.reason == "interrupt":
        checkpoint = resumable_run(adapters_home(config))
        progress.finish("interrupted; checkpoint saved")
        raise TrainingInterrupted(
            f"Training stopped at step {state.global_step}/{state.max_steps}; a checkpoint is in "
            f"{run.checkpoint_dir}. Resume it with `flutter-tune train --resume` or "
            "\"Resume Training\" in the editor.", checkpoint.checkpoint if checkpoint else None)

    history = _loss_history(state.log_history)
    eval_losses = [e["eval_loss"] for e in history if "eval_loss" in e]
    metrics = {
        "best_validation_loss": state.best_metric if has_eval else None,
        "last_validation_loss": eval_losses[-1] if eval_losses else None,
        "train_loss": result.training_loss,
        "steps": state.global_step,
        "max_steps": state.max_steps,
        "epochs": round(state.epoch or 0.0, 3),
        "train_seconds": round(seconds, 1),
        "train_cpu_seconds": round(cpu_seconds, 1),      # all threads; less sensitive to other load than seconds
        "paused_for_generation_seconds": round(yielding.paused_s, 1) if yielding is not None else 0.0,
        "stopped_by": stop.reason or ("early_stopping" if state.global_step < state.max_steps else "completed"),
        "completion_tokens_trained": trainer.completion_tokens_trained,
        "train_completion_tokens_per_second": round(trainer.completion_tokens_trained / max(seconds, 1e-9), 1),
        "train_samples": run.train_stats.to_dict(),
        "validation_samples": run.eval_stats.to_dict(),
        "truncated": run.train_stats.truncated + run.eval_stats.truncated,
        "dropped": run.train_stats.dropped + run.eval_stats.dropped,
    }
    metadata = {
        "base": config.base,
        "base_path": run.base_path,
        "dataset": run.splits.source,
        "dataset_manifest_hash": run.splits.manifest_hash,
        "validation_fingerprint": run.eval_fingerprint,  # what best_validation_loss was measured on
        "train_records": sorted({record_fingerprint(r) for r in run.splits.train}
                                | (run.continued.learned if run.continued is not None else set())),  # what it learned
        "config": config.to_dict(),
        "device": run.device,
        "quantization": run.quantization,
        "metrics": metrics,
        "loss_history": history,
    }
    previous = active_adapter(adapters_home(config))  # what is served now, before LATEST moves
    decided = None
    if run.continued is not None:
        progress.advance(0, "gate: the new adapter against the active one on the held-out split")
        decided = _gate(run, before, metrics["best_validation_loss"])
        metadata["continued_from"] = run.continued.adapter.name
        metadata["continued"] = {"new": len(run.continued.new), "replayed": len(run.continued.replay)}
        metadata["gate"] = decided.to_dict()
    info = save_adapter(trainer.model, run.tokenizer, adapters_home(config), metadata,
                        fingerprint=run_fingerprint(config, run.splits.manifest_hash))
    policy = config.activate if decided is None or config.activate != "if_better" else \
        ("always" if decided.switch else "never")
    info.activation = activate_after_training(adapters_home(config), info, policy, previous)
    if decided is not None and config.activate == "if_better":
        info.activation.reason = decided.reason
    finish_run(run.run_folder)
    progress.finish(f"saved {info.path}", adapter=str(info.path), best_validation_loss=metrics["best_validation_loss"])
    return info
