"""Settings declared once: a dataclass field with its default, range or choices, editor key, CLI flag and help.

``setting(default, low=, high=, choices=, key=, flag=, aliases=, help=)`` declares a setting on its dataclass;
another dataclass that exposes the same setting copies the field with ``same_setting(Owner, "name")``.
Everything else reads these declarations: the one converter (``dataset_tools.converter``) checks values
against them wherever they come from (a config file, the command line, editor settings, a command's
arguments: ``dataset_tools.overrides``), the command-line flags are generated from them
(``dataset_tools.flags``), ``range_problems`` checks a dataclass built in code, and
``tests/server/test_settings_declarations.py`` checks the extension's ``package.json`` and the CLI against them.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any


def setting(default: Any, *, low: float | None = None, high: float | None = None,
            choices: tuple | None = None, key: str | None = None, flag: str | None = None,
            aliases: tuple[str, ...] = (), help: str = "") -> Any:
    """A dataclass field with its default, allowed range (``low``..``high``, both inclusive) or ``choices``,
    editor ``key`` (camelCase, under ``flutterTune.``), CLI ``flag`` (and other spellings of it, ``aliases``)
    and ``help`` — the one place they are defined."""
    metadata = {"low": low, "high": high, "choices": choices, "key": key, "flag": flag, "aliases": aliases,
                "help": help}
    return dataclasses.field(default=default, metadata=metadata)


def same_setting(owner: type, name: str, **changes: Any) -> Any:
    """A field that exposes ``owner.name`` again (same default, range, key, flag and help, but ``changes``)."""
    original = {f.name: f for f in dataclasses.fields(owner)}[name]
    metadata = {**original.metadata, **changes}
    default = metadata.pop("default", original.default)
    return dataclasses.field(default=default, metadata=metadata)


def spec(cls: type, name: str) -> dict:
    """The declared metadata of ``cls.name`` (low, high, choices, key, flag, aliases, help) plus its default."""
    field = {f.name: f for f in dataclasses.fields(cls)}[name]
    return {**field.metadata, "default": field.default}


def where(field: dataclasses.Field) -> str:
    """How a user names a setting: ``flutterTune.maxNewTokens / --max-new-tokens``."""
    names = []
    if field.metadata.get("key"):
        names.append(f"flutterTune.{field.metadata['key']}")
    if field.metadata.get("flag"):
        names.append(field.metadata["flag"])
    return " / ".join(names) or field.name


def out_of_range(field: dataclasses.Field, value: Any) -> str | None:
    """Why ``value`` is not allowed for ``field`` (per its declaration), or None."""
    meta = field.metadata
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        return f"should be one of {', '.join(map(str, choices))}"
    low, high = meta.get("low"), meta.get("high")
    if isinstance(value, float) and not math.isfinite(value):
        return "should be a finite number"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if (low is not None and value < low) or (high is not None and value > high):
            return f"should be between {low} and {high}"
    return None


def problem_text(field: dataclasses.Field, reason: str, value: Any) -> str:
    """``top_p should be a finite number, got nan (setting flutterTune.topP / --top-p).``"""
    return f"{field.name} {reason}, got {value!r} (setting {where(field)})."


def range_problems(obj: Any) -> list[str]:
    """One message per field of dataclass ``obj`` whose value breaks its declared range or choices."""
    problems = []
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        reason = out_of_range(field, value)
        if reason:
            problems.append(problem_text(field, reason, value))
    return problems
