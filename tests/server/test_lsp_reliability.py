"""Bad input never takes the server down: malformed params, unknown commands, non-Dart documents,
a model that cannot load (an error shown, then a working retry after fixing the setting)."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcMethodNotFound

POS = {"line": 0, "character": 0}


async def alive(session):
    assert await session.command("flutterTune.cancel") == {"cancelled": [], "running": []}


async def test_malformed_params_get_invalid_params_errors(session):
    await session.initialize()
    uri = session.open("lib/a.dart", "\n")
    bad_generate = [
        {"uri": uri, "position": POS},                                   # no instruction
        {"uri": uri, "position": {"line": -1, "character": 0}, "instruction": "x y z"},
        {"uri": uri, "position": "start", "instruction": "x y z"},
        {"uri": 42, "position": POS, "instruction": "x y z"},
        {"uri": uri, "position": POS, "instruction": "x", "maxNewTokens": "many"},
    ]
    for args in bad_generate:
        with pytest.raises(JsonRpcInvalidParams):
            await session.command("flutterTune.generate", args)
    with pytest.raises(JsonRpcInvalidParams):
        await session.command("flutterTune.generate", 1, 2, 3, 4)
    # requests whose params do not even deserialize are answered (not left hanging)
    for method, params in [("textDocument/codeAction", {"textDocument": 5}),
                           ("workspace/executeCommand", {"command": 7}),
                           ("codeAction/resolve", "nonsense")]:
        with pytest.raises(JsonRpcException) as info:
            await session.raw_request(method, params)
        assert info.value.code == JsonRpcInvalidParams.CODE
    await alive(session)


async def test_unknown_command_and_method(session):
    await session.initialize()
    with pytest.raises(JsonRpcException, match="not defined"):
        await session.command("flutterTune.explode")
    with pytest.raises(JsonRpcMethodNotFound):
        await session.raw_request("flutterTune/nope", {})
    await alive(session)


async def test_non_dart_document_is_refused(session):
    await session.initialize()
    uri = session.open("README.md", "# hi\n", language="markdown")
    with pytest.raises(JsonRpcException, match="not a Dart file"):
        await session.command("flutterTune.generate", {"uri": uri, "position": POS, "instruction": "A button"})
    missing = (session.tmp_path / "missing.dart").as_uri()
    assert await session.code_actions(missing, 0, 0) == []
    await alive(session)


async def test_model_load_failure_is_shown_and_the_server_recovers(session, tmp_path):
    await session.initialize(baseModel=str(tmp_path / "no-model-here"))
    uri = session.open("lib/a.dart", "\n")
    with pytest.raises(JsonRpcException, match="no-model-here"):
        await session.command("flutterTune.generate", {"uri": uri, "position": POS, "instruction": "A button"})
    await session.wait_for(lambda: any("no-model-here" in e for e in session.errors()), what="shown error")
    await session.wait_for(lambda: session.statuses[-1]["state"] == "error", what="error status")
    assert "no-model-here" in session.statuses[-1]["message"]
    # an impossible device is reported the same way
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flutterTune": {"baseModel": str(session.tiny_model_dir), "device": "cuda"}}))
    with pytest.raises(JsonRpcException, match="cuda"):
        await session.command("flutterTune.generate", {"uri": uri, "position": POS, "instruction": "A button"})
    # fixing the setting makes the next request work, in the same server process
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flutterTune": {"device": "cpu"}}))
    result = await session.command("flutterTune.generate", {"uri": uri, "position": POS, "instruction": "A button"})
    assert result["applied"]
    await session.wait_for(lambda: session.statuses[-1]["state"] == "ready", what="ready")


async def test_edit_rejected_by_client_is_reported(session):
    await session.initialize(maxNewTokens=6)
    session.apply_result = False
    uri = session.open("lib/a.dart", "\n")
    result = await session.command("flutterTune.generate", {"uri": uri, "position": POS, "instruction": "A button"})
    assert result["applied"] is False
    assert any("did not apply" in w for w in session.warnings())
