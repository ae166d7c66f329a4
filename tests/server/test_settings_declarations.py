"""Every setting is declared once, in Python; the extension's package.json and the command line must agree with it."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import typing
from pathlib import Path

import pytest

from dataset_tools.converter import converter
from dataset_tools.errors import FlutterTuneError
from dataset_tools.flags import from_flags, shown
from server.cli import build_parser
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


# ---- the command line: every declared flag, generated from its declaration ---------------------------------

def _commands() -> dict[str, tuple[type, ...]]:
    """The settings dataclasses each command generates its flags from."""
    from dataset_tools.dataset import DatasetConfig
    from dataset_tools.harvest import HarvestConfig
    from trainer.cli.adapters import ExportOptions, ListOptions
    from trainer.cli.model_options import ModelOptions
    from trainer.cli.train import AfterTraining
    from trainer.demo import DemoConfig
    from trainer.generation.analyzer import FlutterSdkSetting
    from trainer.generation.generate import GenerationSettings
    from trainer.training.config import TrainConfig

    model = (ModelOptions, GenerationSettings, RetrievalSettings)
    return {"harvest": (HarvestConfig, DatasetConfig), "dataset": (DatasetConfig,), "train": (TrainConfig, AfterTraining),
            "generate": (*model, FlutterSdkSetting), "eval": model, "demo": (DemoConfig,), "export": (ExportOptions,),
            "adapters": (ListOptions,)}


def _flagged(cls: type) -> list[tuple[type, dataclasses.Field]]:
    """(owner, field) for the fields of ``cls`` and of the dataclasses it nests that declare a flag."""
    hints = typing.get_type_hints(cls)
    found = []
    for field in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[field.name]):
            found += _flagged(hints[field.name])
        elif field.metadata.get("flag"):
            found.append((cls, field))
    return found


CLI = [(command, cls, owner, field) for command, classes in _commands().items() for cls in classes
       for owner, field in _flagged(cls)]
CLI_IDS = [f"{command} {field.metadata['flag']}" for command, _, _, field in CLI]
REQUIRED = {"harvest": ["PROJECT"], "dataset": ["--from", "x"], "generate": ["A card"],
            "export": ["--merge", "-o", "m"]}  # positional and required


def _subcommand(command: str) -> argparse.ArgumentParser:
    actions = build_parser()._actions
    return next(a for a in actions if isinstance(a, argparse._SubParsersAction)).choices[command]


@pytest.mark.parametrize("command,cls,owner,field", CLI, ids=CLI_IDS)
def test_every_declared_flag_is_on_the_cli_with_its_default_range_and_choices(command, cls, owner, field):
    meta, default = field.metadata, field.default
    action = _subcommand(command)._option_string_actions.get(meta["flag"])
    assert action is not None, f"{meta['flag']} is missing from `flutter-tune {command}`"
    assert action.dest == field.name and set(action.option_strings) == {meta["flag"], *meta["aliases"]}
    assert action.default is None  # a flag not given never overrides a config file or the default
    text = " ".join(action.help.split())
    assert " ".join(meta["help"].split()) in text
    if isinstance(default, bool):
        assert action.const is (not default)  # a switch to the other value
        return
    if default is not None:
        assert f"default {shown(default)}" in text or f"{default} (default)" in text, text
    if meta["low"] is not None:
        assert f"{shown(meta['low'])}–{shown(meta['high'])}" in text, text
    annotation = typing.get_type_hints(owner)[field.name]
    literal = [a for a in (annotation, *typing.get_args(annotation)) if typing.get_origin(a) is typing.Literal]
    choices = meta["choices"] or (typing.get_args(literal[0]) if literal else None)
    assert (list(action.choices) if action.choices else None) == (list(choices) if choices else None)


@pytest.mark.parametrize("command", sorted(_commands()))
def test_flags_not_given_leave_every_declared_default(command):
    args = build_parser().parse_args([command, *REQUIRED.get(command, [])])
    for cls in _commands()[command]:
        assert from_flags(cls, args) == cls()


RANGED = [case for case in CLI if case[3].metadata["high"] is not None]


@pytest.mark.parametrize("command,cls,owner,field", RANGED, ids=[i for i, c in zip(CLI_IDS, CLI) if c in RANGED])
def test_a_flag_outside_its_declared_range_is_refused_naming_it(command, cls, owner, field):
    flag = field.metadata["flag"]
    args = build_parser().parse_args([command, *REQUIRED.get(command, []), flag, str(field.metadata["high"] + 1)])
    with pytest.raises(FlutterTuneError, match=f"{field.name} should be between .* \\(setting .*{flag}\\)"):
        from_flags(cls, args)
