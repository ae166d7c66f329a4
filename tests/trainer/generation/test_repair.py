"""A ``this.x`` constructor parameter with no field, named nowhere else, is dropped from a candidate."""

from __future__ import annotations

import pytest

from trainer.generation.generate import GenerationSettings, generate_code
from trainer.generation.repair import check_mended, drop_unbacked_params

from tests.trainer.conftest import TrieLM

CARD = """class TrailPill extends StatelessWidget {
  const TrailPill({super.key, %s});

  final Trail trail;

  @override
  Widget build(BuildContext context) => Text(trail.name);
}"""


@pytest.mark.parametrize("params, kept", [
    ("this.onTap, required this.trail", "required this.trail"),
    ("required this.trail, this.onTap", "required this.trail"),
    ("required this.trail, this.onTap = null,", "required this.trail,"),
    ("required this.trail, required this.onTap, this.size = 3", "required this.trail"),
])
def test_an_unbacked_parameter_goes_with_its_required_default_and_one_comma(params, kept):
    code, dropped = drop_unbacked_params(CARD % params)
    assert code == CARD % kept
    assert dropped and all(d.startswith("dropped the constructor parameter this.") for d in dropped)
    assert all(("this.onTap" in d) or ("this.size" in d) for d in dropped)


def test_a_lone_optional_group_goes_whole_and_multiline_lists_keep_their_layout():
    positional = "class A extends StatelessWidget {\n  const A(this.a, {this.b});\n  final int a;\n}"
    assert drop_unbacked_params(positional)[0] == positional.replace(", {this.b}", "")
    lines = ("class A extends StatelessWidget {\n  const A({\n    super.key,\n    this.x,\n"
             "    required this.y,\n  });\n  final int y;\n}")
    assert drop_unbacked_params(lines)[0] == lines.replace("    this.x,\n", "")


@pytest.mark.parametrize("code", [
    CARD.replace("Text(trail.name)", "Text(onTap.toString())") % "this.onTap, required this.trail",  # used
    "class A extends StatefulWidget {\n  const A({this.onTap});\n  State<A> createState() => _AState();\n}\n"
    "class _AState extends State<A> {\n  void go() => widget.onTap();\n}",  # used by the State
])
def test_a_parameter_the_code_uses_is_kept_and_the_check_still_fails(code):
    assert drop_unbacked_params(code) == (code, [])
    mended, report, what = check_mended(code)
    assert mended == code and what == [] and report.failed == ["fieldsForParams"]


def test_check_mended_says_what_it_dropped():
    code, report, what = check_mended(CARD % "this.onTap, required this.trail")
    assert report.passed and "onTap" not in code
    assert what == ["dropped the constructor parameter this.onTap (no field onTap)"]
    assert check_mended(CARD % "required this.trail")[2] == []  # nothing to mend


def test_a_mended_candidate_passes_and_says_so(smollm_tokenizer):
    encode = lambda text: smollm_tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    eos = smollm_tokenizer.eos_token_id
    model = TrieLM([encode(CARD % "this.onTap, required this.trail") + [eos]], len(smollm_tokenizer), eos)
    result = generate_code(model, smollm_tokenizer, "A pill for a trail",
                           settings=GenerationSettings(max_new_tokens=120, temperature=0.0, candidates=1))
    assert result.passed and result.code == CARD % "required this.trail"
    assert result.best.mended and "this.onTap" in result.raw_text


STATELESS_BODY = """class PulsingDot extends StatefulWidget {
  const PulsingDot({super.key, this.color = trailGreen});

  final Color color;

  @override
  Widget build(BuildContext context) {
    final c = color;
    return Dot(color: color, child: Text(this.color.name, style: theme.color));
  }
}"""


def test_a_stateful_widget_without_create_state_gets_a_state_class_reading_its_fields():
    code, report, what = check_mended(STATELESS_BODY)
    assert code == """class PulsingDot extends StatefulWidget {
  const PulsingDot({super.key, this.color = trailGreen});

  final Color color;

  @override
  State<PulsingDot> createState() => _PulsingDotState();
}

class _PulsingDotState extends State<PulsingDot> {
  @override
  Widget build(BuildContext context) {
    final c = widget.color;
    return Dot(color: widget.color, child: Text(widget.color.name, style: theme.color));
  }
}"""
    assert report.passed and what == [
        "moved PulsingDot's build into a new State class _PulsingDotState (it had no createState)"]


def test_a_state_class_already_written_only_gets_create_state():
    code = ("class Dot extends StatefulWidget {\n  const Dot({super.key});\n}\n\n"
            "class _DotState extends State<Dot> {\n  @override\n  Widget build(BuildContext context) => const Text('.');\n}")
    mended, report, what = check_mended(code)
    assert report.passed and what == ["added createState to Dot (it had none)"]
    assert mended == code.replace("super.key});\n}", "super.key});\n\n  @override\n"
                                  "  State<Dot> createState() => _DotState();\n}")


def test_a_local_with_a_fields_name_leaves_the_widget_as_it_was():
    shadowing = STATELESS_BODY.replace("final c = color;", "final color = Colors.red;")
    mended, report, what = check_mended(shadowing)
    assert mended == shadowing and what == [] and report.failed == ["createsState"]
