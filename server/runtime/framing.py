"""The stdio message loop: pygls' ``run_async`` with every read bounded and every frame accounted for.

Frames are ``Content-Length: N`` headers, a blank line, then N bytes of JSON (UTF-8). What can go wrong:

- A body over the cap (``MAX_FRAME_BYTES``, or ``$FLUTTER_TUNE_MAX_FRAME_BYTES``) is read and thrown
  away in chunks as it arrives, never held; when its head shows a top-level "id" (clients write
  ``{"jsonrpc":"2.0","id":N,...`` first) that request is answered with InvalidRequest.
- A header line is read with a length limit; a longer line is thrown away up to its newline.
- A frame whose Content-Length is missing, negative or not a number is dropped; reading resumes at
  the next header line that ends with ``Content-Length: N``.
- A body that is not JSON (or too deep, or an integer too long for Python) is answered with
  ParseError, under the id ``request_id.recover_id`` finds in it; ``protocol.receive`` answers the
  rest (see ``FlutterTuneProtocol``).
- End of input, anywhere, ends the loop; what is written after ``exit`` closed stdout is dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
from typing import TYPE_CHECKING, Any, BinaryIO, Callable

from pygls import io_
from pygls.exceptions import JsonRpcInvalidRequest, JsonRpcParseError

from .request_id import NO_ID, is_valid_id, recover_id

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .protocol import FlutterTuneProtocol

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_FRAME_ENV = "FLUTTER_TUNE_MAX_FRAME_BYTES"
MAX_HEADER_LINE = 8 * 1024
CHUNK_BYTES = 1024 * 1024
HEAD_BYTES = 64 * 1024  # how much of an oversized body is searched for its "id"
MAX_LENGTH_DIGITS = 4000  # int() refuses longer digit strings
TAIL_BYTES = 128  # what is kept of an overlong header line, so that a Content-Length at its end still counts

# The last "Content-Length:" on the line, and the value after it up to the line's end.
CONTENT_LENGTH = re.compile(rb"(?s:.*)Content-Length:[ \t]*([^\r\n]*?)[ \t]*\r\n\Z", re.IGNORECASE)


def max_frame_bytes() -> int:
    """The cap on a frame's body: ``$FLUTTER_TUNE_MAX_FRAME_BYTES`` when it is a positive integer."""
    value = os.environ.get(MAX_FRAME_ENV, "").strip()
    if not value:
        return MAX_FRAME_BYTES
    if value.isdigit() and int(value) > 0:
        return int(value)
    logger.warning("%s=%r is not a positive integer; using %d", MAX_FRAME_ENV, value, MAX_FRAME_BYTES)
    return MAX_FRAME_BYTES


class StdinReader:
    """Blocking reads of ``stream``, each bounded, run in ``executor`` so that the event loop never waits."""

    def __init__(self, stream: BinaryIO, executor: Executor | None = None) -> None:
        self.stream = stream
        self.executor = executor

    def _run(self, fn, *args) -> asyncio.Future:
        return asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def readline(self, limit: int) -> asyncio.Future:
        """Up to ``limit`` bytes, ending at the first newline."""
        return self._run(self.stream.readline, limit)

    def read(self, n: int) -> asyncio.Future:
        """``n`` bytes, fewer only at end of input."""
        return self._run(self.stream.read, n)

    def read_some(self, n: int) -> asyncio.Future:
        """Between 1 and ``n`` bytes, whatever has arrived (b"" at end of input)."""
        read1 = getattr(self.stream, "read1", None)
        return self._run(read1 or self.stream.read, n)


class StdoutWriter(io_.StdoutWriter):
    """pygls' stdout writer, except that what is written after ``exit`` closed stdout is dropped: work that
    ends during shutdown (a progress end, a status) has no client left to tell. Writes and ``exit`` both
    run on the event loop thread."""

    def write(self, data: bytes) -> None:
        if self._stdout.closed:
            logger.debug("Dropped %d bytes written after stdout was closed", len(data))
            return
        super().write(data)


