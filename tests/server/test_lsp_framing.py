"""Broken input on stdin never kills the server and never leaves a request unanswered; shutdown with work in
flight answers everything and exits with code 0. The real server runs as a subprocess fed raw bytes
(``raw_client.RawServer``); after every case it must be alive and every request with an id must have
exactly one answer."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import random
import re
import time
from pathlib import Path

import pytest
from lsp_session import base_settings
from pygls.exceptions import JsonRpcInvalidParams
from raw_client import NULL_ID, RawServer, frame

from server.features import build_server
from server.runtime.arguments import command_args
from dataset_tools.converter import key_of
from server.runtime.framing import MAX_FRAME_ENV

HUGE_INT = "9" * 5000
DEEP = "[" * 100_000 + "]" * 100_000
PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS, CANCELLED = -32700, -32600, -32602, -32800


def start(tmp_path: Path, **env) -> RawServer:
    server = RawServer({"FLUTTER_TUNE_HOME": str(tmp_path / "home"), **env})
    answer = server.wait_answer(server.request("initialize", {"processId": None, "rootUri": None,
                                                              "capabilities": {}}))
    assert "result" in answer
    server.notify("initialized", {})
    return server


def body(msg_id, method: str, params_json: str) -> str:
    """A request body written by hand, id first (as clients write it)."""
    return f'{{"jsonrpc":"2.0","id":{json.dumps(msg_id)},"method":"{method}","params":{params_json}}}'


def assert_every_request_answered_once(server: RawServer) -> None:
    counts = server.answer_counts()
    assert all(n == 1 for n in counts.values()), {k: n for k, n in counts.items() if n != 1}


def test_an_oversized_request_is_answered_and_the_next_one_served(tmp_path):
    server = start(tmp_path, **{MAX_FRAME_ENV: "4096"})
    try:
        msg_id = server.new_id()
        server.send(body(msg_id, "workspace/executeCommand",
                         '{"command":"flutterTune.cancel","arguments":["' + "x" * 200_000 + '"]}'))
        error = server.wait_answer(msg_id)["error"]
        assert error["code"] == INVALID_REQUEST and "over the size limit of 4096 bytes" in error["message"]
        assert server.alive()
        assert "over the limit of 4096 bytes" in server.log()
        assert_every_request_answered_once(server)
        assert server.exit() == 0
    finally:
        server.close()


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_a_content_length_of_100_gb_is_skipped_without_allocating(tmp_path):
    server = start(tmp_path)
    try:
        msg_id = server.new_id()
        head = body(msg_id, "workspace/executeCommand", '{"command":"flutterTune.cancel","arguments":[')
        server.send_bytes(b"Content-Length: 99999999999\r\n\r\n" + head.encode() + b"1," * 500_000)
        error = server.wait_answer(msg_id)["error"]
        assert error["code"] == INVALID_REQUEST and "99999999999 bytes" in error["message"]
        time.sleep(0.5)
        assert server.proc.poll() is None
        assert peak_rss_kib(server.proc.pid) < 1024 * 1024  # far below the frame's 100 GB
        server.proc.stdin.close()  # the frame never completes: end of input ends the server cleanly
        assert server.wait_exit(30) == 0
        assert "MemoryError" not in server.log()
    finally:
        server.close()


def cancel_body(msg_id) -> str:
    return body(msg_id, "workspace/executeCommand", '{"command":"flutterTune.cancel"}')


CASES = {  # name: (the bytes written for request id i, the answers expected: [(id, code)]; "i" is the request's id)
    "5000-digit integer in params": (lambda i: frame(body(i, "no/such/method", '{"n":' + HUGE_INT + "}")),
                                     [("i", PARSE_ERROR)]),
    "5000-digit integer as a command's argument": (
        lambda i: frame(body(i, "workspace/executeCommand",
                             '{"command":"flutterTune.generate","arguments":[{"maxNewTokens":' + HUGE_INT + "}]}")),
        [("i", PARSE_ERROR)]),
    "100k-deep nesting": (lambda i: frame(body(i, "workspace/executeCommand",
                                               '{"command":"flutterTune.cancel","arguments":' + DEEP + "}")),
                          [("i", PARSE_ERROR)]),
    "invalid UTF-8": (lambda i: frame(body(i, "no/such/method", '"?"').encode().replace(b"?", b"\xff\xfe")),
                      [("i", PARSE_ERROR)]),
    "truncated header": (lambda i: b"Content-Le" + frame(cancel_body(i)), [("i", "result")]),
    "header line longer than the limit": (lambda i: b"X-Junk: " + b"j" * 20_000 + b"\r\n" + frame(cancel_body(i)),
                                          [("i", "result")]),
    "negative length": (lambda i: b"Content-Length: -5\r\n\r\n" + body("lost", "shutdown", "null").encode(), []),
    "non-numeric length": (lambda i: b"Content-Length: many\r\n\r\n" + body("lost", "shutdown", "null").encode(),
                           []),
    "missing length": (lambda i: b"Content-Type: application/json\r\n\r\n" + body("lost", "shutdown", "null").encode(),
                       []),
    "top-level array": (lambda i: frame("[" + cancel_body("lost") + "]"), [(None, INVALID_REQUEST)]),
    "top-level number": (lambda i: frame("12"), [(None, INVALID_REQUEST)]),
    "id of a wrong type": (lambda i: frame(cancel_body({"a": 1})), [(None, INVALID_REQUEST)]),
    "method of a wrong type": (lambda i: frame(f'{{"jsonrpc":"2.0","id":{json.dumps(i)},"method":["shutdown"]}}'),
                               [("i", INVALID_REQUEST)]),
    "params of a wrong type": (lambda i: frame(body(i, "workspace/executeCommand", '"flutterTune.cancel"')),
                               [("i", INVALID_PARAMS)]),
    "codeAction params of a wrong type": (lambda i: frame(body(i, "textDocument/codeAction", '{"textDocument":5}')),
                                          [("i", INVALID_PARAMS)]),
    "no jsonrpc": (lambda i: frame(cancel_body(i).replace('"jsonrpc":"2.0",', "")), [("i", INVALID_REQUEST)]),
    "notification that is not JSON": (lambda i: frame('{"jsonrpc":"2.0","method":"x","params":{"n":' + HUGE_INT + "}}"),
                                      []),
    "empty body": (lambda i: frame(""), [(None, PARSE_ERROR)]),
}


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    server = start(tmp_path_factory.mktemp("framing"))
    yield server
    server.close()


@pytest.mark.parametrize("name", list(CASES))
def test_broken_input_is_answered_and_the_server_keeps_serving(shared_server, name):
    server = shared_server
    write, expected = CASES[name]
    msg_id = f"case-{name}"
    nulls_before = len(server.answers.get(NULL_ID, ()))
    server.send_bytes(write(msg_id))
    for answer_id, code in expected:
        if answer_id == "i":
            server.sent_ids.append(msg_id)
            answer = server.wait_answer(msg_id)
        else:
            answer = server.wait_for(lambda: server.answers.get(NULL_ID, [])[nulls_before:], what="null-id answer")[0]
        assert (answer["error"]["code"] if "error" in answer else "result") == code
    assert server.alive()
    assert len(server.answers.get(NULL_ID, ())) == nulls_before + sum(1 for i, _ in expected if i is None)
    assert not server.answers.get("lost")
    assert_every_request_answered_once(server)


# --- fuzz: one server, mutations mixed with valid frames ------------------------------------------
FUZZ_SEED = 20261207
FUZZ_RANDOM_CASES = 300
FUZZ_BUDGET_S = 55.0
RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "server_fuzz.md"
ANY = "any"  # exactly one answer, whatever it says
WRONG_VALUES = [None, True, False, 0, -1, 7, 1.5, 10**30, "", " ", "x", [], [1], ["a"], {}, {"a": 1},
                {"line": 0, "character": 0}]
VALID_OPTIONS = {"flutterTune.generate": {"uri": "file:///nowhere/a.dart", "position": {"line": 0, "character": 0},
                                          "instruction": "A box"}}  # the required arguments, so one key is wrong


@functools.cache
def command_argument_classes() -> dict[str, type | None]:
    """Each command the server registers, with the dataclass its module reads the arguments into (None: none)."""
    classes = {}
    for name, handler in build_server().protocol.fm.commands.items():
        module = inspect.getmodule(getattr(handler, "func", handler))
        found = {vars(module)[constant]: vars(module)[cls]
                 for constant, cls in re.findall(r"command_args\((\w+), args, (\w+)", inspect.getsource(module))}
        classes[name] = found.get(name)
        assert classes[name] is None or dataclasses.is_dataclass(classes[name])
    return classes


def refused(command: str, cls: type, options: dict) -> bool:
    try:
        command_args(command, (options,), cls)
    except JsonRpcInvalidParams:
        return True
    return False


def wrong_arguments() -> list[tuple[str, list, object]]:
    """(command, arguments, expected code): every argument (and alias) of every registered command with each
    value the server's own argument reading refuses; commands that read no arguments get them all."""
    cases = []
    for command, cls in sorted(command_argument_classes().items()):
        if cls is None:
            cases += [(command, [value], ANY) for value in WRONG_VALUES]
            continue
        base = VALID_OPTIONS.get(command, {})
        for field in dataclasses.fields(cls):
            main_key = key_of(field)
            for key in (main_key, *field.metadata.get("aliases", ())):
                rest = {k: v for k, v in base.items() if k != main_key}  # an alias counts when the key is absent
                options = [{**rest, key: value} for value in WRONG_VALUES]
                options = [o for o in options if refused(command, cls, o)]
                assert options, f"no refused value for {command} '{key}'"
                cases += [(command, [o], INVALID_PARAMS) for o in options]
    return cases


