"""`flutter-tune generate`: one widget from a description (the code on stdout, how it went on stderr).

Heavy imports (torch, transformers) happen inside the handler so `flutter-tune --help` stays fast.
"""

from __future__ import annotations

import sys

from .model_options import add_model_options, resolve_adapter_arg, retrieval_from_args, settings_from_args


def register(subparsers) -> None:
    g = subparsers.add_parser("generate", help="write a widget from a description (prints code only)",
                              description="Generate one Flutter widget with the base model and an adapter.")
    g.add_argument("description", help='what the widget should be, e.g. "A card showing a hike\'s name"')
    g.add_argument("--input", default="", help="optional extra context for the request")
    add_model_options(g, "active", "adapter folder or name, 'active' (default: the one `flutter-tune adapters` "
                                "marks), 'latest' or 'none'")
    g.set_defaults(handler=run_generate)


NO_ADAPTER = ("flutter-tune: no trained adapter yet, so this is the base model, not your style. Harvest your "
              "project and train (`flutter-tune harvest PATH && flutter-tune train`), or run `bash scripts/demo.sh`.")


def run_generate(args) -> int:
    from ..generation.generate import generate_code, validate_description
    from ..generation.serving import load_serving
    from ..retrieval.examples import examples_for

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
