"""Command-line flags generated from the settings' declarations, and read back through the one converter.

``add_arguments(parser, cls)`` adds a flag for every field of dataclass ``cls`` (and of the dataclasses it
nests) that declares one with ``setting(flag=...)``: its type and choices come from the annotation and the
declaration, its help from the declaration with the range and the default appended, a path (a field named
``*_dir`` or ``*_file``) is checked by ``paths.cli_path``. Every flag defaults to None, so a flag the user
did not give never overrides a config file; a boolean is a switch to the other value (``--packing``,
``--no-retrieval``). ``given_flags`` collects the flags given, ``from_flags`` makes the dataclass from them
(declared defaults for the rest), refusing any value outside its declaration before any work starts.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any, TypeVar

from .errors import FlutterTuneError
from .overrides import overlay
from .paths import cli_path

T = TypeVar("T")


def add_arguments(parser: argparse.ArgumentParser, cls: type) -> list[argparse.Action]:
    """Add the flags declared on dataclass ``cls`` and on the dataclasses it nests; returns them."""
    hints = typing.get_type_hints(cls)
    actions = []
    for field in dataclasses.fields(cls):
        base = _base_type(hints[field.name])
        if dataclasses.is_dataclass(base):
            actions += add_arguments(parser, base)
        elif field.metadata.get("flag"):
            actions.append(_add_flag(parser, field, base))
    return actions


def given_flags(args: argparse.Namespace, cls: type) -> dict[str, Any]:
    """The declared flags of ``cls`` the user gave: field name → value (a nested dataclass: a mapping)."""
    hints = typing.get_type_hints(cls)
    given: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        base = _base_type(hints[field.name])
        if dataclasses.is_dataclass(base):
            inner = given_flags(args, base)
            if inner:
                given[field.name] = inner
        elif field.metadata.get("flag") and getattr(args, field.name, None) is not None:
            given[field.name] = getattr(args, field.name)
    return given


def from_flags(cls: type[T], args: argparse.Namespace) -> T:
    """A ``cls`` with the flags the user gave; a FlutterTuneError naming each one its declaration refuses."""
    settings, problems = overlay(cls(), given_flags(args, cls), source="command line")
    if problems:
        raise FlutterTuneError(" ".join(problem.of_flag for problem in problems))
    return settings


def flag_help(field: dataclasses.Field) -> str:
    """The declared help, then the range and the default (unless the help says it): ``... (1–8; default 8)``."""
    meta, default, text = field.metadata, field.default, field.metadata.get("help") or ""
    if isinstance(default, bool):
        return text if not default else f"{text} (on by default: this flag turns it off)".strip()
    parts = []
    if meta.get("low") is not None or meta.get("high") is not None:
        parts.append(f"{shown(meta.get('low'))}–{shown(meta.get('high'))}")
    if default is not None and f"{default} (default)" not in text:
        parts.append(f"default {shown(default)}")
    return f"{text} ({'; '.join(parts)})".strip() if parts else text


def shown(value: Any) -> str:
    """A value as help text shows it (``2e-4`` → ``0.0002``, ``3.0`` → ``3``, ``"default"`` → ``'default'``)."""
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def _base_type(annotation: Any) -> Any:
    """``int`` for ``int | None``; the annotation itself otherwise."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _add_flag(parser: argparse.ArgumentParser, field: dataclasses.Field, base: Any) -> argparse.Action:
    meta = field.metadata
    if any(action.dest == field.name for action in parser._actions):
        raise ValueError(f"two settings named {field.name!r} on one command: {meta['flag']}")
    spellings = [meta["flag"], *meta.get("aliases", ())]
    spellings.sort(key=lambda flag: flag.startswith("--"))  # -o before --output, as argparse shows them
    kwargs: dict[str, Any] = {"dest": field.name, "default": None, "help": flag_help(field)}
    if base is bool:
        kwargs.update(action="store_const", const=not field.default)
    elif meta.get("choices") is not None or typing.get_origin(base) is typing.Literal:
        kwargs["choices"] = meta.get("choices") or typing.get_args(base)
    elif field.name.endswith(("_dir", "_file")):
        kwargs.update(type=cli_path, metavar="DIR" if field.name.endswith("_dir") else "FILE")
    elif base in (int, float):
        kwargs.update(type=base, metavar="N")
    return parser.add_argument(*spellings, **kwargs)