class Fuzz:
    """Builds the cases: ``(kind, bytes, expected)``, where expected is [(id, code or ANY)] (id None: a null-id
    answer), plus the ids that must get no answer (dropped frames) or at most one (corrupted bodies)."""

    def __init__(self, rng: random.Random, server: RawServer) -> None:
        self.rng = rng
        self.server = server
        self.dropped: list = []
        self.maybe: list = []

    def request(self, msg_id, method: str, params) -> str:
        return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})

    def valid(self):
        i = self.server.new_id()
        method, params, code = self.rng.choice([
            ("workspace/executeCommand", {"command": "flutterTune.cancel", "arguments": []}, "result"),
            ("workspace/executeCommand", {"command": "flutterTune.listAdapters"}, "result"),
            ("no/such/method", None, -32601),
            ("workspace/executeCommand", {"command": "flutterTune.nope"}, ANY)])
        return frame(self.request(i, method, params)), [(i, code)]

    def huge_integer(self):
        i = self.server.new_id()
        command = self.rng.choice(sorted(command_argument_classes()))
        key = self.rng.choice(["maxNewTokens", "limit", "job", "n"])
        params = f'{{"command":"{command}","arguments":[{{"{key}":{HUGE_INT}}}]}}'
        return frame(body(i, "workspace/executeCommand", params)), [(i, PARSE_ERROR)]

    def deep(self):
        i = self.server.new_id()
        depth = self.rng.choice([50, 900, 5000, 100_000])
        params = '{"command":"flutterTune.cancel","arguments":' + "[" * depth + "]" * depth + "}"
        return frame(body(i, "workspace/executeCommand", params)), [(i, PARSE_ERROR if depth > 1000 else ANY)]

    def invalid_utf8(self):
        i = self.server.new_id()
        text = body(i, "workspace/executeCommand", '{"command":"flutterTune.cancel","arguments":["?"]}')
        return frame(text.encode().replace(b"?", bytes([self.rng.randrange(0x80, 0x100)]))), [(i, PARSE_ERROR)]

    def batch(self):
        lost = f"lost-{self.rng.random()}"
        self.dropped.append(lost)
        return frame(f"[{cancel_body(lost)}]"), [(None, INVALID_REQUEST)]

    def wrong_id(self):
        value = self.rng.choice([True, 1.5, None, [], {"a": 1}])
        return frame(self.request(value, "workspace/executeCommand", {"command": "flutterTune.cancel"})), \
            [(None, INVALID_REQUEST)]

    def wrong_method(self):
        i = self.server.new_id()
        method = self.rng.choice([5, None, ["shutdown"], {"m": "exit"}, True])
        return frame(self.request(i, method, None)), [(i, INVALID_REQUEST)]

    def wrong_params(self):
        i = self.server.new_id()
        method = self.rng.choice(["workspace/executeCommand", "textDocument/codeAction", "codeAction/resolve"])
        params = self.rng.choice([5, "x", [1], True, {"command": 7}, {"textDocument": []}])
        return frame(self.request(i, method, params)), [(i, INVALID_PARAMS)]

    def wrong_argument(self, command: str, arguments: list, code):
        i = self.server.new_id()
        return frame(self.request(i, "workspace/executeCommand", {"command": command, "arguments": arguments})), \
            [(i, code)]

    def bad_length(self):
        lost = f"lost-{self.rng.random()}"
        self.dropped.append(lost)
        header = self.rng.choice([b"Content-Length: -7\r\n", b"Content-Length: ten\r\n", b"Content-Type: x\r\n"])
        return header + b"\r\n" + cancel_body(lost).encode(), []

    def truncated_header(self):
        data, expected = self.valid()
        return self.rng.choice([b"Content-Le", b"Content-Length:", b"\x00\xff"]) + data, expected

    def long_header(self):
        data, expected = self.valid()
        return b"X-" + b"h" * self.rng.randrange(9_000, 40_000) + b"\r\n" + data, expected

    def oversized(self):
        i = self.server.new_id()
        padding = "p" * (FUZZ_CAP + self.rng.randrange(1, 300_000))
        params = f'{{"command":"flutterTune.cancel","arguments":["{padding}"]}}'
        return frame(body(i, "workspace/executeCommand", params)), [(i, INVALID_REQUEST)]

    def bad_notification(self):
        return frame(self.rng.choice([
            '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":[1]}}',
            '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":5}}',
            '{"jsonrpc":"2.0","method":7}',
            '{"jsonrpc":"2.0","method":"x","params":{"n":' + HUGE_INT + "}}"])), []

    def corrupted(self):
        i = f"maybe-{self.rng.random()}"
        self.maybe.append(i)
        data = bytearray(cancel_body(i).encode())
        for _ in range(self.rng.randrange(1, 4)):
            data[self.rng.randrange(len(data))] = self.rng.randrange(256)
        return frame(bytes(data)), []

    KINDS = ["valid", "huge_integer", "deep", "invalid_utf8", "batch", "wrong_id", "wrong_method", "wrong_params",
             "bad_length", "truncated_header", "long_header", "oversized", "bad_notification", "corrupted"]


