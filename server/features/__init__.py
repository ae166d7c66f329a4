"""The server's features, one module each, listed by ``build_server``. Features do not import each other:
what two of them need lives in ``server.runtime`` (an import-linter contract checks it)."""

from __future__ import annotations


def build_server():
    """The language server with every feature registered."""
    from ..app import FlutterTuneServer
    from . import adapters, code_actions, evaluate, generate, harvest, jobs, learning, lifecycle, train

    server = FlutterTuneServer()
    # settings and session lifecycle, code actions, then one feature per command group
    for feature in (lifecycle, code_actions, generate, harvest, learning, train, evaluate, adapters, jobs):
        feature.register(server)
    return server
