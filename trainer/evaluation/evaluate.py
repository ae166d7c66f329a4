"""Held-out evaluation: base vs tuned (and more "systems") side by side on the test split.

A *system* is a named way to answer a request: a model (base, or base + adapter) and optionally
an ``examples_fn(record, tokenizer) -> [Example]`` that puts retrieved examples in the prompt. For each
system and each test record we measure the loss on the response tokens (prompt masked) and
generate the widget, then score it: parse validity, chrF, exact match, style agreement with a
profile learned from the train split, widget vocabulary overlap and — given an API index (``api``) —
whether its references resolve and how many names the index does not know.

``evaluate(...)`` returns a JSON-ready dict: ``systems`` (each with ``metrics`` and per-sample
``samples``), ``reference`` (the same code metrics for the real test outputs), ``style_profile``.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from dataset_tools.atomic_io import read_jsonl
from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import NULL_PROGRESS, Progress

from . import metrics
from ..generation.generate import GenerationSettings, context_length, generate_code
from ..prompt import Example, format_completion, format_prompt
from .metric_specs import METRICS
from .report import write_report
from .style import StyleProfile, learn_profile, style_score

if TYPE_CHECKING:
    from dataset_tools.dart.api import ApiIndex

ExamplesFn = Callable[[dict, object], Sequence[Example]]  # (record, tokenizer) -> examples
Loader = Callable[[object], tuple]  # adapter (or None) -> (model, tokenizer, ...)


@dataclass
class System:
    """One column of the comparison: which adapter (None = base) and which examples in the prompt."""

    name: str
    adapter: object = None
    examples_fn: ExamplesFn | None = None


def default_systems(adapter, examples_fn: ExamplesFn | None = None) -> list[System]:
    systems = [System("base")] + ([System("tuned", adapter)] if adapter is not None else [])
    if examples_fn is not None:
        systems += [System(f"{s.name} + retrieval", s.adapter, examples_fn) for s in list(systems)]
    return systems


def load_split(data_dir: Path, split: str, limit: int | None = None) -> list[dict]:
    path = Path(data_dir) / f"{split}.jsonl"
    if limit is not None and limit < 1:
        raise FlutterTuneError(f"--limit must be at least 1, got {limit}.")
    if not Path(data_dir).is_dir():
        raise FlutterTuneError(f"Dataset folder {data_dir} does not exist. Run `flutter-tune harvest` "
                               "first or pass --data with the folder holding train/validation/test.jsonl.")
    records = [r for r in read_jsonl(path) if str(r.get("output", "")).strip()]
    return records[:limit] if limit is not None else records


def response_loss(model, tokenizer, record: dict, examples: Sequence[Example] = ()) -> tuple[float, int]:
    """Summed negative log-likelihood of the completion tokens given the prompt, and their count."""
    import torch

    prompt = format_prompt(tokenizer, record["instruction"], record.get("input", ""), examples)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    completion_ids = tokenizer(format_completion(tokenizer, record["output"]), add_special_tokens=False)["input_ids"]
    room = context_length(model) - len(prompt_ids)
    completion_ids = completion_ids[:max(room, 0)]
    if not completion_ids:
        return 0.0, 0
    device = model.get_input_embeddings().weight.device
    ids = torch.tensor([prompt_ids + completion_ids], device=device)
    labels = torch.tensor([[-100] * len(prompt_ids) + completion_ids], device=device)
    with torch.inference_mode():
        loss = model(input_ids=ids, labels=labels).loss
    return float(loss) * len(completion_ids), len(completion_ids)


def score_code(code: str, reference: str, profile: StyleProfile, api: ApiIndex | None = None) -> dict:
    """The per-sample code metrics of ``code`` against the real ``reference`` (with ``resolves`` and
    ``unknown_references``, ``invented_arguments`` when an API index is given)."""
    scores = {
        "parse_valid": metrics.parse_valid(code),
        "chrf": metrics.chrf(code, reference),
        "exact_match": metrics.exact_match(code, reference),
        "style_score": style_score(code, profile),
        "widget_overlap": metrics.widget_overlap(code, reference),
    }
    if api is not None:
        scores["resolves"], scores["unknown_references"], scores["invented_arguments"] = metrics.resolution(code, api)
    return scores


def _mean(values) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def percentile(samples: list[dict], p: float) -> float | None:
    """The ``p``-th percentile of the samples' generation seconds (nearest rank)."""
    values = sorted(s["seconds"] for s in samples if "seconds" in s)
    if not values:
        return None
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]


