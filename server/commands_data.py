"""``flutterTune.harvest`` and ``flutterTune.evaluate``: dataset building and evaluation as background jobs.

harvest ``{roots?: [folder], out?: folder}``: the workspace folders (or ``roots``) into the dataset
folder (setting ``datasetDir``); returns ``{datasetDir, counts, kinds, filesSeen, skips, cancelled}``.
evaluate ``{adapter?: "latest"|folder|null, limit?: int, output?: folder}``: base vs tuned on the
test split, report written under ``<data home>/reports/``; returns ``{reportPath, htmlPath,
jsonPath, headline: {system: {loss, parseValidRate, chrf, styleScore, widgetOverlap}}}``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pygls.uris import to_fs_path

from .app import FlutterTuneServer
from .background import run_job
from .engine import dataset_dir, generation_settings
from .errors import RequestFailed, command_options, get_number, get_str, get_str_list
from .model_host import adapters_dir

HARVEST = "flutterTune.harvest"
EVALUATE = "flutterTune.evaluate"
HEADLINE = {"loss": "loss", "valid_at_1": "validAt1", "parse_valid_rate": "parseValidRate",
            "checks_passed_rate": "checksPassedRate", "chrf": "chrf", "style_score": "styleScore",
            "widget_overlap": "widgetOverlap", "latency_p50": "latencyP50", "tokens_per_second": "tokensPerSecond"}


def workspace_roots(ls: FlutterTuneServer) -> list[str]:
    roots = []
    for folder in ls.workspace.folders.values():
        path = to_fs_path(folder.uri)
        if path:
            roots.append(path)
    if not roots and ls.workspace.root_path:
        roots.append(ls.workspace.root_path)
    return roots


def headline(results: dict) -> dict:
    out = {}
    for system in results.get("systems", []):
        metrics = system.get("metrics", {})
        out[system.get("name", "?")] = {label: metrics.get(key) for key, label in HEADLINE.items()}
    return out


def register(server: FlutterTuneServer) -> None:
    @server.command(HARVEST)
    async def harvest(ls: FlutterTuneServer, *args):
        from dataset_tools.pipeline import harvest_to_dataset

        options = command_options(HARVEST, args, positional=("roots",))
        roots = get_str_list(HARVEST, options, "roots") or workspace_roots(ls)
        if not roots:
            raise RequestFailed(f"{HARVEST}: no workspace folder is open and no 'roots' were given. "
                                "Open a Flutter project folder first.")
        out = Path(get_str(HARVEST, options, "out") or dataset_dir(ls.settings)).expanduser()
        outcome = await run_job(ls, "harvest", "Flutter Tune: harvesting widgets",
                                lambda p: harvest_to_dataset(roots, out, progress=p))
        if outcome.cancelled:
            ls.show("Harvest cancelled; the dataset was not changed.")
            return {"cancelled": True, "message": outcome.message}
        result = outcome.value
        manifest = result.manifest
        counts = manifest.get("counts", {})
        ls.show(f"Harvested {counts.get('total', 0)} samples from {result.harvest.files_harvested} files "
                f"into {result.out_dir} (train {counts.get('train', 0)}, validation {counts.get('validation', 0)}, "
                f"test {counts.get('test', 0)}).")
        return {"cancelled": False, "datasetDir": str(result.out_dir), "counts": counts,
                "kinds": manifest.get("kinds", {}), "filesSeen": result.harvest.files_seen,
                "filesHarvested": result.harvest.files_harvested, "skips": dict(result.harvest.skips)}

    @server.command(EVALUATE)
    async def evaluate(ls: FlutterTuneServer, *args):
        from trainer.adapters import resolve_adapter
        from trainer.evaluation.evaluate import evaluate_and_report
        from trainer.retrieval.examples import examples_fn_for

        from dataset_tools.errors import FlutterTuneError

        options = command_options(EVALUATE, args, positional=("adapter",))
        s = ls.settings
        spec = get_str(EVALUATE, options, "adapter")
        try:
            if "adapter" in options:
                adapter = resolve_adapter(adapters_dir(s), spec) if spec else None
            else:
                adapter = ls.models.current_adapter()
        except FlutterTuneError as exc:
            raise RequestFailed(str(exc)) from exc
        limit = get_number(EVALUATE, options, "limit", low=1, high=100000)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        default_out = adapters_dir(s).parent / "reports" / stamp
        out = Path(get_str(EVALUATE, options, "output") or default_out).expanduser()
        data = dataset_dir(s)
        settings = generation_settings(s)

        def work(progress):
            from trainer.evaluation.evaluate import default_loader

            from .imports import HEAVY_LOCK, warm

            warm("inference")  # the loss needs the torch model, whatever the backend
            load = default_loader(s.base_model, s.quantization, s.device, s.backend, lock=HEAVY_LOCK)
            return evaluate_and_report(s.base_model, adapter, data, out, limit=int(limit) if limit else None,
                                       settings=settings, quantization=s.quantization, device=s.device,
                                       progress=progress, loader=load, backend=s.backend,
                                       examples_fn=examples_fn_for(s.retrieval, data))

        outcome = await run_job(ls, "evaluate", "Flutter Tune: evaluating", work)
        if outcome.cancelled:
            return {"cancelled": True, "message": outcome.message}
        results, paths = outcome.value
        ls.show(f"Evaluation report: {paths['markdown']}")
        return {"cancelled": False, "reportPath": str(paths["markdown"]), "htmlPath": str(paths["html"]),
                "jsonPath": str(paths["json"]), "adapter": None if adapter is None else str(adapter),
                "headline": headline(results)}
