"""`flutter-tune demo`: the whole product on the bundled example app (the pipeline: trainer.demo)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    from dataset_tools.flags import add_arguments

    from ..demo import DemoConfig

    parser = subparsers.add_parser("demo", help="harvest examples/, train, evaluate and generate, end to end")
    add_arguments(parser, DemoConfig)
    parser.add_argument("--progress-json", action="store_true", help="progress as JSON lines on stderr")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from dataset_tools.flags import from_flags
    from dataset_tools.progress import JsonLinesProgress, TqdmProgress

    from ..demo import DemoConfig, run_demo

    config = from_flags(DemoConfig, args)
    progress = JsonLinesProgress() if args.progress_json else TqdmProgress()
    run_demo(config, progress)
    return 0
