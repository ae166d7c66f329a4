"""The final check when the machine has a Dart SDK: the candidates formatted with ``dart format``, the best
ones analysed in place with ``dart analyze``.

``final_check(result, dart, placement)`` works in a scratch copy of the project that holds the open file
(``dataset_tools.dart.scratch``: the user's project is only read):

1. every candidate is formatted, all in one ``dart format`` run (code it cannot parse stays as it was);
2. the passing candidates, best first, are put at their place in the open file's text and that copy of
   the file is analysed, until one has no error in the widget's lines: at most ``MAX_ANALYZED`` runs, no
   new one after ``ANALYZE_BUDGET_S``, and only the best candidate when none passes (its errors are still
   worth showing);
3. an analysed candidate gets the check ``analyzer`` (no ERROR diagnostic starts in its lines, and no syntax
   error anywhere when the file parses without it) and those
   diagnostics, errors and warnings (``Candidate.diagnostics``, lines counted from the widget's first
   line); the first one without an error goes first.

A ``dart`` that cannot start, fails, times out or is cancelled, a project that cannot be copied, or one
without a package config (nothing would resolve: ``flutter pub get`` never ran) leaves the candidates as they
were, with no ``analyzer`` check, and ``log`` says why.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from dataset_tools.dart import parse_within
from dataset_tools.dart.diagnostics import Diagnostic
from dataset_tools.dart.scratch import ScratchError, ScratchProject, project_root, scratch_copy
from dataset_tools.dart.tool import ANALYZE_TIMEOUT_S, FORMAT_TIMEOUT_S, DartTool, DartToolError
from dataset_tools.settings import setting

from .checks import PARSE_LIMIT_S, CheckReport

logger = logging.getLogger(__name__)
CHECK = "analyzer"
MAX_ANALYZED = 3  # analyser runs per request: each takes seconds
ANALYZE_BUDGET_S = 30.0  # no new analyser run once this long has been spent on them
NEW_FILE_HEAD = "import 'package:flutter/material.dart';\n\n"
NEW_FILE = Path("lib") / "flutter_tune_widget.dart"


@dataclass
class FlutterSdkSetting:
    """Which Flutter SDK gives the API index (``trainer.generation.api_index``) and whose ``dart`` runs the
    final check: the one declaration of the ``flutterSdkPath`` setting."""

    flutter_sdk_path: str | None = setting(
        None, key="flutterSdkPath", flag="--flutter-sdk",
        help="Flutter SDK folder whose framework the widget's names are checked against (indexed once) and whose "
             "dart formats the widget and analyses it in your project (default: $FLUTTER_ROOT, else flutter on "
             "PATH; with none: the Flutter API index shipped with Flutter Tune, and no analyzer)")


def _unchanged(code: str) -> str:
    return code


@dataclass(frozen=True)
class Placement:
    """Where a candidate goes: it replaces ``text[start:end]`` of the file ``path`` (whose text is ``text``),
    shaped by ``shape`` (e.g. indented for the cursor)."""

    path: Path
    text: str
    start: int
    end: int
    shape: Callable[[str], str] = _unchanged

    def file_with(self, code: str) -> tuple[str, int, int]:
        """The file's text with ``code`` in its place, and the code's first and last line (1-based) in it."""
        inserted = self.shape(code)
        before = self.text[:self.start]
        line = before.count("\n") + 1
        leading = inserted[:len(inserted) - len(inserted.lstrip())].count("\n")
        return before + inserted + self.text[self.end:], line + leading, line + inserted.rstrip().count("\n")


def new_file(project: Path) -> Placement:
    """A new file of ``project`` that imports Flutter's material library and holds only the widget (the
    command line's place for a widget, which no open file surrounds)."""
    return Placement(Path(project).absolute() / NEW_FILE, NEW_FILE_HEAD, len(NEW_FILE_HEAD), len(NEW_FILE_HEAD))


def _same_file(reported: str, path: Path) -> bool:
    try:
        return os.path.samefile(reported, path)
    except OSError:
        return False


SYNTAX_ERROR = "SYNTACTIC_ERROR"


def widget_diagnostics(diagnostics: list[Diagnostic], path: Path, first: int, last: int, *,
                       syntax_anywhere: bool = False) -> list[Diagnostic]:
    """The errors and warnings of ``path`` that start on lines ``first``..``last``, their lines counted
    from ``first`` (1 = the widget's first line). With ``syntax_anywhere`` (the file parses without the
    widget) a syntax error elsewhere in the file is the widget's too, put on its nearest line: a bracket
    the widget leaves open is reported where the file ends."""
    found = []
    for d in diagnostics:
        if not (d.is_error or d.is_warning) or not _same_file(d.file, path):
            continue
        if first <= d.line <= last:
            found.append(replace(d, line=d.line - first + 1))
        elif syntax_anywhere and d.type == SYNTAX_ERROR:
            found.append(replace(d, line=min(max(d.line, first), last) - first + 1))
    return found