FUZZ_CAP = 256 * 1024


def test_fuzz_one_server_survives_every_mutation_and_answers_every_request(tmp_path):
    rng = random.Random(FUZZ_SEED)
    server = start(tmp_path, **{MAX_FRAME_ENV: str(FUZZ_CAP)})
    fuzz = Fuzz(rng, server)
    plan = [("wrong_argument", case) for case in wrong_arguments()]
    plan += [(rng.choice(Fuzz.KINDS), None) for _ in range(FUZZ_RANDOM_CASES)]
    rng.shuffle(plan)
    tried: dict[str, int] = {}
    started = time.monotonic()
    try:
        for kind, case in plan:
            if time.monotonic() - started > FUZZ_BUDGET_S:
                break
            data, expected = fuzz.wrong_argument(*case) if case else getattr(fuzz, kind)()
            nulls = len(server.answers.get(NULL_ID, ()))
            alive = server.new_id()
            server.send_bytes(data + frame(cancel_body(alive)))
            assert server.wait_answer(alive)["result"]["running"] == [], kind
            for msg_id, code in expected:
                if msg_id is None:
                    server.wait_for(lambda: len(server.answers.get(NULL_ID, ())) > nulls, 30, f"null answer ({kind})")
                    continue
                answer = server.wait_answer(msg_id)
                if code != ANY:
                    assert (answer["error"]["code"] if "error" in answer else "result") == code, (kind, answer)
            assert_every_request_answered_once(server)
            assert not any(server.answers.get(i) for i in fuzz.dropped), kind
            assert all(len(server.answers.get(i, ())) <= 1 for i in fuzz.maybe), kind
            tried[kind] = tried.get(kind, 0) + 1
        seconds = time.monotonic() - started
        time.sleep(0.5)  # a late second answer would show now
        assert_every_request_answered_once(server)
        alive_at_end = server.alive()
        counts = server.answer_counts()
        report = fuzz_report(tried, len(counts), sum(n == 1 for n in counts.values()), alive_at_end, seconds)
        print(report)
        if sum(tried.values()) == len(plan):  # the whole plan ran: the counts are the seed's own
            RESULTS.write_text(report)
        assert alive_at_end
        assert tried.get("wrong_argument") == len(wrong_arguments()), "the budget ran out before every argument"
        assert server.exit() == 0
    finally:
        server.close()


