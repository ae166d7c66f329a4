"""Start the language server over stdio: ``python -m server.lsp_main`` (or ``flutter-tune serve``).

stdout carries the protocol, so logging goes to stderr. No network port is opened.
"""

from __future__ import annotations

import logging
import os
import sys


def main(argv: list[str] | None = None) -> int:
    level = os.environ.get("FLUTTER_TUNE_LOG", "WARNING").upper()
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level, logging.WARNING),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from .app import build_server

    build_server().start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
