"""Turning problems into LSP errors with readable messages."""

from __future__ import annotations

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed


class RequestFailed(JsonRpcException):
    """A request that was understood but could not be done (the message says why and what to do)."""

    CODE = REQUEST_FAILED
    MESSAGE = "Request failed"


def invalid_params(message: str) -> JsonRpcInvalidParams:
    return JsonRpcInvalidParams(message)
