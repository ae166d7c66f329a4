"""A candidate caught repeating a block of lines stops (reason ``loop``) instead of running to max_new_tokens."""

from __future__ import annotations

from trainer.generation.decoding import DecodeConfig
from trainer.generation.generate import GenerationSettings, generate_code
from trainer.generation.repetition import LONG_LINE, ends_in_loop, line_ends_in_loop

LOOPING = """class SunsetCountdown extends HookWidget {
  Widget build(BuildContext context) {
    return Column(
      children: [
      child: const ListTile(
        title: const Text('${sunset.date}'),
      ),
      child: const ListTile(
        title: const Text('${sunset.date}'),
      ),
      child: const ListTile(
        title: const Text('${sunset.date}'),
      ),
"""

LEGIT = """class TrailColumn extends StatelessWidget {
  Widget build(BuildContext context) {
    return Column(
      children: [
        const SizedBox(height: 8),
        Text(trail.name),
        const SizedBox(height: 8),
        Text(trail.region),
        const SizedBox(height: 8),
        Padding(
          padding: EdgeInsets.all(8),
          child: Center(
            child: Card(
              child: Text('x'),
            ),
          ),
        ),
      ],
    );
  }
}
"""


def test_a_block_written_three_times_in_a_row_is_a_loop():
    assert ends_in_loop(LOOPING)
    assert ends_in_loop("Text('a'),\n\nText('a'),\nText('a'),\n")  # blank lines do not hide it
    assert not ends_in_loop(LOOPING.rsplit("      child: const ListTile(", 1)[0])  # twice is not yet a loop
    assert not ends_in_loop(LOOPING + "      ],\n    );\n")  # a loop that ended is not the end of the text


def test_ordinary_code_is_not_a_loop():
    for end in range(1, LEGIT.count("\n") + 1):  # at every line of the way
        prefix = "\n".join(LEGIT.split("\n")[:end]) + "\n"
        assert not ends_in_loop(prefix), prefix
    assert not ends_in_loop("      ),\n    ),\n  ),\n),\n),\n),\n")  # closing lines repeat legitimately


def test_generation_stops_a_looping_candidate(scripted, smollm_tokenizer):
    """In a batch as alone: a looping candidate stops, nothing decoded after."""
    from trainer.generation.candidates import decode_candidates
    from trainer.generation.generate import serving_of

    model = scripted(LOOPING + "      child: const ListTile(\n        title: const Text('${sunset.date}'),\n" * 30)
    serving = serving_of(model, smollm_tokenizer)
    ids = smollm_tokenizer("Widget:", add_special_tokens=False)["input_ids"]
    no_take_back = DecodeConfig(take_back_loops=False)  # (taking the loop back: the test below)
    decoded = decode_candidates(serving, ids, 2, GenerationSettings(max_new_tokens=300, temperature=0.5,
                                                                    decode=no_take_back),
                                prompt="", instruction="A hook widget `SunsetCountdown`")
    best = decoded.candidates[0]
    assert best.stop_reason == "loop" and "complete" in best.failed
    assert model.calls == best.new_tokens < 300  # nothing decoded after the loop was seen
    off = generate_code(model, smollm_tokenizer, "A hook widget `SunsetCountdown`",
                        settings=GenerationSettings(max_new_tokens=300, temperature=0.0,
                                                    decode=DecodeConfig.unguarded()))
    assert off.stop_reason == "max_tokens" and off.new_tokens == 300
    alone = generate_code(model, smollm_tokenizer, "A hook widget `SunsetCountdown`",
                          settings=GenerationSettings(max_new_tokens=300, temperature=0.0, decode=no_take_back))
    assert alone.stop_reason == "loop" and alone.new_tokens == best.new_tokens


def test_a_stretch_repeated_within_one_long_line_is_a_loop(scripted, smollm_tokenizer):
    line = "      const Icons.region | Icons.country" + " | Icons.suburbRegion" * 8
    assert line_ends_in_loop(line)
    assert not line_ends_in_loop(line[:LONG_LINE - 1])  # short lines are not looked at
    assert not line_ends_in_loop("    final rule = '" + "=" * 140)  # punctuation is no loop
    for code in (LEGIT, LOOPING):  # long ordinary lines
        assert not any(line_ends_in_loop(line) for line in code.replace("\n", " ").split("\n"))
    model = scripted("class A extends StatelessWidget {\n  Widget build(BuildContext context) {\n"
                     "    return Wrap(children: [" + "Icons.suburbRegion, " * 60)
    result = generate_code(model, smollm_tokenizer, "A wrap of icons",
                           settings=GenerationSettings(max_new_tokens=300, temperature=0.0,
                                                       decode=DecodeConfig(take_back_loops=False)))
    assert result.stop_reason == "loop" and result.new_tokens < 100


