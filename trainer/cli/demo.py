"""`flutter-tune demo`: the whole product on the bundled example app (the pipeline: trainer.demo)."""

from __future__ import annotations

import argparse

from dataset_tools.paths import cli_path


def register(subparsers) -> None:
    from ..demo import DemoConfig

    defaults = DemoConfig()
    parser = subparsers.add_parser("demo", help="harvest examples/, train, evaluate and generate, end to end")
    parser.add_argument("--examples", default=defaults.examples, type=cli_path, help="Flutter project to learn from")
    parser.add_argument("-o", "--out-dir", default=defaults.out_dir, type=cli_path, help="where dataset, adapter and report go")
    parser.add_argument("--base", default=defaults.base)
    from ..models import QUANTIZATION_HELP, QUANTIZATIONS

    parser.add_argument("--quantization", choices=QUANTIZATIONS, default=defaults.quantization, help=QUANTIZATION_HELP)
    parser.add_argument("--train-minutes", type=float, default=defaults.train_minutes)
    parser.add_argument("--epochs", type=float, default=defaults.epochs)
    parser.add_argument("--conversation-size", type=int, default=defaults.conversation_size,
                        help=f"related widgets per training conversation (default {defaults.conversation_size}; "
                             "1: each widget alone)")
    parser.add_argument("--eval-limit", type=int, default=defaults.eval_limit)
    parser.add_argument("--no-retrieval", dest="retrieval", action="store_false")
    parser.add_argument("--description", default=defaults.description)
    parser.add_argument("--progress-json", action="store_true", help="progress as JSON lines on stderr")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from dataset_tools.progress import JsonLinesProgress, TqdmProgress

    from ..demo import DemoConfig, run_demo

    config = DemoConfig(examples=args.examples, out_dir=args.out_dir, base=args.base,
                        quantization=args.quantization, train_minutes=args.train_minutes, epochs=args.epochs,
                        conversation_size=args.conversation_size,
                        eval_limit=args.eval_limit, retrieval=args.retrieval, description=args.description)
    progress = JsonLinesProgress() if args.progress_json else TqdmProgress()
    run_demo(config, progress)
    return 0