def parses_without_widget(placement: Placement) -> bool:
    """Whether the open file's text outside the widget's place parses (tree-sitter-dart)."""
    tree = parse_within(placement.text[:placement.start] + placement.text[placement.end:], PARSE_LIMIT_S)
    return tree is not None and not tree.root_node.has_error


def format_candidates(candidates: list, dart: DartTool, scratch: ScratchProject, *,
                      cancel: threading.Event | None = None, timeout: float = FORMAT_TIMEOUT_S) -> list:
    """The candidates with their code formatted by one ``dart format`` run in ``scratch`` (a file it could
    not parse keeps its code). Raises DartToolError."""
    folder = scratch.root / "flutter_tune"
    folder.mkdir(exist_ok=True)
    files = []
    for i, candidate in enumerate(candidates):
        files.append(folder / f"candidate_{i}.dart")
        files[-1].write_text(candidate.code, encoding="utf-8", newline="")
    dart.format(files, cwd=scratch.root, timeout=timeout, cancel=cancel)
    formatted = []
    for candidate, file in zip(candidates, files):
        code = file.read_text(encoding="utf-8").rstrip("\n")
        code += "\n" if candidate.code.endswith("\n") else ""
        formatted.append(replace(candidate, code=code) if code.strip() and code != candidate.code else candidate)
    return formatted


def analyse(candidate, dart: DartTool, scratch: ScratchProject, placement: Placement, *,
            cancel: threading.Event | None = None, timeout: float = ANALYZE_TIMEOUT_S):
    """``candidate`` with the check ``analyzer`` and its diagnostics, from ``dart analyze`` of the open file
    (in ``scratch``) with the candidate in its place. Raises DartToolError."""
    text, first, last = placement.file_with(candidate.code)
    target = scratch.write(placement.path, text)
    found = widget_diagnostics(dart.analyze(target, cwd=scratch.root, timeout=timeout, cancel=cancel),
                               target, first, last, syntax_anywhere=parses_without_widget(placement))
    report = CheckReport(checks={**candidate.report.checks, CHECK: not any(d.is_error for d in found)},
                         declared=list(candidate.report.declared))
    return replace(candidate, report=report, diagnostics=found)


def to_analyse(candidates: list) -> list[int]:
    """Which candidates are analysed, in order: the passing ones (best first, ``MAX_ANALYZED`` at most),
    else the best one alone."""
    passing = [i for i, c in enumerate(candidates) if c.passed]
    if passing:
        return passing[:MAX_ANALYZED]
    return [0] if candidates and candidates[0].code.strip() else []


def _analysed(candidates: list, dart: DartTool, scratch: ScratchProject, placement: Placement,
              cancel: threading.Event | None, timeout: float, log: Callable[[str], None]) -> list:
    candidates = list(candidates)
    started = time.monotonic()
    for i in to_analyse(candidates):
        if time.monotonic() - started > ANALYZE_BUDGET_S:
            log(f"Dart analyzer: no more candidates analysed after {ANALYZE_BUDGET_S:g} s.")
            break
        try:
            candidates[i] = analyse(candidates[i], dart, scratch, placement, cancel=cancel, timeout=timeout)
        except DartToolError as exc:
            if not exc.cancelled:
                log(f"Dart analyzer skipped: {exc}.")
            break
        errors = [d for d in candidates[i].diagnostics if d.is_error]
        log(f"Dart analyzer: candidate {i + 1}: {len(errors)} error(s), "
            f"{len(candidates[i].diagnostics) - len(errors)} warning(s) in the widget.")
        if not errors:
            return [candidates[i]] + candidates[:i] + candidates[i + 1:]
    return candidates


def final_check(result, dart: DartTool, placement: Placement, *, cancel: threading.Event | None = None,
                log: Callable[[str], None] = logger.info, analyze_timeout: float = ANALYZE_TIMEOUT_S,
                format_timeout: float = FORMAT_TIMEOUT_S):
    """``result`` (a GenerationResult) after the final check with ``dart`` (see the module docstring)."""
    if not result.candidates:
        return result
    project = project_root(placement.path)
    if project is None:
        log(f"Dart analyzer skipped: {placement.path} is in no Dart project (no pubspec.yaml above it).")
        return result
    candidates = list(result.candidates)
    try:
        with scratch_copy(project) as scratch:
            try:
                candidates = format_candidates(candidates, dart, scratch, cancel=cancel, timeout=format_timeout)
            except DartToolError as exc:
                if exc.cancelled:
                    return result
                log(f"dart format skipped: {exc}.")
            if not scratch.resolves:
                log(f"Dart analyzer skipped: {project} has no .dart_tool/package_config.json "
                    "(run `flutter pub get` there).")
            elif cancel is None or not cancel.is_set():
                candidates = _analysed(candidates, dart, scratch, placement, cancel, analyze_timeout, log)
    except ScratchError as exc:
        log(f"Dart analyzer skipped: {exc}.")
    return result.reordered(candidates)
