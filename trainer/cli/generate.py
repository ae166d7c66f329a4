"""`flutter-tune generate`: one widget from a description (the code on stdout, how it went on stderr).

When a Flutter SDK is found (``--flutter-sdk``, else ``$FLUTTER_ROOT``, else ``flutter`` on PATH) and the
widget has a Flutter project to live in (``--project``, else the project around the current folder), the
candidates are formatted with ``dart format`` and the best ones analysed with ``dart analyze`` as a new file
of that project (a scratch copy: the project is only read; ``trainer.generation.analyzer``); the analyzer's
verdict goes to stderr.

Heavy imports (torch, transformers) happen inside the handler so `flutter-tune --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .model_options import add_model_options, options_from_args


def register(subparsers) -> None:
    from dataset_tools.flags import add_arguments

    from ..generation.analyzer import FlutterSdkSetting

    g = subparsers.add_parser("generate", help="write a widget from a description (prints code only)",
                              description="Generate one Flutter widget with the base model and an adapter.")
    g.add_argument("description", help='what the widget should be, e.g. "A card showing a hike\'s name"')
    g.add_argument("--input", default="", help="optional extra context for the request")
    g.add_argument("--project", default=None,
                   help="the Flutter project the widget is analysed in, as a new file of it "
                        "(default: the project around the current folder)")
    add_model_options(g)
    add_arguments(g, FlutterSdkSetting)
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
    dart, project, sdk = dart_and_project(args)
    adapter = model.resolved_adapter()
    if adapter is None and model.wants_trained_adapter:
        print(NO_ADAPTER, file=sys.stderr)
    serving = load_serving(model.base, adapter, backend=model.backend, quantization=model.quantization,
                           device=model.device, progress=_quiet_progress())
    dataset = model.dataset_folder()
    examples = examples_for(retrieval, dataset, serving.tokenizer, args.description, input=args.input)
    result = generate_code(serving, None, args.description, input=args.input, examples=examples,
                           settings=settings,
                           api=generation_index(dataset, sdk) if settings.check_names else None)
    if dart is not None and project is not None:
        from ..generation.analyzer import final_check, new_file

        result = final_check(result, dart, new_file(project), log=lambda line: print(f"flutter-tune: {line}",
                                                                                     file=sys.stderr))
    print(result.code)
    for line in summary_lines(result):
        print(line, file=sys.stderr)
    return 0


def summary_lines(result) -> list[str]:
    """How the generation went (for stderr): candidates and checks, then what was mended, what did not
    resolve against the API index and what the Dart analyzer said, a line each."""
    verdict = "passed every check" if result.passed else f"failed: {', '.join(result.failed)}"
    lines = [f"flutter-tune: {result.backend}, {result.passing} of {len(result.candidates)} candidates passed; "
             f"this one {verdict}; {result.new_tokens} tokens, {result.seconds:.1f}s (stop: {result.stop_reason}; "
             f"{result.examples} retrieved examples)"]
    lines += [f"flutter-tune: mended: {what}" for what in result.mended]
    lines += [f"flutter-tune: does not resolve: {what}" for what in result.unresolved]
    if "analyzer" in result.checks:
        lines += analyzer_verdict(result.best)
    return lines


def dart_and_project(args):
    """The ``dart`` of the SDK to check with and the project to check in (either None: no final check),
    and the SDK folder given (None: the one found on this machine gives the API index).
    A ``--flutter-sdk`` or ``--project`` that names no SDK or project is the user's to fix."""
    from dataset_tools.dart.scratch import project_root
    from dataset_tools.dart.tool import dart_in, find_dart
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.flags import from_flags

    from ..generation.analyzer import FlutterSdkSetting

    configured = from_flags(FlutterSdkSetting, args).flutter_sdk_path
    dart = dart_in(Path(configured).expanduser().absolute()) if configured else find_dart()
    if configured and dart is None:
        raise FlutterTuneError(f"--flutter-sdk {configured}: no Flutter SDK (packages/flutter and bin/) or Dart SDK "
                               "(bin/dart) there. Name the folder you installed Flutter in.")
    project = project_root(Path(args.project or "."))
    if args.project and project is None:
        raise FlutterTuneError(f"--project {args.project}: no pubspec.yaml in it or above it. Name your Flutter "
                               "project's folder.")
    if dart is not None and project is None:
        print("flutter-tune: no Flutter project here (pubspec.yaml): the widget is not checked with the Dart analyzer "
              "(--project names one).", file=sys.stderr)
    return dart, project, configured


def analyzer_verdict(candidate) -> list[str]:
    """What the Dart analyzer said about the widget, for stderr."""
    errors = [d for d in candidate.diagnostics if d.is_error]
    lines = [f"flutter-tune: Dart analyzer: {len(errors)} error(s), {len(candidate.diagnostics) - len(errors)} "
             f"warning(s) in the widget"]
    lines += [f"flutter-tune:   line {d.line}:{d.column} {d.severity.lower()}: {d.message} ({d.code.lower()})"
              for d in candidate.diagnostics]
    return lines


def _quiet_progress():
    """Progress on stderr for the slow one-time steps (exporting the serving model)."""
    from dataset_tools.progress import TqdmProgress

    return TqdmProgress(disable=None)
