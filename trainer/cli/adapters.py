"""`flutter-tune adapters` (list trained adapters, pick the active one) and `flutter-tune export` (merge one
into its base model)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from dataset_tools.paths import cli_path
from dataset_tools.settings import same_setting, setting

from ..adapters import AdapterChoice


@dataclass
class ExportOptions:
    """The settings of `flutter-tune export`."""

    adapter: str = same_setting(AdapterChoice, "adapter")
    adapters_dir: str | None = same_setting(AdapterChoice, "adapters_dir")
    base: str | None = setting(None, flag="--base", help="base model (default: the one the adapter was trained on)")


@dataclass
class ListOptions:
    """The settings of `flutter-tune adapters`."""

    adapters_dir: str | None = same_setting(AdapterChoice, "adapters_dir")


def register(subparsers) -> None:
    _add_export(subparsers)
    _add_adapters(subparsers)


def _add_export(subparsers) -> None:
    from dataset_tools.flags import add_arguments

    p = subparsers.add_parser("export", help="merge an adapter into its base model",
                              description="Merge a LoRA adapter into a full-precision copy of its base model.")
    add_arguments(p, ExportOptions)
    p.add_argument("--merge", action="store_true", required=True, help="merge LoRA weights into the base")
    p.add_argument("-o", "--output", required=True, type=cli_path, metavar="DIR", help="folder for the merged model")
    p.set_defaults(handler=run_export)


def run_export(args) -> int:
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.flags import from_flags
    from dataset_tools.paths import adapters_dir
    from dataset_tools.progress import TqdmProgress

    from ..adapters import resolve_adapter
    from ..export import merge_adapter

    options = from_flags(ExportOptions, args)
    root = adapters_dir(options.adapters_dir)
    adapter = resolve_adapter(root, options.adapter)
    if adapter is None:
        raise FlutterTuneError(f"No adapter found in {root}. Train one with `flutter-tune train`.")
    out = merge_adapter(adapter, args.output, base=options.base, progress=TqdmProgress())
    print(f"Merged model saved to {out}")
    return 0


def _add_adapters(subparsers) -> None:
    from dataset_tools.flags import add_arguments

    p = subparsers.add_parser("adapters", help="list trained adapters (newest first; * = active) or pick one",
                              description="List trained adapters, newest first; * marks the active one, "
                                          "which generate, eval and the editor use by default.")
    add_arguments(p, ListOptions)
    p.add_argument("--use", metavar="NAME", help="make adapter NAME (or 'none' for the base model) the active one")
    p.add_argument("--rollback", action="store_true",
                   help="make active again the adapter the active one was continued from (train --continue)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=run_adapters)


def run_adapters(args) -> int:
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.flags import from_flags
    from dataset_tools.paths import adapters_dir

    from ..adapters import (active_adapter, info_for, latest_name, list_adapters, missing_active_message,
                           resolve_adapter, set_active)
    from ..training.runs import resumable_run

    root = adapters_dir(from_flags(ListOptions, args).adapters_dir)
    if args.rollback:
        current = active_adapter(root)
        earlier = info_for(current).continued_from if current is not None else None
        if earlier is None or resolve_adapter(root, earlier) is None:
            raise FlutterTuneError(f"Nothing to roll back to: the active adapter "
                                   f"{current.name if current else '(none)'} was not continued from another one "
                                   "that is still there. Pick one with `flutter-tune adapters --use NAME`.")
        set_active(root, resolve_adapter(root, earlier))
        print(f"Active adapter: {earlier} (rolled back from {current.name})")
        return 0
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
        print(f"{mark} {a.name}  base={a.base}  best_val_loss={loss}  created={a.created}{tag}{_gate_text(a)}")
    if adapters and active is None:
        print("No adapter is active: generation uses the base model alone.")
    interrupted = resumable_run(root)
    if interrupted is not None:
        print(f"An interrupted run can be resumed (step {interrupted.step}): `flutter-tune train --resume`.")
    return 0


def _gate_text(adapter) -> str:
    """``  gate: switched (…)`` or ``  gate: kept, not used (…)`` for an adapter trained with --continue."""
    if not adapter.gate:
        return ""
    verdict = "switched" if adapter.gate.get("switch") else "kept, not used"
    return f"\n    continued from {adapter.continued_from}; gate: {verdict} ({adapter.gate.get('reason', '')})"
