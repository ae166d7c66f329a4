"""`flutter-tune train`, `flutter-tune export` and `flutter-tune adapters` subcommands.

Flags override the config file (JSON/TOML, the guide's config.json keys accepted), which
overrides TrainConfig's defaults. Heavy imports happen inside the handlers.
"""

from __future__ import annotations

import argparse
import json
import sys

from dataset_tools.paths import cli_path

def _add_train(subparsers) -> None:
    from dataset_tools.settings import add_arguments

    from .config import TrainConfig

    p = subparsers.add_parser("train", help="fine-tune a LoRA adapter on a harvested dataset",
                              description="Train a LoRA adapter on a harvested dataset. Flags override the "
                                          "config file, which overrides the defaults (trainer.config.TrainConfig).")
    p.add_argument("--config", type=cli_path, metavar="FILE", help="JSON/TOML settings (the guide's config.json keys work)")
    add_arguments(p, TrainConfig)
    p.add_argument("--backend", choices=["auto", "onnx", "torch"], default="auto",
                   help="generation backend to prepare the new adapter for (auto: export the ONNX serving "
                        "model right away on a CPU; torch: skip)")
    p.add_argument("--progress-json", action="store_true", help="machine-readable progress on stdout")
    p.set_defaults(handler=run_train)


def _progress(args):
    from dataset_tools.progress import JsonLinesProgress, TqdmProgress

    return JsonLinesProgress(sys.stdout) if getattr(args, "progress_json", False) else TqdmProgress()


def run_train(args) -> int:
    from .config import load_train_config
    from .train import train

    from dataclasses import fields

    from .config import TrainConfig

    overrides = {f.name: getattr(args, f.name, None) for f in fields(TrainConfig)}
    config = load_train_config(args.config, overrides)
    progress = _progress(args)
    if config.max_minutes and not args.progress_json:
        print(f"flutter-tune: the whole run ends within {config.max_minutes:g} min: training stops early enough "
              "for the last validation, saving and preparing the serving model.", file=sys.stderr)
    serving_backend = args.backend if args.backend != "torch" else None
    info = train(config, progress, serving_backend)
    if serving_backend is not None:
        from .generation.serving import prepare_after_training

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


def _add_export(subparsers) -> None:
    p = subparsers.add_parser("export", help="merge an adapter into its base model",
                              description="Merge a LoRA adapter into a full-precision copy of its base model.")
    p.add_argument("--adapter", default="active", help="adapter folder or name, 'active' (default) or 'latest'")
    p.add_argument("--adapters-dir", type=cli_path, metavar="DIR", help="where versioned adapters live")
    p.add_argument("--base", help="base model (default: the one the adapter was trained on)")
    p.add_argument("--merge", action="store_true", required=True, help="merge LoRA weights into the base")
    p.add_argument("-o", "--output", required=True, type=cli_path, metavar="DIR", help="folder for the merged model")
    p.set_defaults(handler=run_export)


def _adapters_dir(args):
    from dataset_tools.paths import adapters_dir

    return adapters_dir(getattr(args, "adapters_dir", None))


def run_export(args) -> int:
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.progress import TqdmProgress

    from .adapters import resolve_adapter
    from .export import merge_adapter

    adapter = resolve_adapter(_adapters_dir(args), args.adapter)
    if adapter is None:
        raise FlutterTuneError(f"No adapter found in {_adapters_dir(args)}. Train one with `flutter-tune train`.")
    out = merge_adapter(adapter, args.output, base=args.base, progress=TqdmProgress())
    print(f"Merged model saved to {out}")
    return 0


def _add_adapters(subparsers) -> None:
    p = subparsers.add_parser("adapters", help="list trained adapters (newest first; * = active) or pick one",
                              description="List trained adapters, newest first; * marks the active one, "
                                          "which generate, eval and the editor use by default.")
    p.add_argument("--adapters-dir", type=cli_path, metavar="DIR")
    p.add_argument("--use", metavar="NAME", help="make adapter NAME (or 'none' for the base model) the active one")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=run_adapters)


def run_adapters(args) -> int:
    from dataset_tools.errors import FlutterTuneError

    from .adapters import (active_adapter, latest_name, list_adapters, missing_active_message, resolve_adapter,
                           set_active)
    from .runs import resumable_run

    root = _adapters_dir(args)
    if args.use is not None:
        if not args.use.strip():
            raise FlutterTuneError("--use needs an adapter's name (see `flutter-tune adapters`), or 'none' for the "
                                   "base model alone.")
        chosen = resolve_adapter(root, args.use)
        set_active(root, chosen)
        print(f"Active adapter: {chosen.name if chosen else 'none (the base model alone)'}")
        return 0
    adapters = list_adapters(root)
    active = active_adapter(root)
    missing = missing_active_message(root)
    if missing:
        print(f"flutter-tune: {missing}", file=sys.stderr)
    active_name = active.name if active is not None else None
    if args.json:
        print(json.dumps([dict(a.to_dict(), active=a.name == active_name) for a in adapters], indent=2))
        return 0
    if not adapters:
        print(f"No adapters in {root}. Train one with `flutter-tune train`.")
    latest = latest_name(root)
    for a in adapters:
        loss = f"{a.best_validation_loss:.4f}" if a.best_validation_loss is not None else "-"
        mark = "*" if a.name == active_name else " "
        tag = "  (latest)" if a.name == latest else ""
        print(f"{mark} {a.name}  base={a.base}  best_val_loss={loss}  created={a.created}{tag}")
    if adapters and active is None:
        print("No adapter is active: generation uses the base model alone.")
    interrupted = resumable_run(root)
    if interrupted is not None:
        print(f"An interrupted run can be resumed (step {interrupted.step}): `flutter-tune train --resume`.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    _add_train(subparsers)
    _add_export(subparsers)
    _add_adapters(subparsers)
