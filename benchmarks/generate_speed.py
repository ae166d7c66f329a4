"""Benchmark: trainer.generate.generate_code (manual KV-cache loop) vs transformers' model.generate.

Both decode greedily exactly N new tokens from the same prompt (the widget-end stop is off, and
model.generate gets min_new_tokens=N so neither stops early). Runs alternate (the machine may be shared); prints the best-of-R seconds of each,
tokens/s and the ratio loop/generate (target ≤ 1.05: the loop must not be slower).

    .venv/bin/python benchmarks/generate_speed.py [--base default|DIR] [--quantization none|8bit]
        [--tokens 64] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trainer.generate import GenerationSettings, generate_code  # noqa: E402
from trainer.prompt import format_prompt  # noqa: E402

DESCRIPTION = "A card showing a hike's name, distance and a star rating."


def best_of_interleaved(repeat: int, *fns) -> list[float]:
    """Best time of each function, running them alternately so machine load hits both alike."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="default")
    parser.add_argument("--quantization", default="none", choices=("8bit", "4bit", "none"))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import torch

    from trainer.models import load_for_inference

    model, tokenizer, info = load_for_inference(base=args.base, quantization=args.quantization, device=args.device)
    n = args.tokens
    settings = GenerationSettings(max_new_tokens=n, stop_at_widget_end=False, time_limit_s=3600)
    ids = tokenizer(format_prompt(tokenizer, DESCRIPTION), return_tensors="pt", add_special_tokens=False)
    ids = {k: v.to(model.device) for k, v in ids.items()}
    eos = tokenizer.eos_token_id

    def loop():
        result = generate_code(model, tokenizer, DESCRIPTION, settings=settings)
        assert result.new_tokens == n or result.stop_reason == "eos", result.stop_reason

    def hf():
        with torch.inference_mode():
            model.generate(**ids, max_new_tokens=n, min_new_tokens=n, do_sample=False, eos_token_id=eos,
                           pad_token_id=eos)

    loop(), hf()  # warm up
    t_loop, t_hf = best_of_interleaved(args.repeat, loop, hf)
    print(f"model: {info['base']} ({args.quantization}, {info['device']}), {n} new tokens, best of {args.repeat}")
    print(f"generate_code loop : {t_loop:.3f}s  ({n / t_loop:.1f} tok/s)")
    print(f"model.generate     : {t_hf:.3f}s  ({n / t_hf:.1f} tok/s)")
    print(f"ratio loop/generate: {t_loop / t_hf:.2f}x (target <= 1.05)")


if __name__ == "__main__":
    main()
