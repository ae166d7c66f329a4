"""`flutter-tune serve` is how every test here starts the server (conftest.SERVER); its help says stdio."""

from __future__ import annotations

import subprocess
import sys


def test_serve_help_mentions_stdio():
    out = subprocess.run([sys.executable, "-m", "server", "serve", "--help"], capture_output=True, text=True,
                         check=True).stdout
    assert "stdio" in out
