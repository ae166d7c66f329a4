"""`flutter-tune serve`: the language server over stdio."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="run the language server over stdio (for editors)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("flutter-tune serve: not implemented yet")
