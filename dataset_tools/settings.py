"""Defaulted dataclasses filled from a config file, CLI flags or editor settings.

One mechanism for every layer: ``load_config_file`` reads JSON or TOML, ``apply_overrides``
copies known keys onto a dataclass with type checks. Unknown or wrong-typed keys become
warnings (editor settings) or a FlutterTuneError naming the file and key (config files).
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, Mapping, TypeVar

from .errors import FlutterTuneError

T = TypeVar("T")


def load_config_file(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise FlutterTuneError(f"Config file {path} does not exist.")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except json.JSONDecodeError as exc:
        raise FlutterTuneError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise FlutterTuneError(f"{path}: not valid TOML ({exc}).") from None
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
    fields = {f.name for f in dataclasses.fields(obj)}
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
        ok, coerced = _accepts(annotation, value)
        if not ok:
            expected = getattr(annotation, "__name__", str(annotation)).replace("typing.", "")
            warnings.append(f"{source}: setting '{key}' should be {expected}, got {value!r} (default kept).")
            continue
        changes[name] = coerced
    if strict and warnings:
        raise FlutterTuneError("\n".join(warnings))
    return dataclasses.replace(obj, **changes), warnings
