"""Benchmark: what the KnownNames logits processor costs per token, against a decoding step of the model.

In one run, on the example app's held-out widgets (test + validation split of the demo's dataset) with
the demo's active adapter on the onnx int8 backend:

1. the model's time per token: each widget generated greedily, one candidate, without KnownNames
   (seconds / tokens decoded, prefill included, so a little more than a decoding step);
2. KnownNames' time per token: the reference widget's tokens replayed through a candidate stream, timing
   only ``KnownNames.before_choice`` (what it adds to each step; the stream's own bookkeeping runs either
   way), with Flutter's shipped index and the dataset's symbols;
3. the same generation with KnownNames on (greedy, one candidate), taking turns which goes first:
   seconds per token decoded on and off.

Prints the ratio KnownNames / model step (the issue's target: ≤ 10 %) and the end-to-end ratio.

    .venv/bin/python benchmarks/known_names_cost.py [--adapter DIR] [--dataset DIR]

Writes benchmarks/results/known_names_cost.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from on_off import on_off_lines, seconds_per_token  # noqa: E402  (benchmarks/ is on sys.path)

from demo_inputs import demo_adapter_and_dataset  # noqa: E402  (benchmarks/ is on sys.path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", default=None)
    parser.add_argument("--dataset", default=str(ROOT / "demo_output" / "dataset"))
    args = parser.parse_args()

    from dataset_tools.atomic_io import read_jsonl
    from trainer.generation.api_index import generation_index
    from trainer.generation.decoding import DecodeConfig
    from trainer.generation.decoding.known_names import KnownNames
    from trainer.generation.decoding.stream import CandidateStream
    from trainer.generation.detokenize import IncrementalDetokenizer
    from trainer.generation.generate import GenerationSettings, generate_code
    from trainer.generation.serving import load_serving

    adapter, dataset = demo_adapter_and_dataset(args.adapter, args.dataset)
    records = read_jsonl(dataset / "test.jsonl") + read_jsonl(dataset / "validation.jsonl")
    serving = load_serving(None, adapter, backend="onnx")
    tokenizer = serving.tokenizer
    api = generation_index(dataset)

    started = time.perf_counter()
    processor = KnownNames(api, tokenizer)
    setup_s = time.perf_counter() - started  # the vocabulary, once per tokenizer
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((1, len(tokenizer))).astype(np.float32)
    replay_s, replay_tokens, masked = 0.0, 0, 0
    for record in records:
        stream = CandidateStream(IncrementalDetokenizer(tokenizer))
        for token in tokenizer(record["output"], add_special_tokens=False)["input_ids"]:
            start = time.perf_counter()
            out = processor.before_choice([stream], logits)
            replay_s += time.perf_counter() - start
            masked += out is not logits
            replay_tokens += 1
            stream.add(token, 0.0)

    runs: dict[str, list[tuple[float, int]]] = {"off": [], "on": []}
    for k, record in enumerate(records):
        for name in (("off", "on") if k % 2 == 0 else ("on", "off")):
            if getattr(serving, "onnx_model", None) is not None:
                serving.onnx_model.last_prompt = None  # each run prefills its prompt
            settings = GenerationSettings(candidates=1, decode=DecodeConfig(known_names=name == "on"))
            start = time.perf_counter()
            result = generate_code(serving, None, record["instruction"], settings=settings, api=api)
            runs[name].append((time.perf_counter() - start, result.total_tokens))

    step_ms = 1000 * seconds_per_token(runs, "off")
    known_ms = 1000 * replay_s / max(1, replay_tokens)
    lines = [
        "# KnownNames: cost per token",
        "",
        "`.venv/bin/python benchmarks/known_names_cost.py` — the example app's held-out widgets "
        f"({len(records)}), demo adapter `{adapter.name}`, onnx int8, greedy, one candidate; index: {api.source}.",
        "",
        "```",
        f"model, seconds per token decoded (KnownNames off):   {step_ms:7.2f} ms",
        f"KnownNames.before_choice per token (replayed refs):  {known_ms:7.3f} ms  "
        f"({replay_tokens} tokens, {masked} masked = {masked / max(1, replay_tokens):.0%})",
        f"  ratio KnownNames / model step:                     {known_ms / step_ms:7.1%}   (target <= 10 %)",
        *on_off_lines(runs, "KnownNames", 52),
        f"vocabulary set-up, once per tokenizer:               {setup_s:7.2f} s",
        "```",
        "",
    ]
    text = "\n".join(lines)
    (ROOT / "benchmarks" / "results" / "known_names_cost.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
