"""Values a user gives — a config file, command-line flags, editor settings — laid over a settings dataclass.

``overlay(current, values, source=...)`` reads ``values`` with the one converter (``dataset_tools.converter``)
onto a copy of dataclass ``current``: a key may be a field's name, its editor key or a spelling from
``aliases``; a nested dataclass takes a nested mapping. It returns the new dataclass, with every bad value
left as it was, and one ``Problem`` per unknown key or value that breaks its type or declaration. Each caller
says the problems its own way: a config file or the command line refuses them all (``refuse``), the editor
keeps the old values and warns (``Problem.warning``), a flag names its setting as ``range_problems`` does
(``Problem.of_flag``). ``load_config_file`` reads a JSON or TOML config file.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, TypeVar

from cattrs.errors import ClassValidationError

from .atomic_io import parse_json, read_text
from .converter import converter, keys_of, problems
from .errors import FlutterTuneError
from .settings import problem_text, where

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """A key the user gave that is unknown (``field`` None) or whose value does not fit its setting."""

    source: str  # a config file, "command line", "flutterTune", "flutterTune.retrieval", ...
    key: str  # as the user wrote it
    field: dataclasses.Field | None = None
    reason: str = ""
    value: Any = None
    kept: Any = None  # the value kept instead

    @property
    def refusal(self) -> str:
        """``train.json: setting 'lora_r' (--lora-r) should be int, got 'eight'.``"""
        if self.field is None:
            return f"{self.source}: unknown setting '{self.key}'."
        named = where(self.field)
        return (f"{self.source}: setting '{self.key}'" + (f" ({named})" if named != self.key else "")
                + f" {self.reason}, got {self.value!r}.")

    @property
    def warning(self) -> str:
        """``flutterTune: setting 'topP' should be between 0.05 and 1.0, got 2 (kept 0.95).``"""
        if self.field is None:
            return f"{self.source}: unknown setting '{self.key}' (ignored)."
        return f"{self.source}: setting '{self.key}' {self.reason}, got {self.value!r} (kept {self.kept!r})."

    @property
    def of_flag(self) -> str:
        """``top_p should be a finite number, got nan (setting flutterTune.topP / --top-p).``"""
        return problem_text(self.field, self.reason, self.value) if self.field is not None else self.refusal


def refuse(found: list[Problem]) -> None:
    """Raise one FlutterTuneError listing every problem (config files and the command line accept none)."""
    if found:
        raise FlutterTuneError("\n".join(problem.refusal for problem in found))


def overlay(current: T, values: Mapping[str, Any], *, source: str,
            aliases: Mapping[type, Mapping[str, str]] | None = None) -> tuple[T, list[Problem]]:
    """A copy of dataclass ``current`` with ``values`` on top, and the problems found (see the module doc).

    ``aliases`` maps a dataclass to its other spellings (a spelling → a field name).
    """
    cls = type(current)
    before = converter.unstructure(current)
    found: list[Problem] = []
    given: dict[tuple[str, ...], str] = {}  # key path → the key as the user wrote it
    merged = _merge(before, values, cls, source, dict(aliases or {}), found, given, ())
    try:
        return converter.structure(merged, cls), found
    except ClassValidationError as exc:
        bad = problems(exc, cls)
    for path, reason in bad:  # keep the value before of each bad one
        if not path:
            raise FlutterTuneError(f"{source}: {reason}.")
        value, kept = _at(merged, path), _at(before, path)
        _at(merged, path[:-1])[path[-1]] = kept
        found.append(Problem(".".join((source, *path[:-1])), given.get(path, path[-1]), _field(cls, path),
                             reason, value, kept))
    return converter.structure(merged, cls), found


def _merge(before: dict, values: Mapping, cls: type, source: str, aliases: dict, found: list[Problem],
           given: dict, path: tuple[str, ...]) -> dict:
    merged = dict(before)
    keys = keys_of(cls)
    spellings = {**keys, **{key: key for key in keys.values()},
                 **{alias: keys[name] for alias, name in aliases.get(cls, {}).items()}}
    hints = typing.get_type_hints(cls)
    nested = {keys[name]: hint for name, hint in hints.items()
              if name in keys and isinstance(hint, type) and dataclasses.is_dataclass(hint)}
    where_ = ".".join((source, *path))
    for spelled, value in values.items():
        key = spellings.get(spelled)
        if key is None:
            found.append(Problem(where_, spelled))
            continue
        given[(*path, key)] = spelled
        if key in nested and isinstance(value, Mapping):
            merged[key] = _merge(before[key], value, nested[key], source, aliases, found, given, (*path, key))
        else:
            merged[key] = value
    return merged


def _field(cls: type, path: tuple[str, ...]) -> dataclasses.Field:
    """The field at key ``path`` of dataclass ``cls``."""
    for depth, key in enumerate(path):
        name = {k: n for n, k in keys_of(cls).items()}[key]
        field = {f.name: f for f in dataclasses.fields(cls)}[name]
        if depth < len(path) - 1:
            cls = typing.get_type_hints(cls)[name]
    return field


def _at(values: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        values = values[key]
    return values


def load_config_file(path: Path) -> dict:
    """The settings object of a JSON or TOML (``.toml``) file; a FlutterTuneError naming the file otherwise."""
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
