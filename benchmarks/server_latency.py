"""Benchmark: the language server vs the guide's generate path, on the default model, in one run.

Measures, through the real server (a subprocess spoken to over stdio with pygls' client):
- code-action listing latency (tree-sitter only; target < 50 ms);
- time to first token on a warm model (first "1 tokens" progress report; target < 1 s);
- time for a complete widget of up to ``--tokens`` new tokens (``flutterTune.generate``, stop at
  widget end), until the edit arrives;
- resident memory (VmRSS) of the server with the 8-bit base vs no quantization.
Then, in this process, the guide's path on the same base: ``model.generate(max_length=1024,
do_sample=True)``, decode everything, split the string at "### Response:". The guide shows nothing
until it is done, so its first token arrives when the whole answer does.

    .venv/bin/python benchmarks/server_latency.py [--base default] [--tokens 300] [--actions 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DESCRIPTION = "A card showing a hike's name, distance and a star rating, with rounded corners."
DART_FILE = ROOT / "examples" / "trail_journal" / "lib" / "cards" / "hike_card.dart"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Client:
    """A minimal LSP client that records progress reports and accepts edits."""

    def __init__(self) -> None:
        from lsprotocol import types
        from pygls.lsp.client import LanguageClient

        self.types = types
        self.lc = LanguageClient("flutter-tune-bench", "1")
        self.progress: list[tuple[float, object]] = []
        self.edits: list[tuple[float, object]] = []

        @self.lc.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def create(ls, params):
            return None

        @self.lc.feature(types.PROGRESS)
        def progress(ls, params):
            self.progress.append((time.perf_counter(), params.value))

        @self.lc.feature(types.WORKSPACE_APPLY_EDIT)
        def apply(ls, params):
            self.edits.append((time.perf_counter(), params))
            return types.ApplyWorkspaceEditResult(applied=True)

        for method in ("flutterTune/status", types.WINDOW_SHOW_MESSAGE, types.WINDOW_LOG_MESSAGE):
            self.lc.feature(method)(lambda ls, params: None)

    async def start(self, settings: dict, folder: Path) -> None:
        t = self.types
        await self.lc.start_io(sys.executable, "-m", "server.lsp_main")
        await self.lc.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(window=t.WindowClientCapabilities(work_done_progress=True)),
            initialization_options=settings, root_uri=folder.as_uri()))
        self.lc.initialized(t.InitializedParams())

    @property
    def pid(self) -> int:
        return self.lc._server.pid

    def open(self, uri: str, text: str) -> None:
        t = self.types
        self.lc.text_document_did_open(t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="dart", version=1, text=text)))

    async def generate(self, uri: str, tokens: int) -> tuple[dict, float, float | None]:
        """(result, seconds until the edit, seconds until the first token report)."""
        t = self.types
        self.progress.clear()
        self.edits.clear()
        start = time.perf_counter()
        result = await self.lc.workspace_execute_command_async(t.ExecuteCommandParams(
            command="flutterTune.generate", arguments=[{
                "uri": uri, "position": {"line": 0, "character": 0}, "instruction": DESCRIPTION,
                "maxNewTokens": tokens}]))
        done = self.edits[-1][0] if self.edits else time.perf_counter()
        def message(value):
            return value.get("message") if isinstance(value, dict) else getattr(value, "message", None)

        first = next((when for when, value in self.progress if message(value) == "1 tokens"), None)
        return result, done - start, None if first is None else first - start

    async def actions(self, uri: str, lines: list[str], n: int) -> list[float]:
        t = self.types
        times = []
        for i in range(n):
            line = (i * 7) % len(lines)
            pos = t.Position(line=line, character=min(len(lines[line]), 8))
            start = time.perf_counter()
            await self.lc.text_document_code_action_async(t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=uri), range=t.Range(start=pos, end=pos),
                context=t.CodeActionContext(diagnostics=[])))
            times.append(time.perf_counter() - start)
        return times

    async def stop(self) -> None:
        await self.lc.shutdown_async(None)
        self.lc.exit(None)
        await self.lc.stop()


def settings_for(base: str, quantization: str) -> dict:
    return {"baseModel": base, "adapter": None, "quantization": quantization, "device": "cpu",
            "retrieval": {"enabled": False}, "timeLimitSeconds": 600.0}


async def through_server(args, quantization: str, full: bool) -> dict:
    client = Client()
    await client.start(settings_for(args.base, quantization), ROOT)
    out: dict = {}
    try:
        uri = DART_FILE.as_uri()
        text = DART_FILE.read_text(encoding="utf-8")
        client.open(uri, text)
        if full:
            times = await client.actions(uri, text.split("\n"), args.actions)
            out["actions_ms"] = (1000 * statistics.median(times), 1000 * sorted(times)[int(0.95 * len(times)) - 1])
        _, load_s, _ = await client.generate(uri, 4)  # loads the model (lazily) and warms it up
        out["load_s"] = load_s
        out["rss_mb"] = rss_mb(client.pid)
        if full:
            result, total, first = await client.generate(uri, args.tokens)
            out.update(total_s=total, first_s=first, tokens=result["newTokens"], stop=result["stopReason"])
    finally:
        await client.stop()
    return out


def guide_path(args, to_max_length: bool = False) -> dict:
    """The guide's generate: sample to max_length=1024, decode everything, split the string.

    ``to_max_length`` forbids an early EOS (``min_length=1024``): what the guide's path costs
    whenever the model does not happen to sample EOS, as it has no other way to stop.
    """
    import torch

    from trainer.models import load_for_inference

    model, tokenizer, _ = load_for_inference(base=args.base, quantization=args.quantization, device="cpu")
    prompt = f"### Instruction:\n{DESCRIPTION}\n\n### Response:\n"
    inputs = tokenizer(prompt, return_tensors="pt")
    start = time.perf_counter()
    with torch.no_grad():
        outputs = model.generate(**inputs, max_length=1024, do_sample=True, temperature=0.7, top_p=0.95,
                                 pad_token_id=tokenizer.eos_token_id, min_length=1024 if to_max_length else 0)
    text = tokenizer.decode(outputs[0], skip_special_tokens=True)
    code = text.split("### Response:")[1] if "### Response:" in text else text
    seconds = time.perf_counter() - start
    return {"total_s": seconds, "tokens": int(outputs.shape[1] - inputs["input_ids"].shape[1]), "chars": len(code)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="default")
    parser.add_argument("--tokens", type=int, default=300)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--quantization", default="8bit", choices=("8bit", "4bit", "none"),
                        help="quantization for the timed server-vs-guide comparison (8-bit is slow on CPU)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    eight = asyncio.run(through_server(args, args.quantization, full=True))
    print(f"server done: {eight}", flush=True)
    other = "none" if args.quantization != "none" else "8bit"
    plain = asyncio.run(through_server(args, other, full=False))
    if args.quantization == "none":
        eight["rss_mb"], plain["rss_mb"] = plain["rss_mb"], eight["rss_mb"]
        eight_load, plain_load = plain["load_s"], eight["load_s"]
    else:
        eight_load, plain_load = eight["load_s"], plain["load_s"]
    guide = guide_path(args)
    guide_full = guide_path(args, to_max_length=True)

    med, p95 = eight["actions_ms"]
    print(f"model: {args.base} on CPU; widget request: {args.tokens} new tokens max")
    print(f"code-action listing      : median {med:.1f} ms, p95 {p95:.1f} ms over {args.actions} requests "
          f"(target < 50 ms)")
    q = args.quantization
    first = eight["first_s"]
    print(f"first token (warm, {q}): {first:.3f} s (target < 1 s)" if first is not None else
          "first token: no token report seen")
    print(f"server widget ({q})    : {eight['total_s']:.2f} s for {eight['tokens']} tokens "
          f"(stop: {eight['stop']}), edit applied")
    print(f"guide path ({q})       : {guide['total_s']:.2f} s for {guide['tokens']} tokens "
          "(sample to max_length=1024, decode all, split); first output at the end")
    print(f"guide path, no early EOS : {guide_full['total_s']:.2f} s for {guide_full['tokens']} tokens "
          "(what it costs whenever the model does not sample EOS)")
    per_token = guide_full["total_s"] / max(guide_full["tokens"], 1)
    print(f"speed-up complete widget : {guide['total_s'] / eight['total_s']:.2f}x as sampled, "
          f"{guide_full['total_s'] / eight['total_s']:.2f}x without an early EOS (target >= 2x); "
          f"per token: server {eight['total_s'] / max(eight['tokens'], 1) * 1000:.0f} ms, guide {per_token * 1000:.0f} ms")
    print(f"speed-up first token     : {guide['total_s'] / first:.1f}x" if first else "")
    print(f"server RSS after load    : 8-bit {eight['rss_mb']:.0f} MB, none {plain['rss_mb']:.0f} MB "
          f"(ratio {eight['rss_mb'] / plain['rss_mb']:.2f})")
    print(f"cold model load          : 8-bit {eight_load:.1f} s, none {plain_load:.1f} s "
          "(first request, includes a 4-token generation)")


if __name__ == "__main__":
    main()
