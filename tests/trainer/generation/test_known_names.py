"""With an API index, decoding keeps a known call to its parameters and a known owner to its members."""

from __future__ import annotations

import pytest

from dataset_tools.dart.api import ApiIndex, DartClass, Parameter, Signature
from trainer.generation.decoding.known_names import KnownNames
from trainer.generation.decoding.stream import CandidateStream
from trainer.generation.detokenize import IncrementalDetokenizer
from trainer.generation.generate import GenerationSettings, generate_code

from tests.trainer.conftest import TrieLM


def named(*names, required=()):
    return tuple(Parameter(n, named=True, required=n in required) for n in names)


API = ApiIndex({
    "Text": DartClass("Text", constructors={"": Signature("", (Parameter("data", required=True),)
                                                           + named("key", "style", "maxLines"))}),
    "Padding": DartClass("Padding", constructors={"": Signature("", named("key", "padding", "child",
                                                                          required=("padding",)))}),
    "EdgeInsets": DartClass("EdgeInsets", constructors={"all": Signature("all", (Parameter("value", required=True),)),
                                                        "only": Signature("only", named("left", "top"))},
                            static_members=frozenset({"zero"})),
    "Icons": DartClass("Icons", static_members=frozenset({"home", "home_filled", "add", "alarm"})),
}, source="test")


@pytest.fixture(scope="module")
def guard(smollm_tokenizer):
    return KnownNames(API, smollm_tokenizer)


def written(tokenizer, text: str) -> CandidateStream:
    stream = CandidateStream(IncrementalDetokenizer(tokenizer))
    for token in tokenizer(text, add_special_tokens=False)["input_ids"]:
        stream.add(token, 0.0)
    return stream


def texts_of(tokenizer, ids) -> set[str] | None:
    return None if ids is None else {tokenizer.decode([int(t)]) for t in ids}


def allowed_texts(guard, tokenizer, text):
    return texts_of(tokenizer, guard.allowed(written(tokenizer, text)))


def test_a_call_whose_positional_arguments_are_given_takes_only_its_named_parameters(guard, smollm_tokenizer):
    texts = allowed_texts(guard, smollm_tokenizer, "return Text('Hike', ")
    assert {" style", " key", " max"} <= texts and " color" not in texts and "color" not in texts
    assert all(t.isspace() or t.lstrip().startswith((")", "//", "/*")) or any(
        n.startswith(t.strip().rstrip(":").strip()) for n in ("style", "key", "maxLines")) for t in texts), texts
    after = allowed_texts(guard, smollm_tokenizer, "return Text('Hike', style: s, ")
    assert " style" not in after and " max" in after and ")" in after


def test_a_required_parameter_keeps_the_call_open(guard, smollm_tokenizer):
    texts = allowed_texts(guard, smollm_tokenizer, "return Padding(\n  ")
    assert "padding" in texts and "child" in texts and ")" not in texts
    assert ")" in allowed_texts(guard, smollm_tokenizer, "return Padding(\n  padding: p,\n  ")


def test_a_name_half_written_is_finished_and_given_its_colon(guard, smollm_tokenizer):
    texts = allowed_texts(guard, smollm_tokenizer, "return Padding(\n  chi")
    assert texts and all("child"[3:].startswith(t.rstrip(": ")) or t.startswith("ld") for t in texts), texts


def test_a_known_owner_takes_only_its_members(guard, smollm_tokenizer):
    texts = allowed_texts(guard, smollm_tokenizer, "Icon(Icons.")
    assert {"home", "add"} <= texts and "house" not in texts and "search" not in texts
    assert "all" in allowed_texts(guard, smollm_tokenizer, "padding: EdgeInsets.")
    assert "zero" in allowed_texts(guard, smollm_tokenizer, "padding: EdgeInsets.")


def banned_texts(guard, tokenizer, text):
    return texts_of(tokenizer, guard.banned(written(tokenizer, text)))


def test_where_a_positional_argument_may_come_only_wrong_labels_and_early_closing_are_banned(guard, smollm_tokenizer):
    banned = banned_texts(guard, smollm_tokenizer, "return Text(")
    assert ")" in banned  # the text is required
    assert " title" not in banned and "'" not in banned and "color" not in banned  # an expression may start
    colour = banned_texts(guard, smollm_tokenizer, "return Text(color")
    assert ":" in colour and ")" not in colour  # `color:` may not come; a variable `color` may
    assert ":" not in banned_texts(guard, smollm_tokenizer, "return Text(style")  # its own labels may come first
    assert ")" not in banned_texts(guard, smollm_tokenizer, "return Text(title")  # a positional one: may close


