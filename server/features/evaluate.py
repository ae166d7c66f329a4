"""``flutterTune.evaluate``: base vs tuned on the test split, as a cancellable background job.

Argument ``{adapter?: "latest"|folder|null, limit?: int, output?: folder}`` (no ``adapter``: the one in
use); the report is written under ``<data home>/reports/``. Returns ``{cancelled, reportPath, htmlPath,
jsonPath, adapter, headline: {system: {loss, parseValidRate, chrf, styleScore, widgetOverlap, ...}}}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from dataset_tools.converter import FolderText
from dataset_tools.errors import FlutterTuneError

from ..app import FlutterTuneServer
from ..runtime.engine import generation_settings
from ..runtime.arguments import NOT_GIVEN, arg, command_args
from ..runtime.errors import RequestFailed
from ..runtime.job_runner import run_in_background

EVALUATE = "flutterTune.evaluate"


@dataclass(frozen=True, kw_only=True)
class EvaluateArgs:
    adapter: str | None = NOT_GIVEN  # not given: the adapter in use; null or "": the base model alone
    limit: int | None = arg(None, low=1, high=100000)  # at most this many test samples
    output: FolderText | None = None  # the report folder; none: <data home>/reports/<time>


HEADLINE = {"loss": "loss", "valid_at_1": "validAt1", "parse_valid_rate": "parseValidRate",
            "checks_passed_rate": "checksPassedRate", "chrf": "chrf", "style_score": "styleScore",
            "widget_overlap": "widgetOverlap", "latency_p50": "latencyP50", "tokens_per_second": "tokensPerSecond",
            "resolves": "resolves", "unknown_references": "unknownReferences",
            "invented_arguments": "inventedArguments"}


def headline(results: dict) -> dict:
    out = {}
    for system in results.get("systems", []):
        metrics = system.get("metrics", {})
        out[system.get("name", "?")] = {label: metrics.get(key) for key, label in HEADLINE.items()}
    return out


async def evaluate(ls: FlutterTuneServer, *args) -> dict:
    from trainer.adapters import resolve_adapter
    from trainer.evaluation.evaluate import default_loader, evaluate_and_report
    from trainer.generation.api_index import generation_index
    from trainer.retrieval.examples import examples_fn_for

    from ..runtime.heavy_imports import HEAVY_LOCK, warm

    options = command_args(EVALUATE, args, EvaluateArgs, positional=("adapter",))
    s = ls.settings
    try:
        if options.adapter is NOT_GIVEN:
            adapter = ls.models.current_adapter()
        else:
            adapter = resolve_adapter(s.adapters_folder(), options.adapter) if options.adapter else None
    except FlutterTuneError as exc:
        raise RequestFailed(str(exc)) from exc
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    default_out = s.adapters_folder().parent / "reports" / stamp
    out = Path(options.output or default_out).expanduser()
    data = s.dataset_folder()
    settings = generation_settings(s)

    def work(progress):
        warm("inference")  # the loss needs the torch model, whatever the backend
        load = default_loader(s.base_model, s.quantization, s.device, s.backend, lock=HEAVY_LOCK)
        return evaluate_and_report(s.base_model, adapter, data, out, limit=options.limit,
                                   settings=settings, quantization=s.quantization, device=s.device,
                                   progress=progress, loader=load, backend=s.backend,
                                   examples_fn=examples_fn_for(s.retrieval, data), api=generation_index(data, s.flutter_sdk_path))

    outcome = await run_in_background(ls, ls.jobs, "evaluate", "Flutter Tune: evaluating", work)
    if outcome.cancelled:
        return {"cancelled": True, "message": outcome.message}
    results, paths = outcome.value
    ls.show(f"Evaluation report: {paths['markdown']}")
    return {"cancelled": False, "reportPath": str(paths["markdown"]), "htmlPath": str(paths["html"]),
            "jsonPath": str(paths["json"]), "adapter": None if adapter is None else str(adapter),
            "headline": headline(results)}


def register(server: FlutterTuneServer) -> None:
    server.command(EVALUATE)(evaluate)
