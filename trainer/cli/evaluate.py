"""`flutter-tune eval`: base vs tuned on the test split, and the report.

Heavy imports (torch, transformers) happen inside the handler so `flutter-tune --help` stays fast.
"""

from __future__ import annotations

import sys

from dataset_tools.paths import cli_path

from .model_options import add_model_options, options_from_args


def register(subparsers) -> None:
    from dataset_tools.flags import add_arguments

    from ..generation.analyzer import FlutterSdkSetting

    e = subparsers.add_parser("eval", help="evaluate base vs tuned on the test split and write a report",
                              description="Loss, parse validity, whether the names resolve against Flutter's "
                                          "API and your symbols, chrF, exact match, style and widget "
                                          "vocabulary for the base model and base + adapter.")
    add_model_options(e)
    add_arguments(e, FlutterSdkSetting)
    e.add_argument("--limit", type=int, default=None, metavar="N", help="evaluate only the first N test samples")
    e.add_argument("-o", "--output", default="eval-report", type=cli_path, metavar="REPORT_DIR",
                   help="folder for eval.json, report.md, report.html and plots (default ./eval-report)")
    e.add_argument("--progress-json", action="store_true",
                   help="report progress as JSON lines on stderr instead of a bar")
    e.set_defaults(handler=run_eval)


def run_eval(args) -> int:
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.flags import from_flags
    from dataset_tools.progress import JsonLinesProgress, TqdmProgress

    from ..evaluation.evaluate import evaluate_and_report
    from ..generation.analyzer import FlutterSdkSetting
    from ..generation.api_index import generation_index
    from ..retrieval.examples import examples_fn_for

    model, settings, retrieval = options_from_args(args)
    sdk = from_flags(FlutterSdkSetting, args).flutter_sdk_path
    if args.limit is not None and args.limit < 1:
        raise FlutterTuneError(f"--limit must be 1 or more (got {args.limit}).")
    adapter = model.resolved_adapter()
    if adapter is None and model.wants_trained_adapter:
        print("flutter-tune: no trained adapter found; evaluating the base model only.", file=sys.stderr)
    progress = JsonLinesProgress(sys.stderr) if args.progress_json else TqdmProgress()
    data_dir = model.dataset_folder()
    results, paths = evaluate_and_report(
        model.base, adapter, data_dir, args.output, limit=args.limit, settings=settings,
        quantization=model.quantization, device=model.device, progress=progress,
        examples_fn=examples_fn_for(retrieval, data_dir), backend=model.backend,
        api=generation_index(data_dir, sdk))
    for system in results["systems"]:
        print(summary_line(system))
    print(f"Report: {paths['markdown']}")
    return 0


def summary_line(system: dict) -> str:
    """One system's headline figures, on one line (how many widgets resolve only when it was measured)."""
    m = system["metrics"]
    line = (f"{system['name']:>20}: loss {m.get('loss', float('nan')):.3f}  "
            f"parse-valid {100 * (m.get('valid_at_1') or 0):.0f}% greedy, {100 * m['parse_valid_rate']:.0f}% "
            f"checked  p50 {m.get('latency_p50') or 0:.1f}s  chrF {m['chrf']:.1f}  "
            f"style {100 * (m['style_score'] or 0):.0f}%  widgets {100 * m['widget_overlap']:.0f}%")
    if m.get("resolves") is not None:
        line += (f"  resolves {100 * m['resolves']:.0f}% ({m['unknown_references']:.1f} unknown, "
                 f"{m.get('invented_arguments') or 0:.1f} invented arguments per widget)")
    return line
