"""Turning problems into LSP errors with readable messages, and reading command arguments."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed


class RequestFailed(JsonRpcException):
    """A request that was understood but could not be done (the message says why and what to do)."""

    CODE = REQUEST_FAILED
    MESSAGE = "Request failed"


def invalid_params(message: str) -> JsonRpcInvalidParams:
    return JsonRpcInvalidParams(message)


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


def get_str(command: str, options: dict, key: str, *, required: bool = False, default: str | None = None,
            aliases: tuple[str, ...] = ()) -> str | None:
    for name in (key, *aliases):
        if name in options and options[name] is not None:
            value = options[name]
            if not isinstance(value, str):
                raise invalid_params(f"{command}: '{name}' should be a string, got {value!r:.100}.")
            if required and not value.strip():
                raise invalid_params(f"{command}: '{name}' must not be empty.")
            return value
    if required:
        raise invalid_params(f"{command}: missing '{key}'.")
    return default


def get_number(command: str, options: dict, key: str, default: float | None = None, *,
               low: float | None = None, high: float | None = None) -> float | None:
    if key not in options or options[key] is None:
        return default
    value = options[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_params(f"{command}: '{key}' should be a number, got {value!r:.100}.")
    if (low is not None and value < low) or (high is not None and value > high):
        raise invalid_params(f"{command}: '{key}' should be between {low} and {high}, got {value}.")
    return value


def get_position(command: str, options: dict, key: str = "position") -> types.Position:
    value = options.get(key)
    if not isinstance(value, dict):
        raise invalid_params(f"{command}: '{key}' should be an object {{line, character}}, got {value!r:.100}.")
    line, character = value.get("line"), value.get("character")
    for name, v in (("line", line), ("character", character)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise invalid_params(f"{command}: '{key}.{name}' should be a non-negative integer, got {v!r:.50}.")
    return types.Position(line=line, character=character)


def get_str_list(command: str, options: dict, key: str) -> list[str] | None:
    value = options.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_params(f"{command}: '{key}' should be a list of strings, got {value!r:.100}.")
    return value
