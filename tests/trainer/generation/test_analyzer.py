"""The final check with a Dart SDK, against the stand-in `dart` (tests/fixtures/fake_dart/dart.py): the verdict
of `dart analyze` on the candidate in its place, diagnostics outside the widget ignored, the candidates
formatted, the analyser run on the best passing ones only, and every failure leaving the result as it was."""

from __future__ import annotations

import json

import pytest

from dataset_tools.dart.tool import DartTool
from trainer.generation.analyzer import CHECK, MAX_ANALYZED, Placement, final_check, new_file
from trainer.generation.candidates import Candidate
from trainer.generation.checks import check_widget
from trainer.generation.decoding import StopReason
from trainer.generation.generate import GenerationResult

CLEAN = """class HikeTitle extends StatelessWidget {
  const HikeTitle({super.key});

  @override
  Widget build(BuildContext context) {
    return Text('Hike', style: TextStyle(color: Colors.green));
  }
}"""
MISTAKE = CLEAN.replace("Text('Hike', style: TextStyle(color: Colors.green))", "Text('Hike', color: Colors.green)")
UNFORMATTED = CLEAN.replace("  return", "          return")
WARNING = CLEAN.replace("    return", "    final unused = 1;\n    return")


def candidate(code: str, index: int = 0, stop: str = "widget_end") -> Candidate:
    return Candidate(index, code, code, 10, stop, -0.1 * (index + 1), check_widget(code))


def result_of(*candidates: Candidate) -> GenerationResult:
    best = candidates[0]
    return GenerationResult(code=best.code, raw_text=best.raw_text, new_tokens=best.new_tokens,
                            stop_reason=best.stop_reason, seconds=1.0, first_token_seconds=0.1,
                            candidates=list(candidates))


@pytest.fixture
def dart(fake_flutter_sdk):
    return DartTool(fake_flutter_sdk / "bin" / "dart")


@pytest.fixture
def runs(tmp_path, monkeypatch):
    """The stand-in's runs: each one's argv."""
    log = tmp_path / "dart-runs.jsonl"
    monkeypatch.setenv("FAKE_DART_LOG", str(log))
    return lambda: [json.loads(line)["argv"] for line in log.read_text().splitlines()] if log.exists() else []


def at_end_of_home(project) -> Placement:
    """After the last line of lib/screens/home.dart, which passes `color:` to a Text on line 12."""
    path = project / "lib" / "screens" / "home.dart"
    text = path.read_text()
    return Placement(path, text, len(text), len(text), shape=lambda code: "\n" + code + "\n")


def test_a_clean_widget_passes_and_a_mistake_inside_it_fails(dart, flutter_project):
    placement = at_end_of_home(flutter_project)
    clean = final_check(result_of(candidate(CLEAN)), dart, placement)
    assert clean.checks[CHECK] is True and clean.passed and clean.best.diagnostics == []
    wrong = final_check(result_of(candidate(MISTAKE)), dart, placement)
    assert wrong.checks[CHECK] is False and not wrong.passed and wrong.failed == [CHECK]
    (error,) = wrong.best.diagnostics
    assert (error.code, error.line, error.message) == ("UNDEFINED_NAMED_PARAMETER", 6,
                                                       "The named parameter 'color' isn't defined.")


def test_diagnostics_outside_the_widget_are_ignored_and_warnings_kept_apart(dart, flutter_project):
    """home.dart's own mistake (line 12) is not the widget's; a warning inside it does not fail the check."""
    checked = final_check(result_of(candidate(WARNING)), dart, at_end_of_home(flutter_project))
    assert checked.checks[CHECK] is True
    assert [(d.severity, d.code, d.line) for d in checked.best.diagnostics] == [("WARNING", "UNUSED_LOCAL_VARIABLE", 6)]


def test_the_widget_is_analysed_in_place_in_the_middle_of_the_file(dart, flutter_project):
    path = flutter_project / "lib" / "screens" / "home.dart"
    text = path.read_text()
    at = text.index("class HomeScreen")
    placement = Placement(path, text, at, at, shape=lambda code: code + "\n\n")
    assert placement.file_with(MISTAKE)[1:] == (7, 14)
    checked = final_check(result_of(candidate(MISTAKE)), dart, placement)
    assert [(d.code, d.line) for d in checked.best.diagnostics] == [("UNDEFINED_NAMED_PARAMETER", 6)]


OPEN_BRACKET = CLEAN[:CLEAN.rindex("}")].rstrip()  # the class's closing brace never written


def test_a_bracket_the_widget_leaves_open_fails_it_wherever_the_analyzer_reports_it(dart, flutter_project):
    path = flutter_project / "lib" / "screens" / "home.dart"
    text = path.read_text()
    at = text.index("class HomeScreen")
    for placement in (Placement(path, text, at, at, shape=lambda code: code + "\n\n"), at_end_of_home(flutter_project)):
        checked = final_check(result_of(candidate(OPEN_BRACKET)), dart, placement)
        assert checked.checks[CHECK] is False, placement.start
        errors = [d for d in checked.best.diagnostics if d.is_error]
        assert errors and all(d.type == "SYNTACTIC_ERROR" for d in errors)
        assert all(1 <= d.line <= len(OPEN_BRACKET.splitlines()) for d in checked.best.diagnostics)


