"""listAdapters / useAdapter, and the fallbacks: a missing adapter, an adapter for another base."""

from __future__ import annotations

import shutil

import pytest
from lsp_session import base_settings, make_adapter
from pygls.exceptions import JsonRpcException

POS = {"line": 0, "character": 0}


@pytest.fixture
def two_adapters(tiny_model_dir, tmp_path):
    adapters = tmp_path / "adapters"
    first = make_adapter(tiny_model_dir, adapters, 2.5, seed=1)
    second = make_adapter(tiny_model_dir, adapters, 1.5, seed=2)
    return first, second


async def generate(session, uri):
    return await session.command("flutterTune.generate", {"uri": uri, "position": POS,
                                                          "instruction": "A title bar with a back button"})


async def test_list_and_switch_adapters(session, two_adapters):
    first, second = two_adapters
    await session.initialize()
    listed = await session.command("flutterTune.listAdapters")
    assert [a["name"] for a in listed] == [second.name, first.name] or \
        sorted(a["name"] for a in listed) == sorted([first.name, second.name])
    by_name = {a["name"]: a for a in listed}
    assert by_name[second.name]["validationLoss"] == 1.5 and by_name[first.name]["validationLoss"] == 2.5
    assert by_name[second.name]["active"] is True  # LATEST points at the newest
    assert by_name[first.name]["active"] is False

    uri = session.open("lib/a.dart", "\n")
    assert (await generate(session, uri))["applied"]
    assert session.statuses[-1]["adapter"] == second.name

    switched = await session.command("flutterTune.useAdapter", {"adapter": first.name})
    assert switched["adapter"] == str(first.resolve()) and switched["name"] == first.name
    await session.wait_for(lambda: session.statuses[-1]["adapter"] == first.name, what="status adapter")
    listed = {a["name"]: a["active"] for a in await session.command("flutterTune.listAdapters")}
    assert listed == {first.name: True, second.name: False}
    assert (await generate(session, uri))["applied"]

    base_only = await session.command("flutterTune.useAdapter", None)
    assert base_only["adapter"] is None
    await session.wait_for(lambda: session.statuses[-1]["adapter"] is None, what="no adapter")
    assert session.warnings() == []


async def test_use_missing_adapter_is_an_error(session, two_adapters):
    await session.initialize()
    with pytest.raises(JsonRpcException, match="not found"):
        await session.command("flutterTune.useAdapter", {"adapter": "/no/such/adapter"})
    with pytest.raises(JsonRpcException, match="missing 'adapter'"):
        await session.command("flutterTune.useAdapter", {})
    assert len(await session.command("flutterTune.listAdapters")) == 2


async def test_missing_adapter_setting_falls_back_to_base_with_warning(session, tmp_path):
    await session.initialize(adapter=str(tmp_path / "gone"))
    uri = session.open("lib/a.dart", "\n")
    assert (await generate(session, uri))["applied"]
    assert any("not found" in w and "base model" in w for w in session.warnings())
    assert session.statuses[-1]["adapter"] is None


async def test_adapter_for_another_base_falls_back_with_warning(session, tiny_model_dir, tmp_path):
    other_base = tmp_path / "other-base"
    shutil.copytree(tiny_model_dir, other_base)
    adapter = make_adapter(other_base, tmp_path / "adapters", 1.0)
    await session.initialize(base_settings(tiny_model_dir, tmp_path, adapter=str(adapter)))
    uri = session.open("lib/a.dart", "\n")
    assert (await generate(session, uri))["applied"]
    warning = next(w for w in session.warnings() if "trained on base model" in w)
    assert str(other_base) in warning and "without an adapter" in warning
    assert session.statuses[-1]["adapter"] is None
