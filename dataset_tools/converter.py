"""The one cattrs converter: user values (JSON, TOML, command-line flags) in, declared dataclasses out.

Config files, command-line flags, editor settings and command arguments are all structured by it.
A dataclass field is read under its declared editor key (``dataset_tools.settings.setting(key=...)``;
for a nested setting such as ``retrieval.tokenBudget`` the last part), else under its name in
camelCase. Values must have JSON's own type (no ``"5"`` for 5, no ``true`` for 1, no string for a
list) and fit the field's declared range or choices (``dataset_tools.settings.out_of_range``). cattrs
reports every bad attribute at once; ``problems`` turns its error into (key path, what is wrong)
pairs, so that callers can name the setting or argument (``dataset_tools.overrides``).
"""

from __future__ import annotations

import dataclasses
import math
import typing
from typing import Any, Mapping, NewType

import cattrs
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .paths import home_problem
from .settings import out_of_range

NonEmptyStr = NewType("NonEmptyStr", str)
"""A string with more than white space in it."""
NonNegativeInt = NewType("NonNegativeInt", int)
"""0, 1, 2, ... (a line or character position)."""
StrList = NewType("StrList", list)
"""A list of strings; one string alone is a list of one."""
FolderText = NewType("FolderText", str)
"""A folder as the user typed it ("" for the default one); a leading ``~name`` must be a user here."""


def to_camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def key_of(field: dataclasses.Field) -> str:
    """The JSON key of ``field``: its declared editor key (last part), else its name in camelCase."""
    key = field.metadata.get("key")
    return key.rsplit(".", 1)[-1] if key else to_camel(field.name)


def keys_of(cls: type) -> dict[str, str]:
    """Field name → JSON key, for the fields of dataclass ``cls``."""
    return {f.name: key_of(f) for f in dataclasses.fields(cls)}


def _json_type(value: Any, type_: type) -> Any:
    """``value`` if it is a JSON ``type_`` (an int is a float too; a bool is no number)."""
    if isinstance(value, bool) and type_ is not bool:
        raise TypeError(f"should be {type_.__name__}")
    if type_ is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, type_):
        raise TypeError(f"should be {type_.__name__}")
    if type_ is float and not math.isfinite(value):
        raise ValueError("should be a finite number")
    return value


def _non_empty(value: Any, _) -> str:
    if not isinstance(value, str):
        raise TypeError("should be str")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _non_negative(value: Any, _) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError("should be a non-negative integer")
    return value


def _folder_text(value: Any, _) -> str:
    if not isinstance(value, str):
        raise TypeError("should be str")
    problem = home_problem(value) if value.strip() else None
    if problem:
        raise ValueError(problem)
    return value


def _str_list(value: Any, _) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("should be a list of strings")
    return value


def _is_sequence(type_: Any) -> bool:
    return typing.get_origin(type_) in (list, tuple)


def _sequence(value: Any, type_: Any) -> Any:
    """A list or tuple of the declared item types, from a JSON array (a string is no list of characters)."""
    if not isinstance(value, (list, tuple)):
        raise TypeError("should be a list")
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin is list:
        return [converter.structure(item, args[0]) for item in value] if args else list(value)
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(converter.structure(item, args[0]) for item in value)
    if args and len(value) != len(args):
        raise ValueError(f"should be a list of {len(args)}")
    return tuple(converter.structure(item, arg) for item, arg in zip(value, args)) if args else tuple(value)


def _declared(field: dataclasses.Field, type_: Any):
    """A hook that checks the field's declared choices, structures ``type_``, then checks its declared range."""
    def structure(value: Any, _) -> Any:
        if field.metadata.get("choices") is not None:
            reason = out_of_range(field, value)
            if reason:
                raise ValueError(reason)
        result = converter.structure(value, type_)
        reason = out_of_range(field, result)
        if reason:
            raise ValueError(reason)
        return result

    return structure


def _has_declared_range(field: dataclasses.Field) -> bool:
    meta = field.metadata
    return any(meta.get(name) is not None for name in ("low", "high", "choices"))


def _structure_dataclass(cls: type):
    hints = typing.get_type_hints(cls)
    overrides = {}
    for f in dataclasses.fields(cls):
        hook = _declared(f, hints[f.name]) if _has_declared_range(f) else None
        overrides[f.name] = override(rename=key_of(f), struct_hook=hook)
    structure_fields = make_dict_structure_fn(cls, converter, **overrides)
    expected = "should be an object {" + ", ".join(keys_of(cls).values()) + "}"

    def structure(value: Any, _) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(expected)
        return structure_fields(value, cls)

    return structure


def _unstructure_dataclass(cls: type):
    return make_dict_unstructure_fn(cls, converter, **{name: override(rename=key)
                                                        for name, key in keys_of(cls).items()})


converter = cattrs.Converter()
for _type in (bool, int, float, str):
    converter.register_structure_hook(_type, _json_type)
converter.register_structure_hook(NonEmptyStr, _non_empty)
converter.register_structure_hook(NonNegativeInt, _non_negative)
converter.register_structure_hook(StrList, _str_list)
converter.register_structure_hook(FolderText, _folder_text)
converter.register_structure_hook_func(_is_sequence, _sequence)
converter.register_structure_hook_factory(dataclasses.is_dataclass, _structure_dataclass)
converter.register_unstructure_hook_factory(dataclasses.is_dataclass, _unstructure_dataclass)


def problems(error: ClassValidationError, cls: type, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """(key path, what is wrong) for each attribute of dataclass ``cls`` that cattrs could not structure;
    what is wrong is "missing" for a required key that was not given."""
    found: list[tuple[tuple[str, ...], str]] = []
    keys = keys_of(cls)
    with_notes, without = error.group_exceptions()
    for exc, note in with_notes:
        where = (*path, keys.get(note.name, note.name))
        if isinstance(exc, ClassValidationError) and dataclasses.is_dataclass(note.type):
            found.extend(problems(exc, note.type, where))
        elif isinstance(exc, KeyError):
            found.append((where, "missing"))
        else:
            found.append((where, str(exc)))
    found.extend((path, str(exc)) for exc in without)
    return found