def test_a_syntax_error_of_the_users_own_outside_the_widget_is_not_the_widgets(dart, flutter_project):
    path = flutter_project / "lib" / "screens" / "home.dart"
    text = path.read_text() + "\nclass Broken {\n"
    at = text.index("class HomeScreen")
    checked = final_check(result_of(candidate(CLEAN)), dart, Placement(path, text, at, at, shape=lambda c: c + "\n\n"))
    assert checked.checks[CHECK] is True and checked.best.diagnostics == []


def test_every_candidate_is_formatted_in_one_run(dart, flutter_project, runs):
    checked = final_check(result_of(candidate(UNFORMATTED), candidate(MISTAKE.replace("  const", "const"), 1)),
                          dart, at_end_of_home(flutter_project))
    assert checked.code == CLEAN and checked.candidates[0].code == CLEAN
    assert checked.candidates[1].code == MISTAKE
    assert [argv[0] for argv in runs()] == ["format", "analyze"]


def test_a_clean_passing_candidate_goes_before_a_better_ranked_one_with_an_error(dart, flutter_project, runs):
    others = [candidate(MISTAKE, i) for i in range(3)]
    checked = final_check(result_of(candidate(MISTAKE), candidate(MISTAKE.replace("HikeTitle", "HikeName"), 1),
                                    candidate(CLEAN, 2), *others), dart, at_end_of_home(flutter_project))
    assert [c.index for c in checked.candidates[:3]] == [2, 0, 1]
    assert checked.passed and checked.code == CLEAN
    assert [c.checks.get(CHECK) for c in checked.candidates] == [True, False, False, None, None, None]
    assert [argv[0] for argv in runs()].count("analyze") == 3


def test_at_most_a_few_candidates_are_analysed(dart, flutter_project, runs):
    checked = final_check(result_of(*[candidate(MISTAKE, i) for i in range(8)]), dart, at_end_of_home(flutter_project))
    assert [argv[0] for argv in runs()].count("analyze") == MAX_ANALYZED
    assert sum(CHECK in c.checks for c in checked.candidates) == MAX_ANALYZED and not checked.passed


def test_when_none_passes_only_the_best_is_analysed(dart, flutter_project, runs):
    unfinished = [candidate(MISTAKE, i, stop="max_tokens") for i in range(4)]
    checked = final_check(result_of(*unfinished), dart, at_end_of_home(flutter_project))
    assert [argv[0] for argv in runs()].count("analyze") == 1
    assert checked.checks[CHECK] is False and CHECK not in checked.candidates[1].checks


@pytest.mark.parametrize("mode", ["crash", "garbage", "hang"])
def test_a_dart_that_fails_leaves_the_result_as_it_was(dart, flutter_project, monkeypatch, mode):
    monkeypatch.setenv("FAKE_DART_MODE", mode)
    logged = []
    original = result_of(candidate(UNFORMATTED))
    checked = final_check(original, dart, at_end_of_home(flutter_project), log=logged.append,
                          analyze_timeout=1, format_timeout=1)
    assert CHECK not in checked.checks and checked.code == UNFORMATTED and checked.passed
    assert any(line.startswith("Dart analyzer skipped: dart analyze") for line in logged), logged


def test_a_cancel_ends_the_check_quietly(dart, flutter_project, monkeypatch):
    import threading

    monkeypatch.setenv("FAKE_DART_MODE", "hang")
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    logged = []
    checked = final_check(result_of(candidate(CLEAN)), dart, at_end_of_home(flutter_project), cancel=cancel,
                          log=logged.append)
    assert CHECK not in checked.checks and logged == []


def test_a_project_without_package_config_is_formatted_but_not_analysed(dart, flutter_project, runs):
    (flutter_project / ".dart_tool" / "package_config.json").unlink()
    logged = []
    checked = final_check(result_of(candidate(UNFORMATTED)), dart, at_end_of_home(flutter_project), log=logged.append)
    assert checked.code == CLEAN and CHECK not in checked.checks
    assert [argv[0] for argv in runs()] == ["format"] and "flutter pub get" in logged[0]


def test_a_file_outside_any_project_is_left_alone(dart, tmp_path, runs):
    logged = []
    path = tmp_path / "loose.dart"
    checked = final_check(result_of(candidate(UNFORMATTED)), dart, Placement(path, "", 0, 0), log=logged.append)
    assert checked.code == UNFORMATTED and runs() == [] and "no pubspec.yaml" in logged[0]


def test_the_command_lines_new_file_imports_material(dart, flutter_project):
    placement = new_file(flutter_project)
    assert placement.path == flutter_project / "lib" / "flutter_tune_widget.dart"
    assert final_check(result_of(candidate(MISTAKE)), dart, placement).best.diagnostics[0].line == 6
    assert final_check(result_of(candidate(CLEAN)), dart, placement).passed


def test_the_project_is_never_written(dart, flutter_project, tree_snapshot):
    before = tree_snapshot(flutter_project)
    final_check(result_of(candidate(UNFORMATTED), candidate(MISTAKE, 1)), dart, at_end_of_home(flutter_project))
    final_check(result_of(candidate(CLEAN)), dart, new_file(flutter_project))
    assert tree_snapshot(flutter_project) == before


def test_a_cancelled_result_stays_cancelled(dart, flutter_project):
    result = result_of(candidate(CLEAN))
    result.stop_reason = StopReason.CANCELLED
    assert final_check(result, dart, at_end_of_home(flutter_project)).stop_reason == StopReason.CANCELLED
