"""`flutter-tune eval`: base vs tuned on the test split, and the report.

Heavy imports (torch, transformers) happen inside the handler so `flutter-tune --help` stays fast.
"""

from __future__ import annotations

import sys

from dataset_tools.paths import cli_path

from .model_options import add_model_options, resolve_adapter_arg, retrieval_from_args, settings_from_args


def register(subparsers) -> None:
    e = subparsers.add_parser("eval", help="evaluate base vs tuned on the test split and write a report",
                              description="Loss, parse validity, chrF, exact match, style and widget "
                                          "vocabulary for the base model and base + adapter.")
    add_model_options(e, "active", "adapter folder or name, 'active' (default), 'latest' or 'none' (base only)")
    e.add_argument("--limit", type=int, default=None, metavar="N", help="evaluate only the first N test samples")
    e.add_argument("-o", "--output", default="eval-report", type=cli_path, metavar="REPORT_DIR",
                   help="folder for eval.json, report.md, report.html and plots (default ./eval-report)")
    e.add_argument("--progress-json", action="store_true",
                   help="report progress as JSON lines on stderr instead of a bar")
    e.set_defaults(handler=run_eval)



def run_eval(args) -> int:
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.progress import JsonLinesProgress, TqdmProgress

    from ..evaluation.evaluate import evaluate_and_report
    from ..retrieval.examples import examples_fn_for

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
