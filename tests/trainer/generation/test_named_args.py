"""A named argument written twice in one call is seen at once and taken back while decoding."""

from __future__ import annotations

import pytest

from trainer.generation.generate import GenerationSettings, generate_code
from trainer.generation.named_args import CallWatcher
from trainer.generation.widget_end import WidgetEndTracker

from tests.trainer.conftest import TrieLM, trie_lm


def repeated(text: str, chunk: int = 1) -> tuple[int | None, str]:
    watcher = CallWatcher()
    tracker = WidgetEndTracker(on_code=watcher.code_char)
    for i in range(0, len(text), chunk):
        tracker.feed(text[i:i + chunk])
    return watcher.repeated_at, watcher.repeated_label


@pytest.mark.parametrize("text, label, at", [
    ("Padding(\n  padding: x,\n  child: A(),\n  child: B(),\n)", "child", "child: B"),
    ("A(b: B(c: 1), c: 2, b: 3)", "b", "b: 3"),
    ("A(// child: x\n child: y, child: z)", "child", "child: z"),
    ("f(x: 1, y: (a, b) { return g(x: a, x: b); })", "x", "x: b"),
    ("A(onTap: () => go(x: 1), onTap: null)", "onTap", "onTap: null"),
])
def test_a_label_passed_twice_in_one_call_is_found_where_it_starts(text, label, at):
    for chunk in (1, 3, len(text)):  # however the tokens split the text
        offset, found = repeated(text, chunk)
        assert found == label and text[offset:].startswith(at)


@pytest.mark.parametrize("text", [
    "Text(a ? b : c, style: s)",  # a conditional's ":" is no label
    "Text('x: y', style: s, key: k)",  # nor a ":" in a string
    "Column(children: [A(child: x), B(child: y)])",  # the same label in two calls
    "Row(children: [Text('${a}: b', style: s), Text('c', style: s)])",
    "Widget build(BuildContext context) {\n  return Card(child: Text(x), margin: m);\n}",
    "const Foo({super.key, required this.a, this.b = 1});",  # parameters, not arguments
    "foo({a: 1, b: 2})",  # a map literal
])
def test_ordinary_calls_repeat_nothing(text):
    assert repeated(text) == (None, "")


PROMPT_FREE_WIDGET = (
    "class HikeTile extends StatelessWidget {\n"
    "  const HikeTile({super.key});\n\n"
    "  @override\n"
    "  Widget build(BuildContext context) {\n"
    "    return Padding(\n"
    "      padding: Insets.md,\n"
    "      child: Text('Hike'),\n")
REPEAT = "      child: Text('Again'),\n"
CLOSE = "    );\n  }\n}\n"


def test_a_repeated_label_is_taken_back_and_the_model_writes_on(smollm_tokenizer):
    model, (_, closing) = trie_lm(smollm_tokenizer, PROMPT_FREE_WIDGET + REPEAT * 6 + CLOSE, PROMPT_FREE_WIDGET + CLOSE)
    result = generate_code(model, smollm_tokenizer, "A tile for one hike",
                           settings=GenerationSettings(max_new_tokens=200, temperature=0.0, candidates=1))
    assert result.passed, result.failed
    assert result.code == (PROMPT_FREE_WIDGET + CLOSE).strip()
    assert result.new_tokens < len(closing)  # the tokens taken back are not in the result
    assert result.total_tokens > result.new_tokens  # but they were decoded
    assert result.candidates[0].token_ids == closing[:result.new_tokens]


class RowsSession:
    """The session protocol over one TrieLM cache per sequence: any sequence of the batch can be
    rewound, as on the ONNX backend."""

    can_rewind = True

    def __init__(self, model: TrieLM, prompt_ids: list[int], n: int) -> None:
        import torch

        self.torch, self.model, self.prompt = torch, model, list(prompt_ids)
        outs = [model(torch.tensor([prompt_ids])) for _ in range(n)]
        self.caches, self.rows = [o.cache for o in outs], [o.logits[0, -1] for o in outs]

    def logits(self):
        return self.torch.stack(self.rows).numpy()

    def advance(self, tokens) -> None:
        for row, token in enumerate(tokens):
            self.rows[row] = self.model(self.torch.tensor([[int(token)]]), cache=self.caches[row]).logits[0, -1]

    def rewind(self, row: int, kept: list[int]) -> int:
        self.caches[row].crop(len(self.prompt) + len(kept) - 1)
        return (kept or self.prompt)[-1]