def fuzz_report(tried: dict[str, int], sent: int, answered: int, alive: bool, seconds: float) -> str:
    rows = "\n".join(f"| {kind.replace('_', ' ')} | {count} |" for kind, count in sorted(tried.items()))
    return (f"# Language server fuzz (`tests/server/test_lsp_framing.py`, seed {FUZZ_SEED})\n\n"
            "One server process fed broken frames mixed with valid ones (frame cap "
            f"{FUZZ_CAP // 1024} KiB); after every case it answered a valid request, and every request with an "
            "id had exactly one answer. Requests sent count the check request after each case; frames dropped "
            "on purpose (a bad Content-Length) and corrupted bodies are not counted.\n\n"
            "| cases tried | requests sent (with an id) | requests answered (exactly once) | server alive |\n"
            "|---|---|---|---|\n"
            f"| {sum(tried.values())} | {sent} | {answered} | {'yes' if alive else 'no'} |\n\n"
            "| case | count |\n|---|---|\n" + rows + "\n")


# --- shutdown with a generation in flight ---------------------------------------------------------
def start_long_generation(server: RawServer, tmp_path: Path, tiny_model_dir: Path) -> int:
    """Initialize with the tiny model, start a generation of up to 1900 tokens, return once it writes tokens."""
    settings = base_settings(tiny_model_dir, tmp_path, maxNewTokens=1900, timeLimitSeconds=600.0)
    server.wait_answer(server.request("initialize", {
        "processId": None, "rootUri": None, "capabilities": {"window": {"workDoneProgress": True}},
        "initializationOptions": settings}))
    server.notify("initialized", {})
    uri = (tmp_path / "lib" / "x.dart").as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "dart", "version": 1,
                                                            "text": "\n"}})
    generate = server.command("flutterTune.generate", {"uri": uri, "position": {"line": 0, "character": 0},
                                                       "instruction": "A very long screen of widgets"})
    server.wait_for(lambda: any(n["method"] == "$/progress" and "tokens" in str(n["params"]["value"].get("message"))
                                for n in server.notifications), what="tokens being written")
    return generate


