"""`flutter-tune train`: a LoRA adapter from a harvested dataset.

Flags override the config file (JSON/TOML, the guide's config.json keys accepted), which
overrides TrainConfig's defaults. Heavy imports happen inside the handlers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from dataset_tools.paths import cli_path
from dataset_tools.settings import same_setting

from ..generation.serving import BackendSetting


@dataclass
class AfterTraining:
    """What `flutter-tune train` prepares once the adapter is saved."""

    backend: str = same_setting(BackendSetting, "backend",
                                help="generation backend to prepare the new adapter for (auto: export the ONNX "
                                     "serving model right away on a CPU; torch: skip)")


def register(subparsers) -> None:
    from dataset_tools.flags import add_arguments

    from ..training.config import TrainConfig

    p = subparsers.add_parser("train", help="fine-tune a LoRA adapter on a harvested dataset",
                              description="Train a LoRA adapter on a harvested dataset. Flags override the "
                                          "config file, which overrides the defaults "
                                          "(trainer.training.config.TrainConfig).")
    p.add_argument("--config", type=cli_path, metavar="FILE", help="JSON/TOML settings (the guide's config.json keys work)")
    add_arguments(p, TrainConfig)
    add_arguments(p, AfterTraining)
    p.add_argument("--progress-json", action="store_true", help="machine-readable progress on stdout")
    p.set_defaults(handler=run_train)


def _progress(args):
    from dataset_tools.progress import JsonLinesProgress, TqdmProgress

    return JsonLinesProgress(sys.stdout) if getattr(args, "progress_json", False) else TqdmProgress()


def run_train(args) -> int:
    from dataset_tools.flags import from_flags, given_flags

    from ..training.config import TrainConfig, load_train_config
    from ..training.train import train

    config = load_train_config(args.config, given_flags(args, TrainConfig))
    backend = from_flags(AfterTraining, args).backend
    progress = _progress(args)
    if config.max_minutes and not args.progress_json:
        print(f"flutter-tune: the whole run ends within {config.max_minutes:g} min: training stops early enough "
              "for the last validation, saving and preparing the serving model.", file=sys.stderr)
    serving_backend = backend if backend != "torch" else None
    info = train(config, progress, serving_backend)
    if serving_backend is not None:
        from ..generation.serving import prepare_after_training

        prepare_after_training(info.path, config.base, serving_backend, config.device, progress)
    best = info.best_validation_loss
    if args.progress_json:
        return 0
    print(f"Adapter saved to {info.path}" + (f" (best validation loss {best:.4f})" if best is not None else ""))
    if info.activation is not None:
        act = info.activation
        print(f"It is now the active adapter ({act.reason})." if act.activated else
              f"The active adapter is still {act.previous or 'the base model'} ({act.reason}); "
              f"use `flutter-tune adapters --use {info.name}` to switch.")
    metrics = info.metrics
    if metrics.get("truncated") or metrics.get("dropped"):
        print(f"Samples over max length: {metrics.get('truncated', 0)} truncated, {metrics.get('dropped', 0)} dropped.")
    return 0
