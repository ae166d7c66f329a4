"""Defaulted dataclasses filled from a config file, CLI flags or editor settings.

One mechanism for every layer: ``load_config_file`` reads JSON or TOML, ``apply_overrides``
copies known keys onto a dataclass with type checks. Unknown or wrong-typed keys become
warnings (editor settings) or a FlutterTuneError naming the file and key (config files).

A setting's default, its range (or choices) and its editor key are declared once, on its dataclass
field, with ``setting(...)``; other dataclasses that expose the same setting copy the field with
``same_setting(Owner, "name")``, and ``apply_overrides``/``range_problems`` check values against it.
The extension's ``package.json`` is tested against these declarations.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, Mapping, TypeVar

from .atomic_io import parse_json, read_text
from .errors import FlutterTuneError
from .paths import cli_path

T = TypeVar("T")


def setting(default: Any, *, low: float | None = None, high: float | None = None,
            choices: tuple | None = None, key: str | None = None, flag: str | None = None,
            aliases: tuple[str, ...] = (), help: str = "") -> Any:
    """A dataclass field with its default, allowed range or choices, editor ``key`` (camelCase,
    under ``flutterTune.``), CLI ``flag`` (and other spellings of it) — the one place they are defined."""
    metadata = {"low": low, "high": high, "choices": choices, "key": key, "flag": flag, "aliases": aliases,
                "help": help}
    return dataclasses.field(default=default, metadata=metadata)


def add_arguments(parser, cls: type) -> list[str]:
    """Add a flag for every field of dataclass ``cls`` that declares one; returns their field names.

    Types and choices come from the annotations, help from the declaration. Flags default to None,
    so a flag the user did not give never overrides a config file; booleans are switches.
    """
    hints = typing.get_type_hints(cls)
    names = []
    for field in dataclasses.fields(cls):
        flag = field.metadata.get("flag")
        if not flag:
            continue
        annotation = hints[field.name]
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        base = args[0] if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1 \
            else annotation
        kwargs: dict[str, Any] = {"dest": field.name, "default": None, "help": field.metadata.get("help") or None}
        if base is bool:
            kwargs["action"] = "store_true"
        elif typing.get_origin(base) is typing.Literal:
            kwargs["choices"] = typing.get_args(base)
        elif field.name.endswith(("_dir", "_file")):
            kwargs["type"] = cli_path
            kwargs["metavar"] = "DIR" if field.name.endswith("_dir") else "FILE"
        else:
            kwargs["type"] = base if base in (int, float) else str
            kwargs["metavar"] = "N" if base in (int, float) else "NAME"
        parser.add_argument(flag, *field.metadata.get("aliases", ()), **kwargs)
        names.append(field.name)
    return names


def same_setting(owner: type, name: str, **changes: Any) -> Any:
    """A field that exposes ``owner.name`` again (same default, range and key)."""
    original = {f.name: f for f in dataclasses.fields(owner)}[name]
    metadata = {**original.metadata, **changes}
    default = metadata.pop("default", original.default)
    return dataclasses.field(default=default, metadata=metadata)


def spec(cls: type, name: str) -> dict:
    """The declared metadata of ``cls.name`` (low, high, choices, key, flag) plus its default."""
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


def range_problems(obj: Any) -> list[str]:
    """One message per field of dataclass ``obj`` whose value breaks its declared range or choices."""
    problems = []
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        reason = out_of_range(field, value)
        if reason:
            problems.append(f"{field.name} {reason}, got {value!r} (setting {where(field)}).")
    return problems


def load_config_file(path: Path) -> dict:
    path = Path(path)
    text = read_text(path, "Config file")
    if path.suffix != ".toml":
        data = parse_json(text, str(path))
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FlutterTuneError(f"{path}: not valid TOML ({exc}).") from None
        except (RecursionError, ValueError) as exc:
            raise FlutterTuneError(f"{path}: cannot be read ({str(exc).split(';')[0] or 'nested too deeply'}).") from None
    if not isinstance(data, dict):
        raise FlutterTuneError(f"{path}: expected an object of settings at the top level.")
    return data


def _accepts(annotation: Any, value: Any) -> tuple[bool, Any]:
    """Whether ``value`` fits ``annotation``; returns the (possibly coerced) value."""
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return True, value
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            ok, coerced = _accepts(arg, value)
            if ok:
                return True, coerced
        return False, value
    if annotation is type(None):
        return value is None, value
    if origin is typing.Literal:
        return value in typing.get_args(annotation), value
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            return False, value
        return True, origin(value)
    if origin is dict:
        return isinstance(value, dict), value
    if annotation is bool:
        return isinstance(value, bool), value
    if annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True, float(value)
        return False, value
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if annotation is str:
        return isinstance(value, str), value
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return isinstance(value, (dict, annotation)), value
    return isinstance(value, annotation) if isinstance(annotation, type) else True, value


def apply_overrides(obj: T, values: Mapping[str, Any], *, source: str, strict: bool,
                    aliases: Mapping[str, str] | None = None) -> tuple[T, list[str]]:
    """Return a copy of dataclass ``obj`` with ``values`` applied, plus warnings.

    ``aliases`` maps other spellings (the guide's config keys, camelCase editor keys) to field
    names. ``strict`` turns any problem into a FlutterTuneError (config files); otherwise each
    problem is a warning and the default is kept (editor settings must never crash the server).
    """
    hints = typing.get_type_hints(type(obj))
    field_by_name = {f.name: f for f in dataclasses.fields(obj)}
    fields = set(field_by_name)
    aliases = dict(aliases or {})
    changes: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in values.items():
        name = aliases.get(key, key)
        if name not in fields:
            warnings.append(f"{source}: unknown setting '{key}' (ignored).")
            continue
        annotation = hints[name]
        nested = getattr(obj, name)
        if dataclasses.is_dataclass(nested) and isinstance(value, Mapping):
            value, inner = apply_overrides(nested, value, source=f"{source}.{key}", strict=strict)
            warnings.extend(inner)
            changes[name] = value
            continue
        field = field_by_name[name]
        named = f"setting '{key}'" + (f" ({where(field)})" if where(field) != key else "")
        kept = "." if strict else f" (kept {getattr(obj, name)!r})."
        ok, coerced = _accepts(annotation, value)
        if not ok:
            expected = getattr(annotation, "__name__", str(annotation)).replace("typing.", "")
            warnings.append(f"{source}: {named} should be {expected}, got {value!r}{kept}")
            continue
        reason = out_of_range(field, coerced)
        if reason:
            warnings.append(f"{source}: {named} {reason}, got {value!r}{kept}")
            continue
        changes[name] = coerced
    if strict and warnings:
        raise FlutterTuneError("\n".join(warnings))
    return dataclasses.replace(obj, **changes), warnings