@pytest.mark.parametrize("attempt", range(3))
def test_shutdown_during_generation_answers_everything_and_exits_0(tmp_path, tiny_model_dir, attempt):
    server = RawServer({"FLUTTER_TUNE_HOME": str(tmp_path / "home")})
    try:
        generate = start_long_generation(server, tmp_path, tiny_model_dir)
        shutdown = server.request("shutdown")
        assert server.wait_answer(shutdown) == {"jsonrpc": "2.0", "id": shutdown, "result": None}
        answer = server.wait_answer(generate)
        assert answer.get("error", {}).get("code") == CANCELLED or answer["result"]["cancelled"] is True
        server.notify("exit")
        assert server.wait_exit(60) == 0, server.log()[-3000:]
        assert_every_request_answered_once(server)
        assert "Traceback" not in server.log(), server.log()[-4000:]
    finally:
        server.close()


def test_end_of_input_during_generation_ends_the_server_with_0(tmp_path, tiny_model_dir):
    server = RawServer({"FLUTTER_TUNE_HOME": str(tmp_path / "home")})
    try:
        start_long_generation(server, tmp_path, tiny_model_dir)
        server.proc.stdin.close()  # the editor went away
        assert server.wait_exit(60) == 0, server.log()[-3000:]
    finally:
        server.close()


def test_shutdown_during_training_cancels_it_and_exits_0(tmp_path, tiny_model_dir, examples_dir):
    """A training thread is waited for (it saves its checkpoint) before the process ends."""
    server = RawServer({"FLUTTER_TUNE_HOME": str(tmp_path / "home")})
    try:
        server.wait_answer(server.request("initialize", {
            "processId": None, "rootUri": None, "capabilities": {"window": {"workDoneProgress": True}},
            "initializationOptions": base_settings(tiny_model_dir, tmp_path)}))
        server.notify("initialized", {})
        harvest = server.command("flutterTune.harvest", {"roots": [str(examples_dir / "trail_journal")]})
        assert server.wait_answer(harvest, timeout=120)["result"]["cancelled"] is False
        train = server.command("flutterTune.train", {"maxSteps": 500, "batchSize": 1, "maxLength": 128})
        server.wait_for(lambda: any(n["method"] == "$/progress" and "step" in str(n["params"]["value"].get("message"))
                                    for n in server.notifications), timeout=120, what="training steps")
        shutdown = server.request("shutdown")
        assert server.wait_answer(shutdown, timeout=60) == {"jsonrpc": "2.0", "id": shutdown, "result": None}
        answer = server.wait_answer(train, timeout=60)
        assert answer.get("error", {}).get("code") == CANCELLED or answer["result"]["cancelled"] is True
        server.notify("exit")
        assert server.wait_exit(90) == 0, server.log()[-3000:]
        assert_every_request_answered_once(server)
        assert "Traceback" not in server.log(), server.log()[-4000:]
    finally:
        server.close()