def test_a_label_is_refused_only_when_the_constructor_lacks_it(guard, smollm_tokenizer):
    from trainer.generation.generate import GenerationSettings, generate_code

    wrong = "Widget title(String name) {\n  return Text(color: Colors.red, name);\n}\n"
    right = "Widget title(String name) {\n  return Text(name, style: null);\n}\n"
    ids = [smollm_tokenizer(t, add_special_tokens=False)["input_ids"] for t in (wrong, right)]
    model = TrieLM(ids, len(smollm_tokenizer), smollm_tokenizer.eos_token_id)
    result = generate_code(model, smollm_tokenizer, "A title", settings=GenerationSettings(max_new_tokens=200,
                                                                                          candidates=1), api=API)
    assert "color:" not in result.code


@pytest.mark.parametrize("text", [
    "return MyCard(",  # not in the index
    "Text('Padding(",  # inside a string
    "final x = context.",  # not an owner
    "return Column(children: [",  # a list, not a call's argument
])
def test_anything_unknown_leaves_decoding_free(guard, smollm_tokenizer, text):
    assert allowed_texts(guard, smollm_tokenizer, text) is None


def test_a_model_that_wants_a_parameter_the_call_lacks_writes_one_it_has(smollm_tokenizer):
    """The model's first choice (``color:``) is masked; its second (``style:``) is written instead."""
    head = "class Tag extends StatelessWidget {\n  const Tag({super.key});\n\n  @override\n" \
           "  Widget build(BuildContext context) {\n    return Text('Hike', "
    wrong = head + "color: Colors.red);\n  }\n}\n"
    right = head + "style: const TextStyle());\n  }\n}\n"
    ids = [smollm_tokenizer(t, add_special_tokens=False)["input_ids"] for t in (wrong, right)]
    model = TrieLM(ids, len(smollm_tokenizer), smollm_tokenizer.eos_token_id)
    base = GenerationSettings(max_new_tokens=200, candidates=1)
    free = generate_code(model, smollm_tokenizer, "A tag", settings=base)  # no index: decoding is free
    assert "color: Colors.red" in free.code
    guarded = generate_code(model, smollm_tokenizer, "A tag", settings=base, api=API)
    assert "style: const TextStyle()" in guarded.code and "color:" not in guarded.code


def test_a_complete_member_may_be_followed_by_anything_but_more_of_a_name_it_does_not_have(guard, smollm_tokenizer):
    assert allowed_texts(guard, smollm_tokenizer, "Icon(Icons.home") is None
    banned = banned_texts(guard, smollm_tokenizer, "Icon(Icons.home")
    assert {"3", "Page"} <= banned and not {")", ",", " ", "_", "_filled"} & banned, banned
    texts = allowed_texts(guard, smollm_tokenizer, "Icon(Icons.al")
    assert texts and all("alarm"[2:].startswith(t) or t.startswith("arm") for t in texts), texts


OWN_PAGE = """class Padding extends StatefulWidget {
  const Padding({super.key, required this.gap, this.body, this.mood = Mood.calm});
  final double gap;
  final Widget? body;
  final Mood mood;

  @override
  State<Padding> createState() => _PaddingState();
}

class _PaddingState extends State<Padding> {
  @override
  Widget build(BuildContext context) {
    return """


def test_a_class_the_candidate_declared_itself_is_kept_to_its_own_declaration(guard, smollm_tokenizer):
    """The candidate's own ``Padding`` (gap, body, mood) is the one its State's call follows, not the
    index's (padding, child)."""
    texts = allowed_texts(guard, smollm_tokenizer, OWN_PAGE + "Padding(")
    assert {" gap", " body"} <= texts and not {" padding", " child", "padding", "child"} & texts, texts
    assert ")" not in texts  # its own ``gap`` is required
    # a class still being written, or a private one it has not declared, leaves the call free
    assert allowed_texts(guard, smollm_tokenizer, "class Padding extends StatelessWidget {\n  f() => Padding(") is None
    assert allowed_texts(guard, smollm_tokenizer, OWN_PAGE + "_Missing(") is None


CLOSED = ApiIndex({**API.classes, "Column": DartClass("Column", constructors={"": Signature("", named("children"))})},
                  source="test", unindexed=())
PAGE = "class Tag extends StatelessWidget {\n  @override\n  Widget build(BuildContext context) {\n"


@pytest.fixture(scope="module")
def closed_guard(smollm_tokenizer):
    return KnownNames(CLOSED, smollm_tokenizer)