def test_a_batch_that_can_rewind_one_sequence_takes_its_label_back(smollm_tokenizer):
    from trainer.generation.candidates import decode_candidates
    from trainer.generation.serving import ServingModel

    encode = lambda text: smollm_tokenizer(text, add_special_tokens=False)["input_ids"]  # noqa: E731
    eos = smollm_tokenizer.eos_token_id
    closing = encode(PROMPT_FREE_WIDGET + CLOSE) + [eos]
    model = TrieLM([encode(PROMPT_FREE_WIDGET + REPEAT * 6 + CLOSE) + [eos], closing], len(smollm_tokenizer), eos)

    class Rows(ServingModel):
        def session(self, prompt_ids, n, max_new_tokens):
            return RowsSession(model, prompt_ids, n)

    serving = Rows("onnx", smollm_tokenizer, 2048, {eos})
    ids = encode("Widget:")
    decoded = decode_candidates(serving, ids, 2, GenerationSettings(max_new_tokens=200, temperature=0.3, seed=0),
                                prompt="", instruction="A tile for one hike", patience=10.0)
    assert len(decoded.candidates) == 1  # the same code twice: one kept
    best = decoded.candidates[0]
    assert best.passed and best.code == (PROMPT_FREE_WIDGET + CLOSE).strip()
    assert decoded.total_tokens > 2 * best.new_tokens  # both wrote the label and took it back


def test_a_torch_batch_stops_a_candidate_with_a_repeated_label(scripted, smollm_tokenizer):
    """Sequences of a torch batch cannot be rewound one by one: such a candidate stops at once."""
    from trainer.generation.candidates import decode_candidates
    from trainer.generation.generate import serving_of

    model = scripted(PROMPT_FREE_WIDGET + REPEAT * 6 + CLOSE, eos=True)
    serving = serving_of(model, smollm_tokenizer)
    ids = smollm_tokenizer("Widget:", add_special_tokens=False)["input_ids"]
    decoded = decode_candidates(serving, ids, 2, GenerationSettings(max_new_tokens=200, temperature=0.5),
                                prompt="", instruction="A tile")
    assert {c.stop_reason for c in decoded.candidates} == {"repeated_arg"}
    assert all("Again" not in c.raw_text and not c.passed for c in decoded.candidates)  # stopped at the label


def open_call(text: str):
    watcher = CallWatcher()
    tracker = WidgetEndTracker(on_code=watcher.code_char)
    tracker.feed(text)
    return watcher.open_call(len(tracker.stack)) if tracker.stack and tracker.stack[-1] == "(" else None


@pytest.mark.parametrize("text, callee, labels, positional, expecting", [
    ("return Padding(", "Padding", set(), 0, True),
    ("return const Text('hi', ", "Text", set(), 1, True),
    ("Text('a', style: s, ", "Text", {"style"}, 1, True),
    ("x = EdgeInsets.symmetric(horizontal: 8, ", "EdgeInsets.symmetric", {"horizontal"}, 0, True),
    ("ValueListenableBuilder<Map<String, int>>(valueListenable: v, ", "ValueListenableBuilder", {"valueListenable"}, 0, True),
    ("Column(children: [Text('a'), Icon(Icons.add, size: 3)], mainAxisSize: m, ", "Column", {"children", "mainAxisSize"}, 0, True),
    ("Text(title", "Text", set(), 0, True),
    ("Text(title.toUpperCase()", "Text", set(), 0, False),
    ("foo.bar(1, 2, ", "foo.bar", set(), 2, True),
    ("Theme.of(", "Theme.of", set(), 0, True),
    # the "," of a collection literal's type arguments separates no arguments
    ("Table(columnWidths: const <int, TableColumnWidth>{0: w}, ", "Table", {"columnWidths"}, 0, True),
    ("Table(columnWidths: const <int, Table", "Table", {"columnWidths"}, 0, False),
    ("f(a < b, ", "f", set(), 1, True),
])
def test_the_open_call_knows_its_callee_and_what_it_was_given(text, callee, labels, positional, expecting):
    call = open_call(text)
    assert (call.callee, call.labels, call.positional, call.expecting) == (callee, labels, positional, expecting)


def test_brackets_that_are_not_calls_have_no_open_call():
    assert open_call("Column(children: [") is None and open_call("if (") is not None