class FrameReader:
    """Reads bodies off a ``StdinReader``. ``on_oversized(size, msg_id)`` is called when an oversized
    body's head shows the request's id (valid ids only)."""

    def __init__(self, source: StdinReader, cap: int, on_oversized: Callable[[int, Any], None]) -> None:
        self.source = source
        self.cap = cap
        self.on_oversized = on_oversized
        self._dropping = False  # skipping lines until the next Content-Length

    async def next_body(self) -> bytes | None:
        """The next complete body within the cap; None at end of input."""
        length: int | None = None
        while True:
            line = await self._header_line()
            if line is None:
                return None
            if not line.strip():  # the blank line that ends the headers
                if length is None:
                    if not self._dropping:
                        logger.warning("Dropped a message without a valid Content-Length header")
                        self._dropping = True
                    continue
                if length > self.cap:
                    if not await self._skip(length):
                        return None
                    length = None
                    continue
                body = await self.source.read(length)
                if len(body) < length:
                    logger.warning("Input ended inside a message (%d of %d bytes)", len(body), length)
                    return None
                return body
            match = CONTENT_LENGTH.match(line)
            if match is None:
                continue  # another header (Content-Type), or the rest of a dropped frame
            value = match.group(1)
            if value.isdigit() and len(value) <= MAX_LENGTH_DIGITS:
                length = int(value)
                self._dropping = False
            else:
                logger.warning("Dropped a message with Content-Length %r", value[:40].decode("latin-1"))
                length = None
                self._dropping = True

    async def _header_line(self) -> bytes | None:
        """One header line; the tail of a longer one (the rest is thrown away); None at end of input."""
        line = await self.source.readline(MAX_HEADER_LINE)
        if not line:
            return None
        if line.endswith(b"\n") or len(line) < MAX_HEADER_LINE:
            return line
        dropped = len(line)
        while not line.endswith(b"\n"):
            more = await self.source.readline(MAX_HEADER_LINE)
            if not more:
                return None
            dropped += len(more)
            line = line[-TAIL_BYTES:] + more
        logger.warning("Threw away a header line of %d bytes (the limit is %d)", dropped, MAX_HEADER_LINE)
        return line[-TAIL_BYTES:]

    async def _skip(self, size: int) -> bool:
        """Read and throw away a body of ``size`` bytes; False if the input ends first."""
        logger.warning("Skipping a message of %d bytes: over the limit of %d bytes (%s)", size, self.cap,
                       MAX_FRAME_ENV)
        remaining, head, searching = size, b"", True
        while remaining:
            chunk = await self.source.read_some(min(remaining, CHUNK_BYTES))
            if not chunk:
                logger.warning("Input ended inside the skipped message")
                return False
            remaining -= len(chunk)
            if searching:
                head += chunk[:HEAD_BYTES - len(head)]
                msg_id = recover_id(head.decode("utf-8", "replace"))
                if is_valid_id(msg_id):
                    self.on_oversized(size, msg_id)
                    searching = False
                elif len(head) >= HEAD_BYTES:
                    searching = False
        return True


def dispatch(protocol: FlutterTuneProtocol, body: bytes) -> None:
    """Parse one body and hand it to the protocol; a body that is not JSON is answered with ParseError."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, int digit limit
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        msg_id = recover_id(body.decode("utf-8", "replace"))
        if msg_id is NO_ID:
            logger.warning("Ignored a notification that is not valid JSON: %s", detail)
            return
        protocol.answer_error(msg_id if is_valid_id(msg_id) else None, JsonRpcParseError(f"Parse error: {detail}"))
        return
    protocol.receive(data)


async def run(stop_event: threading.Event, source: StdinReader, protocol: FlutterTuneProtocol,
              cap: int | None = None) -> None:
    """Read and handle messages until end of input or ``stop_event``."""
    cap = max_frame_bytes() if cap is None else cap

    def oversized(size: int, msg_id: Any) -> None:
        protocol.answer_error(msg_id, JsonRpcInvalidRequest(
            f"Request of {size} bytes is over the size limit of {cap} bytes"))

    reader = FrameReader(source, cap, oversized)
    while not stop_event.is_set():
        body = await reader.next_body()
        if body is None:
            break
        dispatch(protocol, body)
