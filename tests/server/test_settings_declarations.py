"""Every editor setting is declared once, in Python; the extension's package.json must agree with it."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from server.runtime.converter import converter
from server.settings import ServerSettings, merge_settings
from trainer.retrieval.examples import RetrievalSettings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = json.loads((ROOT / "extension" / "package.json").read_text(encoding="utf-8"))
PROPERTIES = PACKAGE["contributes"]["configuration"]["properties"]


def declared() -> list[tuple[str, dataclasses.Field]]:
    fields = [(f.metadata["key"], f) for f in dataclasses.fields(ServerSettings) if f.metadata.get("key")]
    fields += [(f.metadata["key"], f) for f in dataclasses.fields(RetrievalSettings)]
    return fields


@pytest.mark.parametrize("key,field", declared(), ids=[k for k, _ in declared()])
def test_package_json_matches_the_python_declaration(key, field):
    prop = PROPERTIES.get(f"flutterTune.{key}")
    assert prop is not None, f"flutterTune.{key} is missing from extension/package.json"
    default = field.default
    assert prop["default"] == ("" if default is None else default), key
    meta = field.metadata
    if meta.get("low") is not None:
        assert prop.get("minimum") == meta["low"], key
        assert prop.get("maximum") == meta["high"], key
    else:
        assert "minimum" not in prop and "maximum" not in prop, key
    if meta.get("choices"):
        assert prop.get("enum") == list(meta["choices"]), key
    if meta.get("help"):
        assert prop.get("description") == meta["help"] or prop.get("markdownDescription") == meta["help"], key


def test_the_converter_reads_and_writes_settings_under_their_declared_keys():
    raw = converter.unstructure(ServerSettings())
    keys = {k for k in raw if k != "retrieval"} | {f"retrieval.{k}" for k in raw["retrieval"]}
    assert keys == {key for key, _ in declared()}
    assert converter.structure(raw, ServerSettings) == ServerSettings()


def test_the_extension_sends_every_declared_key_and_no_other():
    source = (ROOT / "extension" / "src" / "settings.ts").read_text(encoding="utf-8")
    block = re.search(r"SERVER_KEYS = \[(.*?)\] as const", source, re.S).group(1)
    sent = set(re.findall(r'"([\w.]+)"', block))
    assert sent == {key for key, _ in declared()}
    client_only = {k.removeprefix("flutterTune.") for k in PROPERTIES} - sent
    assert client_only <= {"pythonPath"}


@pytest.mark.parametrize("values", [{"maxNewTokens": 5000}, {"topP": 0}, {"temperature": -1},
                                    {"retrieval": {"tokenBudget": 99999}}, {"quantization": "3bit"}])
def test_out_of_range_values_are_refused_with_a_warning(values):
    settings, warnings = merge_settings(ServerSettings(), values)
    assert settings == ServerSettings() and len(warnings) == 1
    key = next(iter(values))
    assert key in warnings[0] and "kept" in warnings[0]
