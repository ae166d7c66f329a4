"""`flutter-tune demo`: the whole product on the bundled example app, in one bounded run.

harvest examples/ → dataset → train a LoRA adapter on the embedded default model within a time
budget → evaluate base vs tuned (with and without retrieval) on the test split → write the report →
print a widget generated from a sample description by the base and by the tuned model.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import Progress
from dataset_tools.settings import same_setting, setting

from .training.config import TrainConfig

SAMPLE_DESCRIPTION = "A card that shows a trail's name, its length in kilometres and a difficulty badge."


@dataclass
class DemoConfig:
    """Knobs of the demo run; defaults fit ≤ 15 minutes on 2 CPU cores. Those with a flag are settings of
    `flutter-tune demo`; the training ones are training's own declarations with the demo's defaults."""

    examples_dir: str = setting("examples", flag="--examples", help="Flutter project to learn from")
    out_dir: str = setting("demo_output", flag="--out-dir", aliases=("-o",),
                           help="where dataset, adapter and report go")
    base: str = same_setting(TrainConfig, "base")
    quantization: str = same_setting(TrainConfig, "quantization")  # per device, as `train`
    # The whole training call: loading, training, the last validation, saving.
    train_minutes: float = same_setting(TrainConfig, "max_minutes", default=7.5, flag="--train-minutes")
    epochs: float = same_setting(TrainConfig, "epochs", default=6.0)
    learning_rate: float = 1e-3
    lora_r: int = 16
    lora_alpha: int = 32
    # Conversations of up to 3 related widgets (trainer.training.conversations): measured ahead of one widget
    # per row on the held-out widgets (benchmarks/results/adapter_variance.md).
    conversation_size: int = same_setting(TrainConfig, "conversation_size", default=3)
    max_length: int = 1024
    eval_limit: int = setting(0, low=0, high=10**6, flag="--eval-limit",
                              help="evaluate the first N test widgets, 0: all of them")
    max_new_tokens: int = 256
    generation_seconds: float = 30.0   # per generated sample
    retrieval: bool = setting(True, flag="--no-retrieval",
                              help="show the nearest training widgets as examples in the prompt")
    backend: str = "auto"  # generation: ONNX Runtime int8 on the CPU
    description: str = setting(SAMPLE_DESCRIPTION, flag="--description",
                               help="what the widget generated at the end should be")

    @property
    def train_batch_size(self) -> int:
        """Rows per optimizer step: 2 conversations (about 6 widgets), else 4 widgets alone."""
        return 2 if self.conversation_size > 1 else 4


def _say(text: str = "") -> None:
    print(text, flush=True)


def _table(results: dict) -> str:
    from .evaluation.report import markdown_table, metric_table

    return markdown_table(*metric_table(results))


def _metric(results: dict, system: str, name: str):
    for entry in results["systems"]:
        if entry["name"] == system:
            return entry["metrics"].get(name)
    return None


def run_demo(config: DemoConfig, progress: Progress) -> dict:
    from dataset_tools.pipeline import harvest_to_dataset

    from .adapters import read_metadata
    from .evaluation.evaluate import default_loader, default_systems, evaluate_and_report
    from .generation.api_index import generation_index
    from .generation.generate import GenerationSettings, generate_code
    from .retrieval.examples import RetrievalSettings, examples_fn_for, examples_for
    from .training.train import train

    examples = Path(config.examples_dir)
    if not examples.is_dir():
        raise FlutterTuneError(f"The example app folder {examples} does not exist; run the demo from the "
                               "repository root or pass --examples.")
    out = Path(config.out_dir)
    started = time.monotonic()
    timings = {}

    _say(f"== 1. Harvest {examples} ==")
    t = time.monotonic()
    pipeline = harvest_to_dataset([examples], out / "dataset", progress=progress)
    counts = pipeline.manifest.get("counts", {})
    timings["harvest_s"] = round(time.monotonic() - t, 1)
    _say(f"dataset: {json.dumps(counts)} in {timings['harvest_s']} s")

    _say(f"\n== 2. Train a LoRA adapter on '{config.base}' ({config.quantization}, ≤ {config.train_minutes} min) ==")
    t = time.monotonic()
    train_config = TrainConfig(
        base=config.base, data_dir=str(out / "dataset"), adapters_dir=str(out / "adapters"),
        quantization=config.quantization, epochs=config.epochs, max_minutes=config.train_minutes,
        learning_rate=config.learning_rate, lora_r=config.lora_r, lora_alpha=config.lora_alpha,
        conversation_size=config.conversation_size, batch_size=config.train_batch_size,
        max_length=config.max_length,
    ).validate()
    info = train(train_config, progress)
    metadata = read_metadata(info.path)
    timings["train_s"] = round(time.monotonic() - t, 1)
    m = metadata["metrics"]
    _say(f"adapter: {info.path}\nsteps {m['steps']}/{m['max_steps']}, epochs {m['epochs']}, "
         f"best validation loss {m['best_validation_loss']}, {m['train_completion_tokens_per_second']} "
         f"response tokens/s ({metadata.get('quantization')} on {metadata.get('device')}), "
         f"stopped by {m['stopped_by']}, {timings['train_s']} s")

    _say("\n== 3. Evaluate base vs tuned on the held-out test split ==")
    t = time.monotonic()
    settings = GenerationSettings(max_new_tokens=config.max_new_tokens, time_limit_s=config.generation_seconds,
                                  seed=0)
    examples_fn = examples_fn_for(RetrievalSettings(enabled=config.retrieval), out / "dataset")
    cache: dict = {}
    load = default_loader(config.base, config.quantization, "auto", config.backend)

    def loader(adapter):
        if adapter not in cache:
            cache.clear()
            cache[adapter] = load(adapter)
        return cache[adapter]

    systems = default_systems(info.path, examples_fn)
    api = generation_index(out / "dataset")
    results, paths = evaluate_and_report(config.base, info.path, out / "dataset", out / "report",
                                         limit=config.eval_limit or None, settings=settings,
                                         quantization=config.quantization, progress=progress, systems=systems,
                                         loader=loader, api=api)
    timings["eval_s"] = round(time.monotonic() - t, 1)
    _say(_table(results))
    _say(f"report: {paths.get('markdown') or paths}")

    _say(f"\n== 4. Generate: \"{config.description}\" ==")
    generated = {}
    for name, adapter in (("base", None), ("tuned", info.path)):
        serving = loader(adapter)[3]
        examples = examples_for(RetrievalSettings(enabled=config.retrieval), out / "dataset", serving.tokenizer,
                                config.description)
        result = generate_code(serving, None, config.description, examples=examples, settings=settings, api=api)
        generated[name] = result.code
        verdict = "passed every check" if result.passed else f"failed: {', '.join(result.failed)}"
        _say(f"--- {name} ({result.backend}, {result.passing}/{len(result.candidates)} candidates passed, this one "
             f"{verdict}; {result.new_tokens} tokens, {result.seconds:.1f} s, stop: {result.stop_reason}) ---")
        _say(result.code)
        for what in result.unresolved:
            _say(f"does not resolve: {what}")

    timings["total_s"] = round(time.monotonic() - started, 1)
    summary = {
        "dataset": counts,
        "adapter": str(info.path),
        "train_metrics": m,
        "headline": {name: {k: _metric(results, name, k) for k in ("loss", "style_score", "valid_at_1",
                                                                   "parse_valid_rate", "checks_passed_rate", "chrf",
                                                                   "resolves", "unknown_references", "invented_arguments",
                                                                   "latency_p50", "latency_p95", "tokens_per_second")}
                     for name in [s.name for s in systems]},
        "generated": generated,
        "timings": timings,
    }
    from dataset_tools.atomic_io import write_json_atomic

    write_json_atomic(out / "demo_summary.json", summary)
    base_loss, tuned_loss = _metric(results, "base", "loss"), _metric(results, "tuned", "loss")
    base_style, tuned_style = _metric(results, "base", "style_score"), _metric(results, "tuned", "style_score")
    _say(f"\n== Result ({timings['total_s']} s) ==")
    _say(f"loss on test responses: base {base_loss:.3f} → tuned {tuned_loss:.3f}")
    _say(f"style score:            base {base_style:.3f} → tuned {tuned_style:.3f}")
    ahead = tuned_loss < base_loss and tuned_style > base_style
    _say("tuned model is ahead of the base on loss and style" if ahead
         else "FINDING: the tuned model is NOT ahead of the base on both loss and style")
    summary["tuned_ahead"] = ahead
    return summary
