"""A bounded soak: 1,000 mixed requests (10% malformed, 20% cancelled) leave the server alive and correct."""

from __future__ import annotations

import asyncio
import random

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled

DART = """\
import 'package:flutter/material.dart';

// A row with an icon and a label, spaced evenly.

class Tag extends StatelessWidget {
  const Tag({super.key});
  @override
  Widget build(BuildContext context) => Padding(padding: EdgeInsets.zero, child: Text('tag'));
}
"""
TOTAL, BATCH = 1000, 50


async def test_soak_mixed_requests(session):
    await session.initialize(maxNewTokens=3)
    uri = session.open("lib/tag.dart", DART)
    rng = random.Random(7)
    counts = {"malformed": 0, "cancelled": 0, "generate": 0, "actions": 0, "adapters": 0, "cancel_cmd": 0}
    outcomes = {"error": 0, "cancel_error": 0, "ok": 0}

    def one():
        r = rng.random()
        if r < 0.10:
            counts["malformed"] += 1
            return "malformed", rng.choice([
                lambda: session.command("flutterTune.generate", {"uri": uri}),
                lambda: session.command("flutterTune.nothing"),
                lambda: session.raw_request("textDocument/codeAction", {"textDocument": None}),
                lambda: session.command("flutterTune.useAdapter", {"adapter": 5}),
            ])()
        if r < 0.30:
            counts["cancelled"] += 1
            msg_id, fut = session.send_command("flutterTune.generate", {
                "uri": uri, "position": {"line": 0, "character": 0}, "instruction": "A label with an icon"})
            session.cancel_request(msg_id)
            return "cancelled", fut
        if r < 0.40:
            counts["generate"] += 1
            return "generate", session.command("flutterTune.generate", {
                "uri": uri, "position": {"line": 1, "character": 0}, "instruction": "A divider with a caption"})
        if r < 0.80:
            counts["actions"] += 1
            return "actions", session.code_actions(uri, rng.randrange(0, 9), rng.randrange(0, 30))
        if r < 0.90:
            counts["adapters"] += 1
            return "adapters", session.command("flutterTune.listAdapters")
        counts["cancel_cmd"] += 1
        return "cancel_cmd", session.command("flutterTune.cancel", {"job": "nothing-running"})

    for start in range(0, TOTAL, BATCH):
        kinds, calls = zip(*(one() for _ in range(BATCH)))
        results = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 300)
        for kind, result in zip(kinds, results):
            if kind == "malformed":
                assert isinstance(result, JsonRpcException), result
                outcomes["error"] += 1
            elif kind == "cancelled":
                assert isinstance(result, JsonRpcRequestCancelled) or (
                    isinstance(result, dict) and "applied" in result), result
                outcomes["cancel_error" if isinstance(result, JsonRpcRequestCancelled) else "ok"] += 1
            else:
                assert not isinstance(result, BaseException), (kind, result)
                outcomes["ok"] += 1
                if kind == "generate":
                    assert result["applied"] is True
                if kind == "actions":
                    assert all(isinstance(a, types.CodeAction) for a in result)
    assert sum(counts.values()) == TOTAL
    assert 60 <= counts["malformed"] <= 140 and 150 <= counts["cancelled"] <= 250
    assert outcomes["cancel_error"] > 0
    # still alive and serving: a normal request works and nothing is left running
    final = await session.command("flutterTune.generate", {"uri": uri, "position": {"line": 0, "character": 0},
                                                           "instruction": "A final check widget"})
    assert final["applied"] is True
    await session.wait_for(lambda: (session.statuses[-1]["state"] == "ready"), what="ready")
    assert (await session.command("flutterTune.cancel"))["running"] == []
    assert session.errors() == []
