"""End-to-end fixtures: the real language server as a subprocess, driven by pytest-lsp.

``session`` is a client (see lsp_session.Session) whose ``initialize()`` configures the tiny model
from ``tiny_model_dir`` through ``initializationOptions`` (quantization "none"; sampling at temperature 1 so the random model writes non-empty text) and that
records what the user would see: ``statuses`` (flutterTune/status), ``edits``
(workspace/applyEdit), ``client.messages`` (window/showMessage) and ``client.progress_reports``.
"""

from __future__ import annotations

import sys

import pytest
import pytest_asyncio
import pytest_lsp
from lsp_session import Session
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "server", "serve"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """The server subprocess inherits this: its default data folders live in the test's tmp dir."""
    monkeypatch.setenv("FLUTTER_TUNE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")


@pytest_asyncio.fixture
async def session(client: LanguageClient, tiny_model_dir, tmp_path) -> Session:
    return Session(client, tiny_model_dir, tmp_path)


