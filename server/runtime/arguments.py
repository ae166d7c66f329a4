"""Command arguments: one options object (or positional values) structured into a typed dataclass.

Each command declares its arguments as a ``kw_only`` dataclass beside its handler: fields in
snake_case, read under their camelCase key (``dataset_tools.converter``), with a range where one is
declared (``setting``/``same_setting`` metadata, or ``arg(low=, high=)``) and other accepted
spellings (``arg(aliases=)``). ``command_args`` accepts ``[{...}]``, ``[]``, ``[null]`` or the
positional values the command names; a null value counts as not given unless the field takes null.
Every problem becomes one ``InvalidParams`` error naming the command and the key.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, TypeVar

from cattrs.errors import ClassValidationError
from lsprotocol import types

from dataset_tools.converter import NonNegativeInt, converter, key_of, keys_of, problems

from .errors import invalid_params

T = TypeVar("T")


class _NotGiven:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()
"""The default of an argument whose absence means something else than null."""


def arg(default: Any = dataclasses.MISSING, *, aliases: tuple[str, ...] = (), low: float | None = None,
        high: float | None = None, help: str = "") -> Any:
    """An argument field: no ``default`` means required; ``help`` is shown when it is missing."""
    metadata = {"aliases": aliases, "low": low, "high": high, "help": help}
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True, kw_only=True)
class Position:
    """``{line, character}`` in a document (characters in UTF-16 code units, as LSP counts)."""

    line: NonNegativeInt
    character: NonNegativeInt

    def to_lsp(self) -> types.Position:
        return types.Position(line=self.line, character=self.character)


def command_options(command: str, args: tuple, *, positional: tuple[str, ...] = ()) -> dict[str, Any]:
    """The options object of a command: ``[{...}]``, ``[]``, or positional values named ``positional``."""
    if not args:
        return {}
    if len(args) == 1 and isinstance(args[0], dict):
        return dict(args[0])
    if positional and len(args) <= len(positional):
        return dict(zip(positional, args))
    if len(args) == 1 and args[0] is None:
        return {}
    raise invalid_params(f"{command}: expected one options object as the argument, got {list(args)!r:.200}.")


def command_args(command: str, args: tuple, cls: type[T], *, positional: tuple[str, ...] = (),
                 refuse_unknown: bool = False) -> T:
    """The arguments of ``command`` as a ``cls``; InvalidParams naming the command and key when they are wrong."""
    options = command_options(command, args, positional=positional)
    keys = keys_of(cls)
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        key = keys[field.name]
        for alias in field.metadata.get("aliases", ()):
            if options.get(key) is None and options.get(alias) is not None:
                options[key] = options[alias]
        if key in options and options[key] is None and type(None) not in typing.get_args(hints[field.name]):
            del options[key]  # null: not given
    if refuse_unknown:
        unknown = [key for key in options if key not in keys.values()]
        if unknown:
            raise invalid_params(f"{command}: unknown option(s) {', '.join(unknown)}; "
                                 f"known: {', '.join(keys.values())}.")
    try:
        return converter.structure(options, cls)
    except ClassValidationError as exc:
        messages = [_message(command, cls, options, path, reason) for path, reason in problems(exc, cls)]
        raise invalid_params("\n".join(messages)) from None


def _message(command: str, cls: type, options: dict, path: tuple[str, ...], reason: str) -> str:
    name = ".".join(path)
    if reason == "missing":
        help_text = _help(cls, path)
        return f"{command}: missing '{name}'" + (f" ({help_text})." if help_text else ".")
    value: Any = options
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return f"{command}: '{name}' {reason}, got {value!r:.100}."


def _help(cls: type, path: tuple[str, ...]) -> str:
    fields = {key_of(field): field for field in dataclasses.fields(cls)}
    field = fields.get(path[0]) if len(path) == 1 else None
    return field.metadata.get("help", "") if field is not None else ""
