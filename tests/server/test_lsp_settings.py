"""initialize with settings, warnings for bad settings, didChangeConfiguration (push and pull)."""

from __future__ import annotations

from lsprotocol import types

from lsp_session import base_settings


async def test_initialize_with_settings_reports_capabilities_and_status(session):
    result = await session.initialize()
    caps = result.capabilities
    assert result.server_info.name == "flutter-tune"
    assert set(caps.execute_command_provider.commands) == {
        "flutterTune.generate", "flutterTune.harvest", "flutterTune.train", "flutterTune.evaluate",
        "flutterTune.listAdapters", "flutterTune.useAdapter", "flutterTune.cancel"}
    assert caps.code_action_provider.resolve_provider is True
    status = await session.wait_for(lambda: session.statuses, what="status")
    assert status[-1]["state"] == "idle"
    assert status[-1]["base"] == str(session.tiny_model_dir)
    assert status[-1]["adapter"] is None  # "active" resolves to no adapter: none is trained yet
    assert session.warnings() == []


async def test_bad_settings_become_warnings_not_crashes(session):
    settings = base_settings(session.tiny_model_dir, session.tmp_path, maxNewTokens="many", colour="blue",
                             quantization="3bit", retrieval={"k": "two", "tokenBudget": 64})
    await session.initialize(settings)
    warnings = await session.wait_for(lambda: len(session.warnings()) >= 4 and session.warnings(), what="warnings")
    text = "\n".join(warnings)
    assert "'maxNewTokens' should be int" in text
    assert "unknown setting 'colour'" in text
    assert "'quantization' should be one of auto, 8bit, 4bit, none" in text
    assert "retrieval" in text and "'k' should be int" in text
    # the server still works: listing adapters answers
    assert await session.command("flutterTune.listAdapters") == []


async def test_did_change_configuration_push_and_pull(session):
    await session.initialize()
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flutterTune": {"maxNewTokens": -3, "topP": 2}}))
    await session.wait_for(lambda: len(session.warnings()) >= 2, what="range warnings")
    assert any("maxNewTokens" in w and "between" in w for w in session.warnings())
    # pull model: the client sends no settings; the server asks with workspace/configuration
    session.client.set_configuration({"baseModel": 42}, section="flutterTune")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await session.wait_for(lambda: any("'baseModel' should be str" in w for w in session.warnings()),
                           what="pulled-settings warning")
    assert await session.command("flutterTune.cancel") == {"cancelled": [], "running": []}


async def test_non_object_initialization_options(session):
    await session.initialize(settings=["not", "an", "object"])
    await session.wait_for(lambda: any("should be an object" in w for w in session.warnings()), what="warning")
