"""The JSON-RPC protocol with what the language server adds: every request is answered exactly once.

- ``$/cancelRequest`` also runs a cancel hook registered by the request's handler. pygls only
  cancels the request's future (the client gets a "cancelled" error at once) but cannot stop
  work already running in a thread; the hook sets the job's cancel event so generation stops
  between tokens.
- A request whose params cannot be read (wrong types, missing fields) is answered with an
  ``InvalidParams`` error. Plain pygls logs it and never answers, leaving the client waiting.
- ``receive(data)`` takes each parsed message from ``runtime.framing``: what is not a valid message
  object (not an object, a bad "jsonrpc", "id" or "method") is answered with ``InvalidRequest``
  (under its id when that is an integer or a string, else null); a request after ``shutdown`` too.
  Notifications and responses are never answered, only logged. An exception that escapes pygls'
  handling of a request it has not answered is answered with ``InternalError``.
- ``shutdown`` cancels the requests in flight over a copy of pygls' table: cancelling one runs its
  callback at once, which removes it from the table (iterating the table itself, as pygls does, fails
  with "dictionary changed size during iteration").
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, Callable

import attrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

from .request_id import is_valid_id

logger = logging.getLogger(__name__)


@attrs.define
class MalformedRequest:
    """A request that failed to deserialize; answered with ``error`` and otherwise ignored."""

    id: Any
    method: str
    error: JsonRpcException


def message_problem(data: Any) -> str | None:
    """What makes parsed JSON ``data`` no valid JSON-RPC message, or None."""
    if isinstance(data, list):
        return "batches (a top-level array) are not supported"
    if not isinstance(data, dict):
        return f"a message must be a JSON object, not {type(data).__name__}"
    if data.get("jsonrpc") != "2.0":
        return '"jsonrpc" must be "2.0"'
    if "method" in data:
        if not isinstance(data["method"], str):
            return '"method" must be a string'
        if "id" in data and not is_valid_id(data["id"]):
            return '"id" must be an integer or a string'
        return None
    if "id" in data and ("result" in data or "error" in data):
        return None
    return 'a message needs a "method" (or, as a response, an "id" and a "result" or "error")'


def is_request_data(data: Any) -> bool:
    """Whether ``data`` expects an answer: not a notification (a method, no id), not a response."""
    if not isinstance(data, dict):
        return True
    if "method" in data:
        return "id" in data
    return not ("result" in data or "error" in data)


class FlutterTuneProtocol(LanguageServerProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cancel_hooks: dict[Any, Callable[[], None]] = {}
        self._handling: Any = None  # the id of the request being handed to pygls
        self._handling_answered = False

    def on_cancel(self, msg_id: Any, hook: Callable[[], None]) -> None:
        """Run ``hook`` when the client cancels request ``msg_id``."""
        if msg_id is not None:
            self.cancel_hooks[msg_id] = hook

    def forget_cancel(self, msg_id: Any) -> None:
        self.cancel_hooks.pop(msg_id, None)

    def _handle_cancel_notification(self, msg_id):
        hook = self.cancel_hooks.pop(msg_id, None)
        if hook is not None:
            try:
                hook()
            except Exception:  # a failing hook must not take the server down
                logger.exception("cancel hook for %s failed", msg_id)
        super()._handle_cancel_notification(msg_id)

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except Exception as exc:  # pygls wraps what cattrs raises; RecursionError may escape its logging
            if isinstance(data, dict) and "id" in data and isinstance(data.get("method"), str):
                cause = exc.__cause__ or exc
                detail = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
                return MalformedRequest(data["id"], data["method"], JsonRpcInvalidParams(
                    f"Invalid params for {data['method']}: {detail}"))
            raise

    def handle_message(self, message):
        if isinstance(message, MalformedRequest):
            logger.warning("malformed %s request %s", message.method, message.id)
            self._send_response(message.id, error=message.error.to_response_error())
            return
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            self.answer_error(message.id, JsonRpcInvalidRequest("The server is shutting down"))
            return
        super().handle_message(message)

    # --- every message from runtime.framing ---------------------------------------------------
    def receive(self, data: Any) -> None:
        """Structure and handle one parsed message; answer a request that cannot be handled."""
        problem = message_problem(data)
        if problem is None:
            try:
                message = self.structure_message(data)
            except Exception as exc:  # only notifications and responses get here: requests are MalformedRequest
                problem = f"cannot read the message: {type(exc).__name__}"
        if problem is not None:
            if is_request_data(data):
                msg_id = data.get("id") if isinstance(data, dict) else None
                self.answer_error(msg_id if is_valid_id(msg_id) else None,
                                  JsonRpcInvalidRequest(f"Invalid request: {problem}"))
            else:
                logger.warning("Ignored an invalid notification or response: %s", problem)
            return
        self._handle_answered(message)

    def _handle_answered(self, message) -> None:
        """``handle_message``; if an exception escapes it, answer the request unless pygls did or will."""
        request_id = getattr(message, "id", None) if hasattr(message, "method") else None
        self._handling, self._handling_answered = request_id, False
        try:
            self.handle_message(message)
        except BrokenPipeError:
            raise
        except Exception:
            logger.exception("Handling %s failed", getattr(message, "method", "a response"))
            if request_id is not None and not self._handling_answered and request_id not in self._request_futures:
                self.answer_error(request_id, JsonRpcInternalError.of(sys.exc_info()))
        finally:
            self._handling = None

    def answer_error(self, msg_id: Any, error: JsonRpcException) -> None:
        """Answer request ``msg_id`` (None: an id that could not be read) with ``error``."""
        logger.warning("Answered %s with %s: %s", "null id" if msg_id is None else f"request {msg_id!r}",
                       type(error).__name__, error.message)
        if msg_id is not None and msg_id == self._handling:
            self._handling_answered = True
        body = {"code": error.code, "message": error.message}
        if error.data is not None:
            body["data"] = error.data
        self._send_data({"jsonrpc": self.VERSION, "id": msg_id, "error": body})

    def _send_response(self, msg_id, result=None, error=None):
        """pygls' answer, but a result that cannot be written as JSON becomes an InternalError (pygls
        would log it and send nothing)."""
        if msg_id is not None and msg_id == self._handling:
            self._handling_answered = True
        if error is None and result is not None:
            try:
                json.dumps(result, default=self._serialize_message)
            except Exception as exc:  # pygls' serializer raises what the object's type gives
                logger.error("The answer to request %r cannot be written as JSON: %s", msg_id, exc)
                result, error = None, JsonRpcInternalError(
                    f"The answer could not be written as JSON: {type(exc).__name__}").to_response_error()
        super()._send_response(msg_id, result, error)

    # --- shutdown ------------------------------------------------------------------------------
    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args):
        """pygls' ``shutdown`` (the feature's handler, then cancel what is in flight), over a copy of
        the table of requests in flight."""
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current_id = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current_id and not future.done():
                future.cancel()
        self._shutdown = True
        return None
