"""The message loop's parts alone: the id scanner, the bounded frame reader, and how the protocol answers
messages it cannot handle (written to an in-memory writer, no subprocess)."""

from __future__ import annotations

import asyncio
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.features import build_server
from server.runtime import framing
from server.runtime.framing import CHUNK_BYTES, HEAD_BYTES, MAX_HEADER_LINE, FrameReader, StdinReader, dispatch
from server.runtime.request_id import NO_ID, recover_id

DEEP = "[" * 100_000 + "]" * 100_000
HUGE_INT = "9" * 5000


# --- recover_id ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ('{"jsonrpc":"2.0","id":7,"method":"m","params":{"n":' + HUGE_INT + "}}", 7),
    ('{"jsonrpc":"2.0","method":"m","params":{"n":' + HUGE_INT + '}, "id": "abc"}', "abc"),
    ('{"params": {"s": "}]\\" {[", "id": 1, "x": [1, {"id": 2}]}, "id": 3}', 3),
    ('{"params": ' + DEEP + ', "id": 4}', 4),
    ('{"params": [1, 2, "x"], "id": 5', 5),  # cut after the id: still found
    (' \n{ "id" : -12 , "method": 1}', -12),
    ('{"jsonrpc": "2.0", "method": "m", "params": {"id": 1}}', NO_ID),
    ("{}", NO_ID),
    ('{"jsonrpc":"2.0","method":"m","params":{"n":' + HUGE_INT, None),  # cut before any id
    ('{"jsonrpc":"2.0","id":' + HUGE_INT + "}", None),  # the id itself cannot be read
    ('{"id": null, "method": "m"}', None),
    ('[{"id": 1}]', None),
    ("not json", None),
    ('{"a" 1, "id": 2}', None),
    ("", None),
])
def test_recover_id(text, expected):
    assert recover_id(text) == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)
ids = st.integers() | st.text()


@settings(max_examples=200, deadline=None)
@given(before=st.dictionaries(st.text(max_size=5).filter(lambda k: k != "id"), json_values, max_size=4),
       msg_id=st.none() | ids, indent=st.sampled_from([None, 1]))
def test_recover_id_agrees_with_json(before, msg_id, indent):
    message = dict(before)
    if msg_id is not None:
        message["id"] = msg_id
    assert recover_id(json.dumps(message, indent=indent)) == (msg_id if msg_id is not None else NO_ID)


