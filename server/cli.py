"""`flutter-tune`: the one entry point (console script, ``python -m server``, the editor's ``serve``).

Each layer registers its own subcommands — dataset_tools: harvest, dataset · trainer: train, export,
generate, eval, demo — and this module adds ``serve``, the language server over stdio. Subcommand
modules import heavy libraries (torch, transformers) only inside their handlers, so
``flutter-tune harvest`` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from dataset_tools import __version__
from dataset_tools import cli as dataset_cli
from dataset_tools.errors import FlutterTuneError
from trainer import cli as trainer_cli


def serve(args: argparse.Namespace) -> int:
    """Run the language server over stdio. stdout carries the protocol, so logs go to stderr; no port is opened."""
    level = (args.log_level or os.environ.get("FLUTTER_TUNE_LOG") or "WARNING").upper()
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level, logging.WARNING),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from .features import build_server
    from .runtime.jobs import join_threads

    build_server().start_io()  # returns after shutdown has cancelled the work and waited for its threads
    if join_threads(0):
        # A thread is still inside native code past that wait: end without the interpreter's teardown,
        # which would abort the process under it.
        logging.shutdown()
        os._exit(0)
    return 0


def register_serve(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="run the language server over stdio (for editors)")
    parser.add_argument("--stdio", action="store_true", help="accepted for editor compatibility (always stdio)")
    parser.add_argument("--log-level", default=None, metavar="LEVEL",
                        help="log level for stderr (DEBUG, INFO, WARNING); default WARNING or $FLUTTER_TUNE_LOG")
    parser.set_defaults(handler=serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flutter-tune",
        description="Fine-tune a code model on your own Flutter widgets.",
    )
    parser.add_argument("--version", action="version", version=f"flutter-tune {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    dataset_cli.register(subparsers)
    trainer_cli.register(subparsers)
    register_serve(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except FlutterTuneError as exc:
        print(f"flutter-tune: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("flutter-tune: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
