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
    decoded = decode_candidates(serving, ids, 2, GenerationSettings(max_new_tokens=300, temperature=0.5),
                                prompt="", instruction="A hook widget `SunsetCountdown`")
    best = decoded.candidates[0]
    assert best.stop_reason == "loop" and "complete" in best.failed
    assert model.calls == best.new_tokens < 300  # nothing decoded after the loop was seen
    off = generate_code(model, smollm_tokenizer, "A hook widget `SunsetCountdown`",
                        settings=GenerationSettings(max_new_tokens=300, temperature=0.0,
                                                    decode=DecodeConfig.unguarded()))
    assert off.stop_reason == "max_tokens" and off.new_tokens == 300
    alone = generate_code(model, smollm_tokenizer, "A hook widget `SunsetCountdown`",
                          settings=GenerationSettings(max_new_tokens=300, temperature=0.0))
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
                           settings=GenerationSettings(max_new_tokens=300, temperature=0.0))
    assert result.stop_reason == "loop" and result.new_tokens < 100
