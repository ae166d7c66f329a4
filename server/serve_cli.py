"""`flutter-tune serve`: the language server over stdio (for editors; no network port)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="run the language server over stdio (for editors)")
    parser.add_argument("--stdio", action="store_true", help="accepted for editor compatibility (always stdio)")
    parser.add_argument("--log-level", default=None, metavar="LEVEL",
                        help="log level for stderr (DEBUG, INFO, WARNING); default WARNING or $FLUTTER_TUNE_LOG")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import os

    if args.log_level:
        os.environ["FLUTTER_TUNE_LOG"] = args.log_level
    from .lsp_main import main

    return main()
