"""A raw stdio client for the language server: writes any bytes, reads every frame the server sends.

``RawServer`` starts ``python -m server serve`` as a subprocess. ``send_bytes`` writes bytes as they
are (broken frames included); ``frame`` wraps a body in a Content-Length header; ``request`` sends a
JSON-RPC request and returns its id. A reader thread collects the server's answers by id
(``answers[id]``, a list, so a second answer to one request shows) and answers the server's own
requests (progress tokens, applyEdit, configuration) so that no handler waits on the client.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "server", "serve"]
NULL_ID = "<null>"  # where answers with "id": null are collected


def frame(body: bytes | str) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def read_frame(stream) -> bytes | None:
    """One body written by the server (which always writes well-formed frames), or None at EOF."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line.strip() == b"":
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return stream.read(length)


CLIENT_ANSWERS = {"workspace/applyEdit": {"applied": True}, "workspace/configuration": [None]}


class RawServer:
    def __init__(self, env: dict | None = None) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.answers: dict[object, list[dict]] = defaultdict(list)
        self.notifications: list[dict] = []
        self.sent_ids: list[object] = []
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(SERVER, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, env={**os.environ, **(env or {})})
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- writing ---------------------------------------------------------------------------
    def send_bytes(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict | list | str | bytes) -> None:
        """One frame whose body is ``message`` (JSON-encoded unless it is already text or bytes)."""
        body = message if isinstance(message, (str, bytes)) else json.dumps(message)
        self.send_bytes(frame(body))

    def new_id(self) -> int:
        msg_id = next(self._ids)
        self.sent_ids.append(msg_id)
        return msg_id

    def request(self, method: str, params=None) -> int:
        msg_id = self.new_id()
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return msg_id

    def notify(self, method: str, params=None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def command(self, name: str, *arguments) -> int:
        return self.request("workspace/executeCommand", {"command": name, "arguments": list(arguments)})

    # --- reading ---------------------------------------------------------------------------
    def _read(self) -> None:
        while True:
            body = read_frame(self.proc.stdout)
            if body is None:
                return
            message = json.loads(body)
            if "method" in message and "id" in message:  # the server asks the client
                self.send({"jsonrpc": "2.0", "id": message["id"],
                           "result": CLIENT_ANSWERS.get(message["method"])})
                continue
            with self._lock:
                if "method" in message:
                    self.notifications.append(message)
                else:
                    key = NULL_ID if message.get("id") is None else message["id"]
                    self.answers[key].append(message)

    def wait_answer(self, msg_id, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.answers.get(msg_id):
                    return self.answers[msg_id][0]
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited ({self.proc.returncode}) before answering {msg_id}:\n"
                                     + self.log()[-3000:])
            time.sleep(0.005)
        raise AssertionError(f"no answer to {msg_id} within {timeout} s")

    def wait_for(self, predicate, timeout: float = 60.0, what: str = "condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                value = predicate()
            if value:
                return value
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}")

    def answer_counts(self) -> dict[object, int]:
        """How many answers each request sent with ``request``/``new_id`` got."""
        with self._lock:
            return {msg_id: len(self.answers.get(msg_id, ())) for msg_id in self.sent_ids}

    def alive(self) -> bool:
        """The process runs and answers a valid request."""
        if self.proc.poll() is not None:
            return False
        answer = self.wait_answer(self.command("flutterTune.cancel"))
        return answer.get("result") == {"cancelled": [], "running": []}

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    # --- ending ------------------------------------------------------------------------------
    def exit(self, timeout: float = 60.0) -> int:
        """``shutdown`` then ``exit``: the process's exit code."""
        self.wait_answer(self.request("shutdown"))
        self.notify("exit")
        return self.wait_exit(timeout)

    def wait_exit(self, timeout: float = 60.0) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass  # stderr stays readable (``log()``) until the object goes
