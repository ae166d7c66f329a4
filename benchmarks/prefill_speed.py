"""Benchmark: prefill of a long prompt with and without the LM head pruned to the last prompt token.

The same merged model (the demo's active adapter on the embedded SmolLM2-135M, else the base) is
exported twice with ONNX Runtime GenAI int8 (``accuracy_level=4``): as served (``prune_lm_head=true``,
logits of the last prompt token only) and with logits for every prompt token (the builder's
default). For the example app's held-out descriptions with their retrieved examples (the prompts
generation really sends, ~850 tokens), the prefill (prompt in, first logits out) is timed on both,
interleaved, best of ``--repeat``; then ``--tokens`` greedy tokens are decoded on both and compared.

    .venv/bin/python benchmarks/prefill_speed.py [--repeat 3] [--tokens 60]

Writes benchmarks/results/prefill_speed.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main() -> None:
    import numpy as np

    from dataset_tools.atomic_io import read_jsonl
    from trainer.adapters import active_adapter
    from trainer.generation.generate import build_prompt_ids
    from trainer.generation.onnx_export import BUILD_OPTIONS, export
    from trainer.generation.serving import ACCURACY_LEVEL, load_onnx
    from trainer.models import resolve_base
    from trainer.retrieval.examples import RetrievalSettings, examples_for

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=60)
    parser.add_argument("--dataset", default=str(ROOT / "demo_output" / "dataset"))
    args = parser.parse_args()
    adapters = ROOT / "demo_output" / "adapters"
    adapter = active_adapter(adapters) if adapters.is_dir() else None
    dataset = Path(args.dataset)
    records = [r for split in ("validation", "test") if (dataset / f"{split}.jsonl").is_file()
               for r in read_jsonl(dataset / f"{split}.jsonl")]
    with tempfile.TemporaryDirectory(prefix="prefill-bench-") as work:
        models = {}
        for name, options in (("pruned (served)", BUILD_OPTIONS), ("every prompt token", ())):
            out = Path(work) / name.split()[0]
            export(Path(resolve_base("default")), adapter, "int8", ACCURACY_LEVEL, out, options=options)
            models[name] = load_onnx(out, {})
        served = models["pruned (served)"]
        prompts = []
        for record in records:
            examples = examples_for(RetrievalSettings(), dataset, served.tokenizer, record["instruction"],
                                    exclude=record)
            prompts.append(build_prompt_ids(served, served.tokenizer, record["instruction"], "", examples, 384)[1])
        best = {name: [float("inf")] * len(prompts) for name in models}
        for _ in range(args.repeat):
            for i, ids in enumerate(prompts):
                for name, model in models.items():
                    start = time.perf_counter()
                    model.session(ids, 1, args.tokens).logits()
                    best[name][i] = min(best[name][i], time.perf_counter() - start)
        same = 0
        for ids in prompts:
            decoded = []
            for model in models.values():
                session, tokens = model.session(ids, 1, args.tokens), []
                for _ in range(args.tokens):
                    tokens.append(int(session.logits()[0].argmax()))
                    session.advance(np.array(tokens[-1:], dtype=np.int32))
                decoded.append(tokens)
            same += decoded[0] == decoded[1]
    pruned, full = (sum(v) for v in best.values())
    lengths = sorted(len(p) for p in prompts)
    lines = ["# Prefill with the LM head pruned (benchmarks/prefill_speed.py)", "",
             f"Adapter: {adapter.name if adapter else 'none (base model)'}; {len(prompts)} held-out descriptions "
             f"with their retrieved examples (prompt {lengths[0]}–{lengths[-1]} tokens, median "
             f"{lengths[len(lengths) // 2]}); onnx int8; best of {args.repeat}, interleaved; "
             f"{os.cpu_count()} CPU cores.", "",
             "| export | prefill, all prompts s | per prompt (mean) s |", "|---|---|---|"]
    for name, times in best.items():
        lines.append(f"| {name} | {sum(times):.2f} | {sum(times) / len(times):.2f} |")
    lines += ["", f"- pruned / every prompt token: **{pruned / full:.2f}×** the prefill time",
              f"- the same {args.tokens} greedy tokens on both: {same} of {len(prompts)} prompts"]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "benchmarks" / "results"
    (out / "prefill_speed.md").write_text(text + "\n", encoding="utf-8")
    (out / "prefill_speed.json").write_text(json.dumps({"seconds": best, "same_tokens": same,
                                                         "prompts": len(prompts)}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