@pytest.mark.parametrize("text", [
    PAGE + "    return ",  # a return's expression
    PAGE + "    return Padding(padding: EdgeInsets.zero, child: ",  # an argument
    PAGE + "    return Column(children: [Text('a'), ",  # a list's element
    PAGE + "    final tag = const ",  # after "=" and "const"
    PAGE + "    return ok ? Text('a') : ",  # a conditional's branch
    "class Tag extends ",  # a class extended
])
def test_with_a_closed_index_an_expression_starts_only_with_a_name_it_holds(closed_guard, smollm_tokenizer, text):
    banned = banned_texts(closed_guard, smollm_tokenizer, text)
    assert {" Panel", "Panel", " Progress", "R"} <= banned and not {" Text", "Text", " Pad", "(", "'", " context"} & banned
    half = allowed_texts(closed_guard, smollm_tokenizer, text + "Pa")
    assert half and all("dding".startswith(t) or t.startswith("dding") for t in half), half
    assert "nel" not in half and "(" not in half


def test_a_closed_index_leaves_types_private_and_own_names_free(closed_guard, smollm_tokenizer):
    # declarations' types, a method's parameters, private names, a text in a string are not expressions
    for text in (PAGE + "    final Foo", "  void tap(Foo", PAGE + "    return _Tag", PAGE + "    return Text('Pa"):
        assert closed_guard.rule(written(smollm_tokenizer, text)) is None, text
    # a class the candidate declared is a known name
    own = ("class Panel extends StatefulWidget {\n  @override\n  State<Panel> createState() => _PanelState();\n}\n\n"
           "class _PanelState extends State<Panel> {\n  @override\n  Widget build(BuildContext context) {\n"
           "    return Pa")
    assert "nel" in allowed_texts(closed_guard, smollm_tokenizer, own)
    # an index that is not closed leaves every name free
    assert guard_rule_free(smollm_tokenizer, PAGE + "    return Pa")


def guard_rule_free(tokenizer, text):
    return KnownNames(API, tokenizer).rule(written(tokenizer, text)) is None


def test_a_string_argument_may_close_the_call_and_a_comment_may_come_between_arguments(guard, smollm_tokenizer):
    # the string is the positional argument Text needs: ")" may follow it at once
    assert not {")", "),", ");"} & banned_texts(guard, smollm_tokenizer, "return Text(\"Editing isn't here\"")
    assert ")" in banned_texts(guard, smollm_tokenizer, "return Text(")
    assert " //" in allowed_texts(guard, smollm_tokenizer, "return Text('Hike', ")


def test_a_class_without_an_unnamed_constructor_is_not_called(smollm_tokenizer):
    api = ApiIndex({**API.classes,
                    "Colors": DartClass("Colors", constructors={"_": Signature("_")}, static_members=frozenset({"red"})),
                    "Axis": DartClass("Axis", kind="enum", static_members=frozenset({"vertical"}))}, source="test")
    guard = KnownNames(api, smollm_tokenizer)
    for owner in ("Colors", "Axis"):  # a private constructor only; an enum
        banned = banned_texts(guard, smollm_tokenizer, f"final value = {owner}")
        assert {"(", "()", "(\""} <= banned and "." not in banned and " " not in banned
    # a class with an unnamed constructor, or none declared (Dart's implicit one), may be called
    assert not {"(", "()"} & (banned_texts(guard, smollm_tokenizer, "final text = Text") or set())
    assert not {"(", "()"} & (banned_texts(guard, smollm_tokenizer, "final icons = Icons") or set())


def test_after_a_known_owner_new_values_and_private_members_may_come(smollm_tokenizer):
    api = ApiIndex({**API.classes, "Axis": DartClass("Axis", kind="enum", static_members=frozenset({"vertical"})),
                    "Tile": DartClass("Tile", constructors={"": Signature("")})}, source="test")
    guard = KnownNames(api, smollm_tokenizer)
    assert {"values", "vert", "_"} <= allowed_texts(guard, smollm_tokenizer, "final all = Axis.")
    tile = allowed_texts(guard, smollm_tokenizer, "final make = Tile.")
    assert "new" in tile and "create" not in tile  # no static member: only its tear-off
    assert allowed_texts(guard, smollm_tokenizer, "final make = Tile._cache") is None  # private: left free


def test_a_class_still_being_written_is_kept_to_the_constructors_it_has_declared(guard, smollm_tokenizer):
    head = "class DayHike extends StatelessWidget {\n  const DayHike({super.key, this.km});\n  final int? km;\n\n" \
           "  @override\n  Widget build(BuildContext context) {\n    return const DayHike("
    texts = allowed_texts(guard, smollm_tokenizer, head)
    assert texts and " km" in texts and not {" label", " title", " day"} & texts


def test_a_constructor_being_declared_is_not_read_as_a_call_of_itself(guard, smollm_tokenizer):
    head = "class _Tappable extends StatelessWidget {\n  const _Tappable(\n      this.status, "
    assert guard.rule(written(smollm_tokenizer, head)) is None
