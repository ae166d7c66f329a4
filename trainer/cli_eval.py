"""Subcommands `generate` (one widget from a description) and `eval` (base vs tuned report).

Heavy imports (torch, transformers) happen inside the handlers so `flutter-tune --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dataset_tools.paths import cli_path


def _model_options(parser: argparse.ArgumentParser, adapter_default: str | None, adapter_help: str) -> None:
    from .models import DEVICE_HELP, DEVICES, QUANTIZATION_HELP, QUANTIZATIONS

    parser.add_argument("--base", default=None,
                        help="base model: 'default' (embedded SmolLM2-135M), a local folder or a hub id "
                             "(default: the adapter's own base, else 'default')")
    parser.add_argument("--adapter", default=adapter_default, help=adapter_help)
    parser.add_argument("--adapters-dir", default=None, type=cli_path, metavar="DIR",
                        help="where adapters live (default: <FLUTTER_TUNE_HOME or user data dir>/adapters)")
    parser.add_argument("--quantization", choices=QUANTIZATIONS, default="auto", help=QUANTIZATION_HELP)
    parser.add_argument("--device", choices=DEVICES, default="auto", help=DEVICE_HELP)
    from dataset_tools.settings import spec

    from .generation.generate import GenerationSettings
    from .retrieval.examples import RetrievalSettings

    def declared(owner, name: str, **kwargs) -> None:
        meta = spec(owner, name)
        parser.add_argument(meta["flag"], default=meta["default"],
                            help=f"{meta['help']} ({meta['low']}–{meta['high']}; default {meta['default']})",
                            **kwargs)

    declared(GenerationSettings, "max_new_tokens", type=int, metavar="N")
    declared(GenerationSettings, "temperature", type=float)
    declared(GenerationSettings, "top_p", type=float)
    declared(GenerationSettings, "time_limit_s", type=float, metavar="SECONDS")
    declared(GenerationSettings, "candidates", type=int, metavar="N")
    parser.add_argument("--backend", choices=("auto", "onnx", "torch"), default="auto",
                        help="auto (default): ONNX Runtime int8 on the CPU, transformers on CUDA")
    parser.add_argument("--seed", type=int, default=None, help="random seed for sampling")
    parser.add_argument("--data", default=None, type=cli_path, metavar="DIR",
                        help="dataset folder (train/test.jsonl; its train split is the retrieval index) "
                             "(default: <FLUTTER_TUNE_HOME or user data dir>/dataset)")
    parser.add_argument("--no-retrieval", dest="retrieval", action="store_false",
                        help="do not show the nearest training widgets as examples in the prompt")
    declared(RetrievalSettings, "k", type=int, metavar="K")
    declared(RetrievalSettings, "token_budget", type=int, metavar="TOKENS")


def register(subparsers) -> None:
    g = subparsers.add_parser("generate", help="write a widget from a description (prints code only)",
                              description="Generate one Flutter widget with the base model and an adapter.")
    g.add_argument("description", help='what the widget should be, e.g. "A card showing a hike\'s name"')
    g.add_argument("--input", default="", help="optional extra context for the request")
    _model_options(g, "active", "adapter folder or name, 'active' (default: the one `flutter-tune adapters` "
                                "marks), 'latest' or 'none'")
    g.set_defaults(handler=run_generate)

    e = subparsers.add_parser("eval", help="evaluate base vs tuned on the test split and write a report",
                              description="Loss, parse validity, chrF, exact match, style and widget "
                                          "vocabulary for the base model and base + adapter.")
    _model_options(e, "active", "adapter folder or name, 'active' (default), 'latest' or 'none' (base only)")
    e.add_argument("--limit", type=int, default=None, metavar="N", help="evaluate only the first N test samples")
    e.add_argument("-o", "--output", default="eval-report", type=cli_path, metavar="REPORT_DIR",
                   help="folder for eval.json, report.md, report.html and plots (default ./eval-report)")
    e.add_argument("--progress-json", action="store_true",
                   help="report progress as JSON lines on stderr instead of a bar")
    e.set_defaults(handler=run_eval)


def settings_from_args(args):
    from .generation.generate import GenerationSettings

    settings = GenerationSettings(max_new_tokens=args.max_new_tokens, temperature=args.temperature,
                                  top_p=args.top_p, time_limit_s=args.time_limit, candidates=args.candidates,
                                  seed=args.seed)
    settings.validate()
    return settings


def retrieval_from_args(args):
    from dataset_tools.paths import default_dataset_dir

    from .retrieval.examples import RetrievalSettings

    data_dir = Path(args.data) if args.data is not None else default_dataset_dir()
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.settings import range_problems

    settings = RetrievalSettings(enabled=args.retrieval, k=args.retrieval_k, token_budget=args.retrieval_budget)
    problems = range_problems(settings)
    if problems:
        raise FlutterTuneError(" ".join(problems))
    return settings, data_dir


def resolve_adapter_arg(args) -> Path | None:
    """The adapter ``--adapter`` names; says on stderr when the active one's folder is gone."""
    from dataset_tools.paths import adapters_dir

    from .adapters import missing_active_message, resolve_adapter

    root = adapters_dir(args.adapters_dir)
    missing = missing_active_message(root) if str(args.adapter).strip().lower() == "active" else None
    if missing:
        print(f"flutter-tune: {missing}", file=sys.stderr)
    return resolve_adapter(root, args.adapter)


