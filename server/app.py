"""The language server: pygls' ``LanguageServer`` plus the state every feature shares, and the list of features.

Each feature is a module of ``server.features`` whose handlers are plain functions; its
``register(server)`` hands them to pygls; ``server.features.build_server()`` lists the features.
The server wires the runtime objects together: each gets the server as its ``runtime.client.Client``
(messages, notifications, progress, request cancel hooks) and the sibling objects it works with.
Work happens in background threads; anything sent to the client from a thread goes through
``call_soon`` so that messages are written by the event loop thread only.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from concurrent.futures import Future
from typing import Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from dataset_tools import __version__

from .runtime import framing
from .runtime.engine import GenerationEngine
from .runtime.jobs import JobRegistry, join_threads
from .runtime.model_host import ModelHost
from .runtime.protocol import FlutterTuneProtocol
from .runtime.status import StatusReporter
from .settings import ServerSettings

logger = logging.getLogger(__name__)
NAME = "flutter-tune"
STOP_WAIT_S = 30.0  # at shutdown, how long the server waits for its threads to end


class FlutterTuneServer(LanguageServer):
    """Holds: ``settings`` (ServerSettings), ``status`` (StatusReporter), ``models`` (ModelHost),
    ``engine`` (GenerationEngine, one request at a time), ``jobs`` (JobRegistry, cancellable work)."""

    protocol: FlutterTuneProtocol

    def __init__(self) -> None:
        super().__init__(NAME, __version__, protocol_cls=FlutterTuneProtocol, max_workers=8)
        self.settings = ServerSettings()
        self.startup_warnings: list[str] = []  # settings problems found in initialize, shown once initialized
        self.loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self.jobs = JobRegistry()
        self.status = StatusReporter(self, self.jobs, self.current_settings)
        self.models = ModelHost(self, self.jobs, self.current_settings, self.status)
        self.status.models = self.models  # the status names the served model; the host reports its loads to it
        self.engine = GenerationEngine(self, self.current_settings, self.models, self.status)
        self.learner = None  # features.learning.Learner: harvests again after saves

    def current_settings(self) -> ServerSettings:
        """The settings now (a new object replaces them on every change)."""
        return self.settings

    # --- talking to the client from any thread -------------------------------------------
    def bind_loop(self) -> None:
        """Remember the event loop (called from a handler running on it)."""
        self.loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()

    def call_soon(self, fn, *args) -> None:
        """Run ``fn(*args)`` on the event loop thread (now, if already there)."""
        if self.loop is None or threading.get_ident() == self._loop_thread:
            fn(*args)
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn, *args)

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """A ``window/showMessage`` the user sees (also logged)."""
        logger.info("%s: %s", kind.name, message)
        self.call_soon(self.window_show_message, types.ShowMessageParams(type=kind, message=message))

    def warn(self, message: str) -> None:
        self.show(message, types.MessageType.Warning)

    def error(self, message: str) -> None:
        self.show(message, types.MessageType.Error)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.call_soon(self.window_log_message, types.LogMessageParams(type=kind, message=message))

    def notify_client(self, method: str, params) -> None:
        self.call_soon(self.protocol.notify, method, params)

    def request_client(self, method: str, params) -> Future:
        return self.protocol.send_request(method, params)

    def on_cancel_request(self, cancel: Callable[[], None]) -> Callable[[], None]:
        """Run ``cancel`` on ``$/cancelRequest`` of the request being handled now; returns its removal."""
        msg_id = self.protocol.msg_id
        self.protocol.on_cancel(msg_id, cancel)
        return lambda: self.protocol.forget_cancel(msg_id)

    @property
    def supports_progress(self) -> bool:
        try:
            window = self.client_capabilities.window
        except (AttributeError, RuntimeError):
            return False
        return bool(window and window.work_done_progress)

    # --- serving ----------------------------------------------------------------------------
    def start_io(self, stdin=None, stdout=None) -> None:
        """Serve over stdio with ``runtime.framing``'s bounded loop until ``exit``, end of input or a
        lost client; then ``shutdown()``."""
        self._stop_event = threading.Event()
        source = framing.StdinReader(stdin or sys.stdin.buffer, self.thread_pool)
        self.protocol.set_writer(framing.StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(framing.run(self._stop_event, source, self.protocol))
        except BrokenPipeError:
            logger.error("Connection to the client is lost! Shutting down the server.")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    def shutdown(self):
        """The end of serving: cancel all work, wait up to ``STOP_WAIT_S`` for the server's threads to
        leave the model (a cancelled training saves its checkpoint first), then pygls stops its pool."""
        self.jobs.cancel_all()
        self.engine.stop()
        still = join_threads(STOP_WAIT_S)
        if still:
            logger.warning("Still running after %.0f s: %s", STOP_WAIT_S, ", ".join(still))
        super().shutdown()