def aggregate(samples: list[dict], profile: StyleProfile) -> dict:
    """System-level metrics; a sample no style rule applies to counts as 0 style (none of the user's style)."""
    out = {
        "parse_valid_rate": _mean(float(s["parse_valid"]) for s in samples),
        "chrf": _mean(s["chrf"] for s in samples),
        "exact_match": _mean(float(s["exact_match"]) for s in samples),
        "style_score": _mean(s["style_score"] or 0.0 for s in samples) if profile.rules else None,
        "style_applicable": _mean(float(s["style_score"] is not None) for s in samples),
        "widget_overlap": _mean(s["widget_overlap"] for s in samples),
        "resolves": _mean(float(s["resolves"]) for s in samples if "resolves" in s),  # None without an index
        "parses_and_resolves": _mean(float(s["resolves"] and s["parse_valid"]) for s in samples if "resolves" in s),
        "unknown_references": _mean(s["unknown_references"] for s in samples if "unknown_references" in s),
        "invented_arguments": _mean(s["invented_arguments"] for s in samples if "invented_arguments" in s),
    }
    tokens = sum(s.get("loss_tokens", 0) for s in samples)
    if tokens:
        out["loss"] = sum(s["loss_sum"] for s in samples) / tokens
        out["perplexity"] = math.exp(min(out["loss"], 50.0))
    if samples and "new_tokens" in samples[0]:
        seconds = sum(s["seconds"] for s in samples)
        out["mean_new_tokens"] = _mean(s["new_tokens"] for s in samples)
        out["tokens_per_second"] = sum(s.get("total_tokens", s["new_tokens"]) for s in samples) / seconds \
            if seconds else None
        out["valid_at_1"] = _mean(float(s["greedy_parse_valid"]) for s in samples if "greedy_parse_valid" in s)
        out["checks_passed_rate"] = _mean(float(s["passed"]) for s in samples if "passed" in s)
        out["candidates_passed"] = _mean(s["candidates_passed"] for s in samples if "candidates_passed" in s)
        out["latency_p50"], out["latency_p95"] = percentile(samples, 50), percentile(samples, 95)
        out["stop_reasons"] = {}
        for s in samples:
            out["stop_reasons"][s["stop_reason"]] = out["stop_reasons"].get(s["stop_reason"], 0) + 1
    return out


def evaluate_system(system: System, model, tokenizer, records: list[dict], profile: StyleProfile,
                    settings: GenerationSettings, progress: Progress, serving=None,
                    api: ApiIndex | None = None) -> dict:
    """Loss (with the torch ``model``) and generation (with ``serving``, else ``model``; its candidates
    checked against ``api`` when given) for every record."""
    samples = []
    for record in records:
        examples = list(system.examples_fn(record, tokenizer)) if system.examples_fn else []
        loss_sum, loss_tokens = response_loss(model, tokenizer, record, examples)
        result = generate_code(serving or model, tokenizer, record["instruction"], input=record.get("input", ""),
                               examples=examples, settings=settings, cancel=progress.cancelled, api=api)
        if result.stop_reason == "cancelled":
            raise FlutterTuneError("Evaluation was cancelled; no report was written.")
        greedy = next((c for c in result.candidates if c.index == 0), result.best)
        sample = {"name": record.get("name", ""), "instruction": record["instruction"],
                  "generated": result.code, "stop_reason": result.stop_reason,
                  "new_tokens": result.new_tokens, "total_tokens": result.total_tokens, "seconds": result.seconds,
                  "loss_sum": loss_sum, "loss_tokens": loss_tokens, "examples": len(examples),
                  "backend": result.backend, "passed": result.passed, "failed": result.failed,
                  "candidates_passed": result.passing, "candidates": len(result.candidates),
                  "greedy_parse_valid": metrics.parse_valid(greedy.code) if greedy else False}
        if api is not None:
            sample["unresolved"] = result.unresolved
        sample.update(score_code(result.code, record["output"], profile, api))
        samples.append(sample)
        progress.advance(1, f"{system.name}: {record.get('name') or record['instruction'][:30]}")
    return {"name": system.name, "adapter": None if system.adapter is None else str(system.adapter),
            "retrieval": system.examples_fn is not None,
            "metrics": aggregate(samples, profile), "samples": samples}


