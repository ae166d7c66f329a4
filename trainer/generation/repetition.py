"""Spotting a candidate that has fallen into a loop, so it stops instead of running to max_new_tokens.

Small models under sampling repeat a block of lines verbatim (``child: const ListTile(...)`` again and
again) until the token budget runs out, and the widget never closes. A candidate whose last completed
lines are one block of 1–``MAX_BLOCK_LINES`` lines written ``REPEATS`` times in a row is stopped
(stop reason ``loop``): it cannot pass the checks, and the tokens it would still take are better
spent on the next candidate. Blocks made only of brackets and punctuation (``),`` ``],`` ``}``) are
ordinary closing lines, not a loop. A loop can also stay on one line (``Icons.a | Icons.a | Icons.a
| …``): a line longer than ``LONG_LINE`` characters that ends with one stretch of 4–``MAX_UNIT_CHARS``
characters written ``REPEATS + 1`` times in a row is one too (``line_ends_in_loop``). ``loop_start`` and
``line_loop_start`` say where the first repetition begins, for the decoding loop to take the candidate
back there (:class:`trainer.generation.decoding.take_back.LoopTakeBack`).
"""

from __future__ import annotations

import re

MAX_BLOCK_LINES = 8
REPEATS = 3
MIN_WORD_CHARS = 3  # a block needs a line with at least this many letters/digits to count
LONG_LINE = 120  # a line is looked at for a loop within it once it is this long
MAX_UNIT_CHARS = 60
_UNIT_LOOP = re.compile(r"(.{4,%d}?)\1{%d,}$" % (MAX_UNIT_CHARS, REPEATS))


def _wordy(line: str) -> bool:
    return sum(ch.isalnum() for ch in line) >= MIN_WORD_CHARS


def ends_in_loop(text: str) -> bool:
    """The completed lines of ``text`` end with one block of lines repeated ``REPEATS`` times."""
    return loop_start(text) is not None


def loop_start(text: str) -> int | None:
    """Where the first repetition of the block ``text``'s completed lines end with starts (the offset of
    its first character that is not white space): what is left before it holds the block once. None
    when they do not end in a loop."""
    lines, offset = [], 0
    for line in text.split("\n")[:-1]:
        if line.strip():
            lines.append((line.strip(), offset + len(line) - len(line.lstrip())))
        offset += len(line) + 1
    words = [line for line, _ in lines]
    for size in range(1, MAX_BLOCK_LINES + 1):
        if len(words) < REPEATS * size:
            break
        block = words[-size:]
        if not any(_wordy(line) for line in block):
            continue
        if all(words[-(r + 1) * size: len(words) - r * size] == block for r in range(1, REPEATS)):
            return lines[len(lines) - (REPEATS - 1) * size][1]
    return None


def line_ends_in_loop(line: str) -> bool:
    """``line`` (the line being written) is long and ends with one stretch repeated ``REPEATS + 1`` times."""
    return line_loop_start(line) is not None


def line_loop_start(line: str) -> int | None:
    """Where in ``line`` the first repetition of the stretch it ends with starts (what is left before it
    holds the stretch once); None when it does not end in a loop."""
    if len(line) < LONG_LINE:
        return None
    tail = line[-(REPEATS + 1) * MAX_UNIT_CHARS:]
    match = _UNIT_LOOP.search(tail)
    if match is None or not _wordy(match.group(1)):
        return None
    return len(line) - len(tail) + match.start() + len(match.group(1))
