"""The flags `generate` and `eval` share — which model, adapter and backend, how to generate, which examples
to retrieve — and reading them back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dataset_tools.paths import cli_path


def add_model_options(parser: argparse.ArgumentParser, adapter_default: str | None, adapter_help: str) -> None:
    from ..models import DEVICE_HELP, DEVICES, QUANTIZATION_HELP, QUANTIZATIONS

    parser.add_argument("--base", default=None,
                        help="base model: 'default' (embedded SmolLM2-135M), a local folder or a hub id "
                             "(default: the adapter's own base, else 'default')")
    parser.add_argument("--adapter", default=adapter_default, help=adapter_help)
    parser.add_argument("--adapters-dir", default=None, type=cli_path, metavar="DIR",
                        help="where adapters live (default: <FLUTTER_TUNE_HOME or user data dir>/adapters)")
    parser.add_argument("--quantization", choices=QUANTIZATIONS, default="auto", help=QUANTIZATION_HELP)
    parser.add_argument("--device", choices=DEVICES, default="auto", help=DEVICE_HELP)
    from dataset_tools.settings import spec

    from ..generation.generate import GenerationSettings
    from ..retrieval.examples import RetrievalSettings

    def declared(owner, name: str, **kwargs) -> None:
        meta = spec(owner, name)
        parser.add_argument(meta["flag"], default=meta["default"],
                            help=f"{meta['help']} ({meta['low']}–{meta['high']}; default {meta['default']})",
                            **kwargs)

    declared(GenerationSettings, "max_new_tokens", type=int, metavar="N")
    declared(GenerationSettings, "temperature", type=float)
    declared(GenerationSettings, "top_p", type=float)
    declared(GenerationSettings, "time_limit_s", type=float, metavar="SECONDS")
    declared(GenerationSettings, "candidates", type=int, metavar="N")
    parser.add_argument("--backend", choices=("auto", "onnx", "torch"), default="auto",
                        help="auto (default): ONNX Runtime int8 on the CPU, transformers on CUDA")
    parser.add_argument("--seed", type=int, default=None, help="random seed for sampling")
    parser.add_argument("--data", default=None, type=cli_path, metavar="DIR",
                        help="dataset folder (train/test.jsonl; its train split is the retrieval index) "
                             "(default: <FLUTTER_TUNE_HOME or user data dir>/dataset)")
    parser.add_argument("--no-retrieval", dest="retrieval", action="store_false",
                        help="do not show the nearest training widgets as examples in the prompt")
    declared(RetrievalSettings, "k", type=int, metavar="K")
    declared(RetrievalSettings, "token_budget", type=int, metavar="TOKENS")


def settings_from_args(args):
    from ..generation.generate import GenerationSettings

    settings = GenerationSettings(max_new_tokens=args.max_new_tokens, temperature=args.temperature,
                                  top_p=args.top_p, time_limit_s=args.time_limit, candidates=args.candidates,
                                  seed=args.seed)
    settings.validate()
    return settings


def retrieval_from_args(args):
    from dataset_tools.paths import default_dataset_dir

    from ..retrieval.examples import RetrievalSettings

    data_dir = Path(args.data) if args.data is not None else default_dataset_dir()
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.settings import range_problems

    settings = RetrievalSettings(enabled=args.retrieval, k=args.retrieval_k, token_budget=args.retrieval_budget)
    problems = range_problems(settings)
    if problems:
        raise FlutterTuneError(" ".join(problems))
    return settings, data_dir


def resolve_adapter_arg(args) -> Path | None:
    """The adapter ``--adapter`` names; says on stderr when the active one's folder is gone."""
    from dataset_tools.paths import adapters_dir

    from ..adapters import missing_active_message, resolve_adapter

    root = adapters_dir(args.adapters_dir)
    missing = missing_active_message(root) if str(args.adapter).strip().lower() == "active" else None
    if missing:
        print(f"flutter-tune: {missing}", file=sys.stderr)
    return resolve_adapter(root, args.adapter)
