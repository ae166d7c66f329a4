"""`flutter-tune`: one command line, each layer registering its own subcommands.

dataset_tools: harvest, dataset · trainer: train, export, generate, eval, demo · server: serve.
Subcommand modules import heavy libraries (torch, transformers) only inside their handlers,
so `flutter-tune harvest` stays fast.
"""

from __future__ import annotations

import argparse
import sys

from dataset_tools import __version__
from dataset_tools import cli as dataset_cli
from dataset_tools.errors import FlutterTuneError
from trainer import cli as trainer_cli

from . import serve_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flutter-tune",
        description="Fine-tune a code model on your own Flutter widgets.",
    )
    parser.add_argument("--version", action="version", version=f"flutter-tune {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (dataset_cli, trainer_cli, serve_cli):
        module.register(subparsers)
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
