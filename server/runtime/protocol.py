"""The JSON-RPC protocol with two additions the language server needs.

- ``$/cancelRequest`` also runs a cancel hook registered by the request's handler. pygls only
  cancels the request's future (the client gets a "cancelled" error at once) but cannot stop
  work already running in a thread; the hook sets the job's cancel event so generation stops
  between tokens.
- A request whose params cannot be read (wrong types, missing fields) is answered with an
  ``InvalidParams`` error. Plain pygls logs it and never answers, leaving the client waiting.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import attrs
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol

logger = logging.getLogger(__name__)


@attrs.define
class MalformedRequest:
    """A request that failed to deserialize; answered with ``error`` and otherwise ignored."""

    id: Any
    method: str
    error: JsonRpcException


class FlutterTuneProtocol(LanguageServerProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cancel_hooks: dict[Any, Callable[[], None]] = {}

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
        except JsonRpcException as exc:
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
        super().handle_message(message)