# --- FrameReader ---------------------------------------------------------------------------------
class RecordingStream(io.BytesIO):
    """A stream that remembers the largest read it was asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def read(self, n=-1):
        self.largest = max(self.largest, n)
        return super().read(n)

    def read1(self, n=-1):
        self.largest = max(self.largest, n)
        return super().read1(n)

    def readline(self, limit=-1):
        assert 0 < limit <= MAX_HEADER_LINE
        return super().readline(limit)


def frame(body: bytes | str) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def read_all(data: bytes, cap: int = 1 << 20):
    """Every body the reader returns, the oversized ids it reported, and the stream."""
    stream = RecordingStream(data)
    oversized = []

    async def main():
        reader = FrameReader(StdinReader(stream), cap, lambda size, msg_id: oversized.append((size, msg_id)))
        bodies = []
        while (body := await reader.next_body()) is not None:
            bodies.append(body)
        return bodies

    return asyncio.run(main()), oversized, stream


GOOD = '{"jsonrpc":"2.0","id":1,"method":"m"}'


def test_frames_with_other_headers_are_read():
    data = frame(GOOD) + b"Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{}"
    assert read_all(data)[0] == [GOOD.encode(), b"{}"]


def test_an_oversized_body_is_skipped_in_chunks_and_its_id_reported():
    big = '{"jsonrpc":"2.0","id":42,"method":"m","params":"' + "x" * (5 * CHUNK_BYTES) + '"}'
    bodies, oversized, stream = read_all(frame(big) + frame(GOOD), cap=CHUNK_BYTES)
    assert bodies == [GOOD.encode()]
    assert oversized == [(len(big), 42)]
    assert stream.largest <= CHUNK_BYTES


def test_an_oversized_body_without_an_id_in_its_head_is_skipped_silently():
    big = '{"jsonrpc":"2.0","method":"m","params":"' + "x" * HEAD_BYTES + '", "id": 3}'
    bodies, oversized, _ = read_all(frame(big) + frame(GOOD), cap=100)
    assert bodies == [GOOD.encode()] and oversized == []


def test_a_huge_content_length_never_allocates_and_ends_at_end_of_input():
    data = b'Content-Length: 99999999999\r\n\r\n{"jsonrpc":"2.0","id":9,"method":"m","params":' + b"1" * 100
    bodies, oversized, stream = read_all(data)
    assert bodies == [] and oversized == [(99999999999, 9)]
    assert stream.largest <= CHUNK_BYTES


@pytest.mark.parametrize("header", [b"Content-Length: -5\r\n", b"Content-Length: abc\r\n", b"Content-Length: \r\n",
                                    b"Content-Length: " + b"9" * 5000 + b"\r\n", b"Content-Type: x\r\n", b""])
def test_a_frame_with_a_bad_or_missing_length_is_dropped_and_reading_resyncs(header):
    data = header + b'\r\n{"jsonrpc":"2.0","id":1,"method":"lost"}' + frame(GOOD) + frame(GOOD)
    assert read_all(data)[0] == [GOOD.encode()] * 2


def test_a_truncated_header_line_joins_the_next_one_and_reading_resyncs():
    assert read_all(b"Content-Le" + frame(GOOD))[0] == [GOOD.encode()]


def test_an_overlong_header_line_is_thrown_away_up_to_its_newline():
    assert read_all(b"X" * (3 * MAX_HEADER_LINE) + b"\r\n" + frame(GOOD))[0] == [GOOD.encode()]
    # a Content-Length at the end of an overlong line (a dropped body before it) still counts
    assert read_all(b"X" * (3 * MAX_HEADER_LINE) + frame(GOOD))[0] == [GOOD.encode()]


@pytest.mark.parametrize("data", [b"Content-Length: 10\r\n", b"Content-Length: 10\r\n\r\n{}",
                                  frame(GOOD)[:-3], b"Content-Length: 99999999999\r\n\r\n{}"])
def test_end_of_input_anywhere_ends_reading(data):
    assert read_all(data)[0] == []


def test_what_is_written_after_stdout_closed_is_dropped():
    stdout = io.BytesIO()
    writer = framing.StdoutWriter(stdout)
    writer.write(b"one")
    assert stdout.getvalue() == b"one"
    writer.close()
    writer.write(b"two")  # no ValueError: work ending after exit has nobody to tell


def test_the_cap_can_be_set_in_the_environment(monkeypatch):
    monkeypatch.setenv(framing.MAX_FRAME_ENV, "4096")
    assert framing.max_frame_bytes() == 4096
    for bad in ("-1", "0", "lots"):
        monkeypatch.setenv(framing.MAX_FRAME_ENV, bad)
        assert framing.max_frame_bytes() == framing.MAX_FRAME_BYTES
    monkeypatch.delenv(framing.MAX_FRAME_ENV)
    assert framing.max_frame_bytes() == framing.MAX_FRAME_BYTES


# --- answers ---------------------------------------------------------------------------------------
class Writer:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        pass

    def messages(self) -> list[dict]:
        out, stream = [], io.BytesIO(self.data)
        while stream.tell() < len(self.data):
            length = None
            while (line := stream.readline()).strip():
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            out.append(json.loads(stream.read(length)))
        return out


@pytest.fixture
def protocol():
    server = build_server()
    server.protocol.set_writer(Writer())
    return server.protocol


def answers(protocol) -> list[tuple]:
    return [(m.get("id"), m["error"]["code"] if "error" in m else "result") for m in protocol.writer.messages()]


def cancel_request(msg_id) -> dict:
    return {"jsonrpc": "2.0", "id": msg_id, "method": "workspace/executeCommand",
            "params": {"command": "flutterTune.cancel", "arguments": []}}


@pytest.mark.parametrize("body,expected", [
    ('{"jsonrpc":"2.0","id":1,"method":"m","params":{"n":' + HUGE_INT + "}}", [(1, -32700)]),
    ('{"jsonrpc":"2.0","id":2,"method":"workspace/executeCommand","params":{"command":"flutterTune.generate",'
     '"arguments":[{"maxNewTokens":' + HUGE_INT + "}]}}", [(2, -32700)]),
    ('{"jsonrpc":"2.0","id":3,"method":"m","params":' + DEEP + "}", [(3, -32700)]),
    (b'{"jsonrpc":"2.0","id":4,"method":"m","params":"\xff\xfe"}', [(4, -32700)]),
    ("{not json", [(None, -32700)]),
    ('{"jsonrpc":"2.0","method":"m","params":{"n":' + HUGE_INT + "}}", []),  # a notification: never answered
    ("[" + json.dumps(cancel_request(5)) + "]", [(None, -32600)]),
    ("5", [(None, -32600)]),
    ('{"jsonrpc":"2.0","id":true,"method":"m"}', [(None, -32600)]),
    ('{"jsonrpc":"2.0","id":[1],"method":"m"}', [(None, -32600)]),
    ('{"jsonrpc":"2.0","id":1.5,"method":"m"}', [(None, -32600)]),
    ('{"jsonrpc":"2.0","id":6,"method":7}', [(6, -32600)]),
    ('{"jsonrpc":"1.0","id":7,"method":"m"}', [(7, -32600)]),
    ('{"id":8,"method":"m"}', [(8, -32600)]),
    ('{"jsonrpc":"2.0","id":9}', [(9, -32600)]),
    ('{"jsonrpc":"2.0","method":7}', []),
    ('{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":[]}}', []),
    ('{"jsonrpc":"2.0","id":"x","result":1}', []),  # a response to nothing: logged
    ('{"jsonrpc":"2.0","id":10,"method":"workspace/executeCommand","params":{"command":7}}', [(10, -32602)]),
    ('{"jsonrpc":"2.0","id":11,"method":"workspace/executeCommand","params":5}', [(11, -32602)]),
    ('{"jsonrpc":"2.0","id":12,"method":"workspace/executeCommand","params":{"command":"flutterTune.cancel",'
     '"arguments":[{"job":5}]}}', [(12, -32602)]),
    ('{"jsonrpc":"2.0","id":13,"method":"no/such/method","params":null}', [(13, -32601)]),
])
def test_every_unusable_request_is_answered_once(protocol, body, expected):
    dispatch(protocol, body.encode() if isinstance(body, str) else body)
    dispatch(protocol, json.dumps(cancel_request("after")).encode())
    assert answers(protocol) == expected + [("after", "result")]


def test_an_exception_escaping_pygls_is_answered_with_internal_error(protocol, monkeypatch):
    def broken(msg_id, method, params):
        raise RuntimeError("boom")

    monkeypatch.setattr(protocol, "_handle_request", broken)
    dispatch(protocol, json.dumps(cancel_request(1)).encode())
    assert answers(protocol) == [(1, -32603)]


def test_a_request_pygls_answered_before_failing_is_not_answered_twice(protocol, monkeypatch):
    def answer_then_fail(msg_id, method, params):
        protocol._send_response(msg_id, result=None)
        raise RuntimeError("boom")

    monkeypatch.setattr(protocol, "_handle_request", answer_then_fail)
    dispatch(protocol, json.dumps(cancel_request(1)).encode())
    assert answers(protocol) == [(1, "result")]


def test_requests_after_shutdown_are_refused(protocol):
    dispatch(protocol, b'{"jsonrpc":"2.0","id":1,"method":"shutdown"}')
    dispatch(protocol, json.dumps(cancel_request(2)).encode())
    assert answers(protocol) == [(1, "result"), (2, -32600)]


def test_a_result_that_is_not_json_is_answered_with_internal_error(protocol):
    protocol._send_response(7, result={"value": {1, 2}})  # a set: no JSON for it
    protocol._send_response(8, result={"value": float("nan"), "ok": [1, "a"]})  # NaN: Python's JSON writes it
    assert answers(protocol) == [(7, -32603), (8, "result")]