def test_a_loop_starts_at_the_first_repetition_of_its_block():
    from trainer.generation.repetition import loop_start

    at = loop_start(LOOPING)
    kept, taken = LOOPING[:at], LOOPING[at:]
    assert kept.count("child: const ListTile(") == 1 and kept.endswith("      ),\n      ")
    assert taken.startswith("child: const ListTile(") and taken.count("child: const ListTile(") == 2
    assert loop_start(LEGIT) is None and loop_start("Column(children: [\n") is None


LOOP_HEAD = ("class TrailList extends StatelessWidget {\n  const TrailList({super.key});\n\n  @override\n"
             "  Widget build(BuildContext context) {\n    return Column(\n      children: [\n")
LOOP_BLOCK = "        const ListTile(title: Text('Trail')),\n"
LOOP_END = "      ],\n    );\n  }\n}\n"


def test_a_loop_is_taken_back_to_its_first_repetition_and_the_candidate_goes_on(smollm_tokenizer):
    """The model's first choice repeats the block forever; its second, after one block, closes the list."""
    from tests.trainer.conftest import trie_lm

    texts = LOOP_HEAD + LOOP_BLOCK * 12, LOOP_HEAD + LOOP_BLOCK + LOOP_END
    settings = GenerationSettings(max_new_tokens=400, temperature=0.0, candidates=1,
                                  decode=DecodeConfig(take_back_loops=False))
    stopped = generate_code(trie_lm(smollm_tokenizer, *texts)[0], smollm_tokenizer, "A trail list", settings=settings)
    assert stopped.stop_reason == "loop" and not stopped.passed  # off: the loop stops the candidate
    settings = GenerationSettings(max_new_tokens=400, temperature=0.0, candidates=1)
    result = generate_code(trie_lm(smollm_tokenizer, *texts)[0], smollm_tokenizer, "A trail list", settings=settings)
    assert result.passed and result.code == texts[1].strip()
    assert result.total_tokens > result.new_tokens  # the repetitions were decoded, then taken back


def test_a_loop_within_one_line_starts_at_the_first_repetition_of_its_stretch():
    from trainer.generation.repetition import line_loop_start

    line = "      const Icons.region | Icons.country" + " | Icons.suburbRegion" * 8
    at = line_loop_start(line)
    assert line[:at].endswith("Icons.country | Icons.suburbRegion") and line[at:].count("Icons.suburbRegion") == 7
    assert line_loop_start(line[:LONG_LINE - 1]) is None


def test_a_loop_within_one_line_is_taken_back_and_the_candidate_goes_on(smollm_tokenizer):
    from tests.trainer.conftest import trie_lm

    head = "class A extends StatelessWidget {\n  @override\n  Widget build(BuildContext context) {\n" \
           "    return Wrap(children: [Icon(Icons.hiking), "
    texts = head + "Icon(Icons.suburbRegion), " * 40, head + "Icon(Icons.suburbRegion)]);\n  }\n}\n"
    result = generate_code(trie_lm(smollm_tokenizer, *texts)[0], smollm_tokenizer, "A wrap of icons",
                           settings=GenerationSettings(max_new_tokens=400, temperature=0.0, candidates=1))
    assert result.passed and result.code == texts[1].strip()


def test_loops_are_taken_back_up_to_max_loop_takebacks_then_the_loop_stop_stands(smollm_tokenizer):
    """The model's first way out of one loop is another loop, its second way out closes the list: one
    take-back per candidate leaves the second loop standing, the default goes on to the end."""
    from tests.trainer.conftest import trie_lm

    other = "          const ListTile(title: Text('Peak')),\n"  # begins with another token than the block and the end
    texts = (LOOP_HEAD + LOOP_BLOCK * 12, LOOP_HEAD + LOOP_BLOCK + other * 12,
             LOOP_HEAD + LOOP_BLOCK + other + LOOP_END)
    once = GenerationSettings(max_new_tokens=400, temperature=0.0, candidates=1,
                              decode=DecodeConfig(max_loop_takebacks=1))
    stopped = generate_code(trie_lm(smollm_tokenizer, *texts)[0], smollm_tokenizer, "A trail list", settings=once)
    assert stopped.stop_reason == "loop" and not stopped.passed and stopped.candidates[0].loops_taken_back == 1
    default = GenerationSettings(max_new_tokens=400, temperature=0.0, candidates=1)
    result = generate_code(trie_lm(smollm_tokenizer, *texts)[0], smollm_tokenizer, "A trail list", settings=default)
    assert result.passed and result.code == texts[2].strip() and result.candidates[0].loops_taken_back == 2
