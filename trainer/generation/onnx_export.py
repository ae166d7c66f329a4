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
# The token embedding stored in float16 and cast back after its Gather (the builder keeps it in float32
# beside the int8 LM head: it shares it only with an int4 head). Half of the 49152 x 576 table is
# 57 MB less on disk and, once prompts have touched its pages, in the server's memory
# (benchmarks/results/server_latency.md). Part of the cache key.
EMBEDDING_DTYPE = "float16"


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
    if EMBEDDING_DTYPE == "float16" and precision in ("int8", "int4"):  # fp32 stays a faithful copy
        halve_embedding(out / "model.onnx")


def halve_embedding(model_path: Path, name: str = "model.embed_tokens.weight") -> None:
    """Store the float32 initializer ``name`` (read by one Gather) in float16, cast after the Gather.

    Rounding to float16 moves each value by at most 2**-11 of itself; greedy decoding can then part
    from the float32 table's where two tokens are nearly tied (as the int8 weights already do).
    """
    import numpy as np
    import onnx_ir as ir

    model = ir.load(model_path)
    ir.external_data.load_to_model(model)  # the data file is rewritten below
    graph = model.graph
    weight = graph.initializers.get(name)
    if weight is None or weight.dtype != ir.DataType.FLOAT:
        return  # shared with the LM head, or already converted
    users = [use.node for use in weight.uses()]
    if len(users) != 1 or users[0].op_type != "Gather":
        return
    gather = users[0]
    half = ir.Value(name=f"{name}.float16", shape=weight.shape, type=ir.TensorType(ir.DataType.FLOAT16),
                    const_value=ir.tensor(weight.const_value.numpy().astype(np.float16), name=f"{name}.float16"))
    graph.register_initializer(half)
    gather.replace_input_with(0, half)
    del graph.initializers[name]
    rows = gather.outputs[0]
    cast = ir.node("Cast", inputs=[rows], attributes={"to": ir.DataType.FLOAT}, name=f"{gather.name}/Cast")
    ir.convenience.replace_all_uses_with(rows, cast.outputs[0])
    cast.replace_input_with(0, rows)  # (replace_all_uses_with also rewired the cast itself)
    cast.outputs[0].dtype, cast.outputs[0].shape = ir.DataType.FLOAT, rows.shape
    rows.dtype = ir.DataType.FLOAT16
    graph.insert_after(gather, cast)
    ir.save(model, model_path, external_data=model_path.name + ".data")


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
