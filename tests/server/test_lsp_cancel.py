"""Cancelling generation: $/cancelRequest, the progress Cancel button, and flutterTune.cancel.
Each stops the model between tokens, applies no edit, and leaves the server ready for more."""

from __future__ import annotations

import time

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

LONG = {"maxNewTokens": 1900, "timeLimitSeconds": 600.0}


def generating_token(session):
    for token, values in session.client.progress_reports.items():
        if values and values[0].title == "Flutter Tune: generating widget" and any(
                v.kind == "report" and v.message and "tokens" in v.message for v in values):
            return token
    return None


async def start_long_generation(session):
    await session.initialize(**LONG)
    uri = session.open("lib/x.dart", "\n")
    msg_id, fut = session.send_command("flutterTune.generate", {
        "uri": uri, "position": {"line": 0, "character": 0}, "instruction": "A very long screen of widgets"})
    token = await session.wait_for(lambda: generating_token(session), what="tokens being produced")
    return uri, msg_id, fut, token


async def assert_still_serving(session, uri):
    started = time.monotonic()
    result = await session.command("flutterTune.generate", {
        "uri": uri, "position": {"line": 0, "character": 0}, "instruction": "A small text", "maxNewTokens": 4})
    assert result["applied"] and result["newTokens"] <= 4
    assert time.monotonic() - started < 30  # the cancelled request no longer holds the model


async def test_cancel_request_stops_generation(session):
    uri, msg_id, fut, token = await start_long_generation(session)
    session.cancel_request(msg_id)
    with pytest.raises(JsonRpcRequestCancelled):
        await fut
    ends = await session.wait_for(lambda: [v for v in session.client.progress_reports[token] if v.kind == "end"],
                                  what="progress end")
    assert ends[0].message == "cancelled"
    assert session.edits == []
    await assert_still_serving(session, uri)


async def test_progress_cancel_button_stops_generation(session):
    uri, msg_id, fut, token = await start_long_generation(session)
    session.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await fut
    assert result["cancelled"] is True and result["applied"] is False
    assert session.edits == []
    await assert_still_serving(session, uri)


async def test_cancel_command_stops_generation_and_queued_requests(session):
    uri, msg_id, fut, token = await start_long_generation(session)
    _, queued = session.send_command("flutterTune.generate", {
        "uri": uri, "position": {"line": 0, "character": 0}, "instruction": "Queued behind the long one"})
    result = await session.command("flutterTune.cancel", {"job": "generate"})
    assert len(result["cancelled"]) == 2
    assert (await fut)["cancelled"] is True
    assert (await queued)["cancelled"] is True
    assert session.edits == []
    await assert_still_serving(session, uri)
