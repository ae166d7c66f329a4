"""Export (base + adapter) as an ONNX Runtime GenAI model: run as a child process by ``serving``.

``python -m trainer.generation.onnx_export --base DIR [--adapter DIR] --precision int8 --out DIR``
merges the LoRA adapter into a float32 copy of its base (peft ``merge_and_unload``) and runs the
onnxruntime-genai model builder on the merged folder (CPU, weight-only int8/int4, ``accuracy_level``).
Safetensors in, no remote code. Its output goes to stdout/stderr, which the parent logs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Logits of the last prompt token only: the prompt's other logits are never read, and computing them
# (vocabulary 49152 x every prompt token) took 18% of a prefill: pruned, the 14 held-out prompts prefill in
# 0.82x the time and decode the same tokens (benchmarks/results/prefill_speed.md). Part of the cache key.
BUILD_OPTIONS = ("prune_lm_head=true",)


def merge(base: Path, adapter: Path, out: Path) -> Path:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32, use_safetensors=True,
                                                 trust_remote_code=False)
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    merged.save_pretrained(out, safe_serialization=True)
    AutoTokenizer.from_pretrained(base, trust_remote_code=False).save_pretrained(out)
    return out


def export(base: Path, adapter: Path | None, precision: str, accuracy_level: int, out: Path,
           options: tuple[str, ...] = BUILD_OPTIONS) -> None:
    import onnxruntime_genai.models.builder as builder

    with tempfile.TemporaryDirectory(prefix="flutter-tune-export-") as work:
        source = merge(base, adapter, Path(work) / "merged") if adapter is not None else base
        cache = str(Path(work) / "cache")
        extra = list(options) + ([f"accuracy_level={accuracy_level}"] if precision in ("int8", "int4") else [])
        options = builder.parse_extra_options(None, str(source), str(out), precision, "cpu", cache, extra)
        builder.create_model(None, str(source), str(out), precision, "cpu", cache, **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--adapter")
    parser.add_argument("--precision", default="int8", choices=["int8", "int4", "fp32"])
    parser.add_argument("--accuracy-level", type=int, default=4)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    export(Path(args.base), Path(args.adapter) if args.adapter else None, args.precision, args.accuracy_level,
           Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
