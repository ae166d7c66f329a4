"""Benchmark: complete widgets through the language server, per backend, in one run.

Through the real server (a subprocess spoken to over stdio with pygls' client), with the demo's active
adapter (else the base model), retrieval on, default settings otherwise:
- code-action listing latency (tree-sitter only; target < 50 ms);
- for each of the example app's held-out descriptions, the time from ``flutterTune.generate`` to the
  applied edit, on a warm model — with the default backend (onnx int8) and default candidates, and
  with today's path before this change (torch, one candidate) in 8-bit (the server's old default)
  and fp32; p50/p95 and the ratio (targets: p50 ≤ 8 s; ≤ 1/3 of today's single-candidate p50);
- time to the first token (first progress report) on the warm model;
- resident memory (VmRSS, and its anonymous part) of the server after those generations: onnx vs torch
  fp32 (target ≤ 0.5×).
``--guide`` adds the guide's path (``model.generate(max_length=1024, do_sample=True)``) for reference.
``--compare-check-names`` times the onnx path only, with the setting ``checkNames`` on and off, taking
turns per pass which goes first (the dataset's symbols are used when it has them).

    .venv/bin/python benchmarks/server_latency.py [--widgets 0] [--actions 200] [--repeat 1] [--guide]
        [--compare-check-names] [--out server_latency]

Writes benchmarks/results/<--out>.{md,json} (server_latency.{md,json} by default).
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


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of ``pid``: VmRSS (all of it) or RssAnon (without pages mapped from files, e.g.
    the parts of the model file the runtime reads in place, which the kernel can drop and read again)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
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
        await self.lc.start_io(sys.executable, "-m", "server", "serve")
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

    async def generate(self, uri: str, description: str, tokens: int | None) -> tuple[dict, float, float | None]:
        """(result, seconds until the edit, seconds until the first token report)."""
        t = self.types
        self.progress.clear()
        self.edits.clear()
        start = time.perf_counter()
        result = await self.lc.workspace_execute_command_async(t.ExecuteCommandParams(
            command="flutterTune.generate", arguments=[{
                "uri": uri, "position": {"line": 0, "character": 0}, "instruction": description,
                **({"maxNewTokens": tokens} if tokens else {})}]))
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


def settings_for(args, **overrides) -> dict:
    settings = {"baseModel": "default", "adapter": args.adapter, "adaptersDir": args.adapters_dir,
                "datasetDir": args.dataset, "device": "cpu", "retrieval": {"enabled": True}}
    settings.update(overrides)
    return settings


async def through_server(args, settings: dict, descriptions: list[str], listing: bool) -> dict:
    client = Client()
    await client.start(settings, ROOT)
    out: dict = {}
    try:
        uri = DART_FILE.as_uri()
        text = DART_FILE.read_text(encoding="utf-8")
        client.open(uri, text)
        if listing:
            times = await client.actions(uri, text.split("\n"), args.actions)
            out["actions_ms"] = (1000 * statistics.median(times), 1000 * sorted(times)[int(0.95 * len(times)) - 1])
        _, load_s, _ = await client.generate(uri, "A small text label.", 4)  # loads the model, warms it up
        out["load_s"] = load_s
        widgets = []
        for description in descriptions:
            result, total, first = await client.generate(uri, description, None)
            widgets.append({"seconds": total, "first_s": first, "tokens": result["newTokens"],
                            "stop": result["stopReason"], "passed": result.get("passed"),
                            "candidates": len(result.get("candidates") or [1]),
                            "unresolved": result.get("unresolved") or []})
            print(f"  {settings.get('backend')}/{settings.get('quantization')}: {total:.1f}s "
                  f"{result['newTokens']} tokens {result['stopReason']} passed={result.get('passed')}", flush=True)
        out["widgets"] = widgets
        out["rss_mb"] = rss_mb(client.pid)
        out["anon_mb"] = rss_mb(client.pid, "RssAnon")
    finally:
        await client.stop()
    return out


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, -(-int(q * len(values)) // 100) - 1))] if values else float("nan")


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
    parser.add_argument("--widgets", type=int, default=0,
                        help="held-out descriptions to generate (0: all, test split first)")
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--adapters-dir", default=str(ROOT / "demo_output" / "adapters"))
    parser.add_argument("--dataset", default=str(ROOT / "demo_output" / "dataset"))
    parser.add_argument("--guide", action="store_true", help="also time the guide's generate path")
    parser.add_argument("--base", default="default")
    parser.add_argument("--quantization", default="none")
    parser.add_argument("--repeat", type=int, default=1,
                        help="passes over the descriptions with the default (sampling) configuration: its median "
                             "depends on which candidates get sampled, so one pass is one draw")
    parser.add_argument("--compare-check-names", action="store_true",
                        help="onnx only: checkNames on and off, taking turns per pass which goes first")
    parser.add_argument("--out", default="server_latency", help="results file name under benchmarks/results/")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import json

    from dataset_tools.atomic_io import read_jsonl
    from trainer.adapters import active_adapter

    adapter = active_adapter(Path(args.adapters_dir)) if Path(args.adapters_dir).is_dir() else None
    args.adapter = str(adapter) if adapter else None
    dataset = Path(args.dataset)
    held_out = []
    for split in ("test", "validation"):
        if (dataset / f"{split}.jsonl").is_file():
            held_out += [r["instruction"] for r in read_jsonl(dataset / f"{split}.jsonl")]
    descriptions = (held_out or [DESCRIPTION])[: args.widgets or None]

    if args.compare_check_names:
        compare_check_names(args, adapter, descriptions)
        return
    configs = {
        "onnx int8, default candidates": settings_for(args, backend="onnx"),
        "torch 8-bit, 1 candidate (before)": settings_for(args, backend="torch", quantization="8bit", candidates=1,
                                                          temperature=0.0),
        "torch fp32, 1 candidate": settings_for(args, backend="torch", quantization="none", candidates=1,
                                                temperature=0.0),
    }
    runs = {}
    for i, (name, settings) in enumerate(configs.items()):
        print(name, flush=True)
        asked = descriptions * (args.repeat if i == 0 else 1)  # the torch configurations are greedy: one pass
        runs[name] = asyncio.run(through_server(args, settings, asked, listing=i == 0))
    onnx, before, fp32 = (runs[n] for n in configs)
    passes = [onnx["widgets"][k * len(descriptions):(k + 1) * len(descriptions)] for k in range(args.repeat)]

    def p50(run):
        return p([w["seconds"] for w in run["widgets"]], 50)

    lines = ["# Server latency (benchmarks/server_latency.py)", "",
             f"Adapter: {adapter.name if adapter else 'none (base model)'}; retrieval on; {len(descriptions)} held-out "
             f"descriptions of examples/trail_journal; warm model; {os.cpu_count()} CPU cores shared with other work.",
             "", "| path | p50 s | p95 s | first token p50 s | passed every check | server RSS MB | of it anonymous MB |",
             "|---|---|---|---|---|---|---|"]
    for name, run in runs.items():
        widgets = run["widgets"]
        firsts = [w["first_s"] for w in widgets if w["first_s"] is not None]
        passed = sum(bool(w["passed"]) for w in widgets)
        lines.append(f"| {name} | {p50(run):.1f} | {p([w['seconds'] for w in widgets], 95):.1f} | "
                     f"{p(firsts, 50):.2f} | {passed}/{len(widgets)} | {run['rss_mb']:.0f} | {run['anon_mb']:.0f} |")
    med, p95 = onnx["actions_ms"]
    lines += ["",
              f"- complete widget, onnx with candidates: p50 **{p50(onnx):.1f} s** (target ≤ 8 s); "
              f"**{p50(onnx) / p50(before):.2f}×** the time of the path before (torch 8-bit, 1 candidate; target ≤ 0.33×), "
              f"{p50(onnx) / p50(fp32):.2f}× torch fp32 with 1 candidate",
              f"- server RSS: onnx {onnx['rss_mb']:.0f} MB vs torch fp32 {fp32['rss_mb']:.0f} MB = "
              f"**{onnx['rss_mb'] / fp32['rss_mb']:.2f}×** (target ≤ 0.5×); anonymous memory only "
              f"{onnx['anon_mb'] / fp32['anon_mb']:.2f}×",
              f"- code-action listing: median {med:.1f} ms, p95 {p95:.1f} ms over {args.actions} requests (target < 50 ms)"]
    if args.repeat > 1:
        lines.append(f"- onnx over {args.repeat} passes of the {len(descriptions)} descriptions (unseeded sampling): "
                     "p50 of each pass " + ", ".join(f"{p([w['seconds'] for w in run], 50):.1f}" for run in passes)
                     + f" s; of all {len(onnx['widgets'])} requests {p50(onnx):.1f} s")
    if args.guide:
        guide = guide_path(args)
        lines.append(f"- the guide's path: {guide['total_s']:.1f} s for {guide['tokens']} tokens (sampled to "
                     "max_length=1024, decoded at the end)")
    text = "\n".join(lines)
    print(text)
    out = ROOT / "benchmarks" / "results"
    (out / f"{args.out}.md").write_text(text + "\n", encoding="utf-8")
    (out / f"{args.out}.json").write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")


def compare_check_names(args, adapter, descriptions: list[str]) -> None:
    """The onnx path with ``checkNames`` on and off, ``args.repeat`` passes each, alternating which goes
    first; p50/p95, passing and unresolved per configuration."""
    import json

    configs = {"checkNames on": settings_for(args, backend="onnx"),
               "checkNames off": settings_for(args, backend="onnx", checkNames=False)}
    runs: dict[str, list[dict]] = {name: [] for name in configs}
    for k in range(args.repeat):
        for name in (list(configs) if k % 2 == 0 else list(configs)[::-1]):
            print(f"{name}, pass {k + 1}", flush=True)
            runs[name] += asyncio.run(through_server(args, configs[name], descriptions, listing=False))["widgets"]
    lines = ["# Server latency with and without checking names (benchmarks/server_latency.py --compare-check-names)",
             "", f"Adapter: {adapter.name if adapter else 'none (base model)'}; dataset `{args.dataset}`; retrieval "
             f"on; onnx int8, default candidates; {len(descriptions)} held-out descriptions × {args.repeat} passes "
             f"(alternating which configuration goes first); warm model; {os.cpu_count()} CPU cores.", "",
             "| configuration | p50 s | p95 s | first token p50 s | passed every check | with unresolved names |",
             "|---|---|---|---|---|---|"]
    for name, widgets in runs.items():
        seconds = [w["seconds"] for w in widgets]
        firsts = [w["first_s"] for w in widgets if w["first_s"] is not None]
        unresolved = sum(bool(w.get("unresolved")) for w in widgets)
        lines.append(f"| {name} | {p(seconds, 50):.1f} | {p(seconds, 95):.1f} | {p(firsts, 50):.2f} | "
                     f"{sum(bool(w['passed']) for w in widgets)}/{len(widgets)} | {unresolved}/{len(widgets)} |")
    on, off = (p([w["seconds"] for w in runs[name]], 50) for name in configs)
    lines += ["", f"- p50 on / off: {on:.1f} / {off:.1f} s = **{on / off:.2f}×** (target: on ≤ 8 s)"]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "benchmarks" / "results"
    (out / f"{args.out}.md").write_text(text + "\n", encoding="utf-8")
    (out / f"{args.out}.json").write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
