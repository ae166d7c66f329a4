"""`flutter-tune serve` starts the same server over stdio."""

from __future__ import annotations

import subprocess
import sys

import pytest_lsp
from lsp_session import Session
from pytest_lsp import ClientServerConfig, LanguageClient


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "server", "serve"]))
async def cli_client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def test_flutter_tune_serve_speaks_lsp(cli_client, tiny_model_dir, tmp_path):
    session = Session(cli_client, tiny_model_dir, tmp_path)
    result = await session.initialize()
    assert result.server_info.name == "flutter-tune"
    assert await session.command("flutterTune.listAdapters") == []


def test_serve_help_mentions_stdio():
    out = subprocess.run([sys.executable, "-m", "server", "serve", "--help"], capture_output=True, text=True,
                         check=True).stdout
    assert "stdio" in out
