"""A candidate's complete lines that can never parse are seen at the next line end (trainer.generation.dead_end)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataset_tools.dart import parse
from trainer.generation.dead_end import broken_before_last_line
from trainer.generation.widget_end import WidgetEndTracker

from tests.trainer.conftest import FUNCTION, STATEFUL, STATELESS
from trainer.generation.decoding import DecodeConfig

NO_GRAMMAR = DecodeConfig(grammar_mask=False)  # the syntax stop alone (the mask would keep the line valid)

EXAMPLE_APP = Path(__file__).resolve().parents[3] / "examples" / "trail_journal" / "lib"


def first_broken_line(code: str, whole_file: bool = False) -> int | None:
    """Feed ``code`` line by line as the decoding loop does; the number (1-based) of the line after
    whose end the code was seen broken, or None. The loop stops at the widget's end; ``whole_file``
    goes on with the next declaration."""
    tracker = WidgetEndTracker()
    written = ""
    for number, line in enumerate(code.split("\n"), start=1):
        written += line + "\n"
        if tracker.feed(line + "\n"):
            if not whole_file:
                return None
            tracker = WidgetEndTracker()
            continue
        closers = tracker.closers()
        if closers is not None and broken_before_last_line(written, closers):
            return number
    return None


def test_closers_close_the_open_brackets_innermost_first():
    tracker = WidgetEndTracker()
    tracker.feed("class A {\n  Widget build(BuildContext c) {\n    return Column(children: [\n")
    assert tracker.closers() == "])}}"
    tracker.feed("      Text('a ${x(")
    assert tracker.closers() is None  # inside an interpolation: no bracket text closes the string
    tracker.feed(")}'),\n      // a comment (\n")
    assert tracker.closers() == "])}}"
    tracker.feed("      /* open")
    assert tracker.closers() is None


@pytest.mark.parametrize("code", [STATELESS, STATEFUL, FUNCTION])
def test_valid_widgets_are_never_seen_broken(code):
    assert first_broken_line(code) is None


def test_no_line_end_of_the_example_app_is_seen_broken():
    sources = [path for path in sorted(EXAMPLE_APP.rglob("*.dart"))
               if not parse(path.read_bytes()).root_node.has_error]  # (lib/wip holds a broken file on purpose)
    assert len(sources) > 20
    for path in sources:
        assert first_broken_line(path.read_text(encoding="utf-8", errors="replace"), whole_file=True) is None, path


# Mistakes the 135M model made in held-out widgets (benchmarks/candidate_stops.py).
STATEMENT_AMONG_ARGUMENTS = """Widget _buildHours(int hours) {
  return SliverHour(
    hour: hours,
    child: Hover(
      label: 'Hours',
      if (hours > 18) {
        const late = true;
        if (late) {
          const later = true;"""

GETTER_WITHOUT_GET = """class DifficultyLegend extends StatelessWidget {
  const DifficultyLegend({super.key});

  Widget _divider => const Divider(
    height: 32,
  );

  @override
  Widget build(BuildContext context) {"""

FIELD_PATH_AS_PARAMETER = """class PeakDivider extends StatelessWidget {
  const PeakDivider({super.key, required this.label.isHike});

  final String label;"""


@pytest.mark.parametrize("code, line", [(STATEMENT_AMONG_ARGUMENTS, 7), (GETTER_WITHOUT_GET, 5),
                                        (FIELD_PATH_AS_PARAMETER, 4)])
def test_a_mistake_in_complete_lines_is_seen_at_a_next_line_end(code, line):
    assert first_broken_line(code) == line


def test_what_is_only_unfinished_is_not_broken():
    # the last line may still be completed: a value to come, a statement's ";" not yet written
    assert not broken_before_last_line("Widget a() {\n  return Text(\n    label:", ")}")
    assert not broken_before_last_line("Widget a() {\n  final x = 1 +", "}")
    assert not broken_before_last_line("class A {\n  final int", "}")


def test_the_generation_stops_a_candidate_at_its_broken_line(scripted, smollm_tokenizer):
    from trainer.generation.generate import GenerationSettings, generate_code

    model = scripted(STATEMENT_AMONG_ARGUMENTS + "\n" + "          final x = 1;\n" * 40)
    result = generate_code(model, smollm_tokenizer, "An hour strip",
                           settings=GenerationSettings(max_new_tokens=300, temperature=0.0, decode=NO_GRAMMAR))
    assert result.stop_reason == "syntax_error" and not result.passed
    assert "final x = 1" not in result.raw_text
    assert "const later" not in result.raw_text  # stopped at the first line end that shows the mistake


def test_prose_before_the_code_is_not_taken_for_broken_code(scripted, smollm_tokenizer):
    from trainer.generation.generate import GenerationSettings, generate_code

    prose = "Here is the widget you asked for.\nIt shows a label with padding (as in your app):\n\n"
    model = scripted(prose + STATELESS + "\n", eos=True)
    result = generate_code(model, smollm_tokenizer, "A badge",
                           settings=GenerationSettings(max_new_tokens=300, temperature=0.0, candidates=1,
                                                       decode=NO_GRAMMAR))
    assert result.stop_reason in ("widget_end", "eos") and result.passed
    assert result.code == STATELESS


@pytest.mark.parametrize("code, line", [(STATEMENT_AMONG_ARGUMENTS, 6), (GETTER_WITHOUT_GET, 4),
                                        (FIELD_PATH_AS_PARAMETER, 2)])
def test_the_first_broken_line_is_located_at_its_first_character(code, line):
    from trainer.generation.dead_end import first_broken_line as located

    lines = code.split("\n")
    written = "\n".join(lines[:first_broken_line(code)])
    tracker = WidgetEndTracker()
    tracker.feed(written + "\n")
    at = located(written, tracker.closers())
    expected = sum(len(text) + 1 for text in lines[:line - 1]) + len(lines[line - 1]) - len(lines[line - 1].lstrip())
    assert at == expected


# A widget whose line 6 is a statement among a call's arguments, and the same widget written right.
BROKEN_HEAD = "Widget hourStrip(int hours) {\n  return Padding(\n    padding: const EdgeInsets.all(8),\n" \
              "    child: Text(\n      'Hours',\n      "
BROKEN_LINE = "if (hours > 18) {\n        const late = true;\n        if (late) {\n          final x = 1;\n"
GOOD_LINE = "style: const TextStyle(fontSize: 12),\n    ),\n  );\n}\n"


def test_a_broken_line_stops_the_candidate(smollm_tokenizer):
    from tests.trainer.conftest import trie_lm
    from trainer.generation.generate import GenerationSettings, generate_code

    model, (broken,) = trie_lm(smollm_tokenizer, BROKEN_HEAD + BROKEN_LINE * 8)
    settings = GenerationSettings(max_new_tokens=300, temperature=0.0, candidates=1, decode=NO_GRAMMAR)
    stopped = generate_code(model, smollm_tokenizer, "An hour strip", settings=settings)
    assert stopped.stop_reason == "syntax_error" and not stopped.passed
    assert stopped.total_tokens < len(broken) - 1  # stopped at the line end that showed it


def test_valid_code_is_never_altered_by_the_guards(scripted, smollm_tokenizer):
    from trainer.generation.generate import GenerationSettings, generate_code

    for code in (STATELESS, STATEFUL, FUNCTION):
        settings = GenerationSettings(max_new_tokens=400, temperature=0.0, candidates=1, decode=DecodeConfig())
        result = generate_code(scripted(code + "\n", eos=True), smollm_tokenizer, "A widget", settings=settings)
        assert result.code == code.strip() and result.total_tokens == result.new_tokens
