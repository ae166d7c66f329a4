"""`flutter-tune generate`: one widget from a description (the code on stdout, how it went on stderr).

Heavy imports (torch, transformers) happen inside the handler so `flutter-tune --help` stays fast.
"""

from __future__ import annotations

import sys

from .model_options import add_model_options, options_from_args


def register(subparsers) -> None:
    g = subparsers.add_parser("generate", help="write a widget from a description (prints code only)",
                              description="Generate one Flutter widget with the base model and an adapter.")
    g.add_argument("description", help='what the widget should be, e.g. "A card showing a hike\'s name"')
    g.add_argument("--input", default="", help="optional extra context for the request")
    add_model_options(g)
    g.set_defaults(handler=run_generate)


NO_ADAPTER = ("flutter-tune: no trained adapter yet, so this is the base model, not your style. Harvest your "
              "project and train (`flutter-tune harvest PATH && flutter-tune train`), or run `bash scripts/demo.sh`.")


def run_generate(args) -> int:
    from ..generation.api_index import generation_index
    from ..generation.generate import generate_code, validate_description
    from ..generation.serving import load_serving
    from ..retrieval.examples import examples_for

    model, settings, retrieval = options_from_args(args)  # every check before the time spent loading the model
    validate_description(args.description)
    adapter = model.resolved_adapter()
    if adapter is None and model.wants_trained_adapter:
        print(NO_ADAPTER, file=sys.stderr)
    serving = load_serving(model.base, adapter, backend=model.backend, quantization=model.quantization,
                           device=model.device, progress=_quiet_progress())
    dataset = model.dataset_folder()
    examples = examples_for(retrieval, dataset, serving.tokenizer, args.description, input=args.input)
    result = generate_code(serving, None, args.description, input=args.input, examples=examples,
                           settings=settings, api=generation_index(dataset))
    print(result.code)
    for line in summary_lines(result):
        print(line, file=sys.stderr)
    return 0


def summary_lines(result) -> list[str]:
    """How the generation went (for stderr): candidates and checks, then what was mended and what
    did not resolve against the API index, a line each."""
    verdict = "passed every check" if result.passed else f"failed: {', '.join(result.failed)}"
    lines = [f"flutter-tune: {result.backend}, {result.passing} of {len(result.candidates)} candidates passed; "
             f"this one {verdict}; {result.new_tokens} tokens, {result.seconds:.1f}s (stop: {result.stop_reason}; "
             f"{result.examples} retrieved examples)"]
    lines += [f"flutter-tune: mended: {what}" for what in result.mended]
    lines += [f"flutter-tune: does not resolve: {what}" for what in result.unresolved]
    return lines


def _quiet_progress():
    """Progress on stderr for the slow one-time steps (exporting the serving model)."""
    from dataset_tools.progress import TqdmProgress

    return TqdmProgress(disable=None)
