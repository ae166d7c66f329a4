"""What the runtime uses of the connection to the editor: a small interface instead of the whole server.

``server.app.FlutterTuneServer`` implements it; runtime objects receive it, and the sibling objects
they work with, as constructor arguments (wired in ``server/app.py``). Every method may be called
from any thread: what reaches the client is sent from the event loop thread.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any, Callable, Protocol

from lsprotocol import types


class Notifier(Protocol):
    def notify_client(self, method: str, params: Any) -> None:
        """Send the notification ``method`` with ``params``."""


class Messenger(Protocol):
    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """A ``window/showMessage`` the user sees (also logged)."""

    def warn(self, message: str) -> None:
        """``show`` as a warning."""

    def error(self, message: str) -> None:
        """``show`` as an error."""

    def log(self, message: str) -> None:
        """A ``window/logMessage``: the server's log in the editor, not a message the user must read."""


class Client(Messenger, Notifier, Protocol):
    """Messages, notifications, requests to the client and the hooks of the request being handled."""

    @property
    def supports_progress(self) -> bool:
        """Whether the client shows work-done progress."""

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` on the event loop thread (now, if already there)."""

    def request_client(self, method: str, params: Any) -> Future:
        """Send the request ``method`` to the client (from the event loop thread); its answer in the Future."""

    def on_cancel_request(self, cancel: Callable[[], None]) -> Callable[[], None]:
        """Run ``cancel`` when the client cancels (``$/cancelRequest``) the request being handled now;
        returns the function that removes the hook."""