NO_ADAPTER = ("flutter-tune: no trained adapter yet, so this is the base model, not your style. Harvest your "
              "project and train (`flutter-tune harvest PATH && flutter-tune train`), or run `bash scripts/demo.sh`.")


def run_generate(args) -> int:
    from .generation.generate import generate_code, validate_description
    from .generation.serving import load_serving
    from .retrieval.examples import examples_for

    settings = settings_from_args(args)  # every check before the time spent loading the model
    validate_description(args.description)
    retrieval, data_dir = retrieval_from_args(args)
    adapter = resolve_adapter_arg(args)
    if adapter is None and str(args.adapter).lower() in ("active", "latest"):
        print(NO_ADAPTER, file=sys.stderr)
    serving = load_serving(args.base, adapter, backend=args.backend, quantization=args.quantization,
                           device=args.device, progress=_quiet_progress())
    examples = examples_for(retrieval, data_dir, serving.tokenizer, args.description, input=args.input)
    result = generate_code(serving, None, args.description, input=args.input, examples=examples,
                           settings=settings)
    print(result.code)
    verdict = "passed every check" if result.passed else f"failed: {', '.join(result.failed)}"
    print(f"flutter-tune: {result.backend}, {result.passing} of {len(result.candidates)} candidates passed; "
          f"this one {verdict}; {result.new_tokens} tokens, {result.seconds:.1f}s (stop: {result.stop_reason}; "
          f"{result.examples} retrieved examples)", file=sys.stderr)
    for what in result.mended:
        print(f"flutter-tune: mended: {what}", file=sys.stderr)
    return 0


def _quiet_progress():
    """Progress on stderr for the slow one-time steps (exporting the serving model)."""
    from dataset_tools.progress import TqdmProgress

    return TqdmProgress(disable=None)


def run_eval(args) -> int:
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.progress import JsonLinesProgress, TqdmProgress

    from .evaluation.evaluate import evaluate_and_report
    from .retrieval.examples import examples_fn_for

    settings = settings_from_args(args)
    retrieval, data_dir = retrieval_from_args(args)
    if args.limit is not None and args.limit < 1:
        raise FlutterTuneError(f"--limit must be 1 or more (got {args.limit}).")
    adapter = resolve_adapter_arg(args)
    if adapter is None and str(args.adapter).lower() in ("active", "latest"):
        print("flutter-tune: no trained adapter found; evaluating the base model only.", file=sys.stderr)
    progress = JsonLinesProgress(sys.stderr) if args.progress_json else TqdmProgress()
    results, paths = evaluate_and_report(
        args.base, adapter, data_dir, args.output, limit=args.limit, settings=settings,
        quantization=args.quantization, device=args.device, progress=progress,
        examples_fn=examples_fn_for(retrieval, data_dir), backend=args.backend)
    for system in results["systems"]:
        m = system["metrics"]
        print(f"{system['name']:>20}: loss {m.get('loss', float('nan')):.3f}  "
              f"parse-valid {100 * (m.get('valid_at_1') or 0):.0f}% greedy, {100 * m['parse_valid_rate']:.0f}% "
              f"checked  p50 {m.get('latency_p50') or 0:.1f}s  chrF {m['chrf']:.1f}  "
              f"style {100 * (m['style_score'] or 0):.0f}%  widgets {100 * m['widget_overlap']:.0f}%")
    print(f"Report: {paths['markdown']}")
    return 0