def evaluate_loaded(systems: Sequence[System], loader: Loader, test: list[dict], train: list[dict], *,
                    settings: GenerationSettings | None = None, progress: Progress = NULL_PROGRESS,
                    api: ApiIndex | None = None) -> dict:
    """Evaluate ``systems`` on ``test``; ``loader(adapter)`` gives (model, tokenizer, ...) for each adapter;
    ``api``: the API index generation and scoring check references against (None: not checked)."""
    if not test:
        raise FlutterTuneError("The test split has no samples, so there is nothing to evaluate. "
                               "Harvest more widgets (or lower the test share) and build the dataset again.")
    settings = settings or GenerationSettings()
    settings.validate()
    profile = learn_profile(r["output"] for r in train)
    references = [score_code(r["output"], r["output"], profile, api) for r in test]
    started = time.perf_counter()
    progress.start("Evaluating", total=len(systems) * len(test))
    # Evaluate systems grouped by model so each model is loaded once and freed before the next.
    order = sorted(range(len(systems)), key=lambda i: [str(s.adapter) for s in systems].index(str(systems[i].adapter)))
    results: list[dict | None] = [None] * len(systems)
    loaded, loaded_key = None, None
    for i in order:
        system = systems[i]
        if loaded is None or loaded_key != str(system.adapter):
            loaded = None  # drop the previous model first
            loaded, loaded_key = loader(system.adapter), str(system.adapter)
        model, tokenizer = loaded[0], loaded[1]
        serving = loaded[3] if len(loaded) > 3 else None
        results[i] = evaluate_system(system, model, tokenizer, test, profile, settings, progress, serving, api)
        if len(loaded) > 2 and isinstance(loaded[2], dict):
            results[i]["info"] = json.loads(json.dumps(loaded[2], default=str))
    del loaded, model, tokenizer
    progress.finish("Evaluation done")
    return {
        "split": "test",
        "n_samples": len(test),
        "n_train": len(train),
        "settings": asdict(settings),
        "metrics": {name: {"label": spec.label, "higher_is_better": spec.higher_is_better}
                    for name, spec in METRICS.items()},
        "systems": results,
        "reference": aggregate([dict(s) for s in references], profile),
        "style_profile": profile.to_dict(),
        "seconds": time.perf_counter() - started,
    }


def default_loader(base, quantization: str = "auto", device: str = "auto", backend: str = "auto",
                   lock=None) -> Loader:
    """``adapter → (torch model, tokenizer, info, serving model)``: the torch model scores the loss, the
    serving model (ONNX on the CPU by default) generates. ``lock`` guards the loads (the server's)."""
    from contextlib import nullcontext

    from ..generation.serving import from_torch, load_serving, resolve_backend
    from ..models import load_for_inference

    def load(adapter_):
        with lock or nullcontext():
            model, tokenizer, info = load_for_inference(base=base, adapter=adapter_, quantization=quantization,
                                                        device=device)
            if resolve_backend(backend, device) == "onnx":
                serving = load_serving(base, adapter_, backend="onnx", device=device)
            else:
                serving = from_torch(model, tokenizer, info)
        return model, tokenizer, dict(info, backend=serving.backend), serving

    return load


def evaluate(base, adapter, data_dir, *, limit: int | None = None, settings: GenerationSettings | None = None,
             quantization: str = "auto", device: str = "auto", progress: Progress = NULL_PROGRESS,
             examples_fn: ExamplesFn | None = None, systems: Sequence[System] | None = None,
             loader: Loader | None = None, backend: str = "auto", api: ApiIndex | None = None) -> dict:
    """Evaluate base (and base + ``adapter``) on ``data_dir``'s test split; see the module docstring."""
    test = load_split(data_dir, "test", limit)
    if not test:
        raise FlutterTuneError(f"The test split {Path(data_dir) / 'test.jsonl'} has no samples, so there is "
                               "nothing to evaluate. Harvest more widgets (or raise the test share) and build "
                               "the dataset again.")
    train_path = Path(data_dir) / "train.jsonl"
    train = load_split(data_dir, "train") if train_path.is_file() else []
    if loader is None:
        from ..adapters import adapter_base

        if base is None and adapter is not None:
            base = adapter_base(adapter)[0]  # the base column must be the adapter's own base
        loader = default_loader(base, quantization, device, backend)

    systems = list(systems) if systems is not None else default_systems(adapter, examples_fn)
    result = evaluate_loaded(systems, loader, test, train, settings=settings, progress=progress, api=api)
    result.update({"base": str(base), "adapter": None if adapter is None else str(adapter),
                   "data_dir": str(data_dir), "quantization": quantization, "backend": backend})
    return result


def evaluate_and_report(base, adapter, data_dir, out_dir, *, api: ApiIndex | None = None,
                        **options) -> tuple[dict, dict]:
    """``evaluate(base, adapter, data_dir, api=api, **options)``, then the report (with the adapter's loss
    curve) written into ``out_dir``: the one way the CLI, the server and the demo evaluate. → (results,
    paths). ``api`` is the API index the ``resolves`` columns are measured against (None: left out)."""
    from ..adapters import read_metadata

    results = evaluate(base, adapter, data_dir, api=api, **options)
    history = read_metadata(adapter).get("loss_history") if adapter is not None else None
    return results, write_report(results, out_dir, loss_history=history)
