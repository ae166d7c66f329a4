"""Spotting a candidate that has fallen into a loop, so it stops instead of running to max_new_tokens.

Small models under sampling repeat a block of lines verbatim (``child: const ListTile(...)`` again and
again) until the token budget runs out, and the widget never closes. A candidate whose last completed
lines are one block of 1–``MAX_BLOCK_LINES`` lines written ``REPEATS`` times in a row is stopped
(stop reason ``loop``): it cannot pass the checks, and the tokens it would still take are better
spent on the next candidate. Blocks made only of brackets and punctuation (``),`` ``],`` ``}``) are
ordinary closing lines, not a loop. A loop can also stay on one line (``Icons.a | Icons.a | Icons.a
| …``): a line longer than ``LONG_LINE`` characters that ends with one stretch of 4–``MAX_UNIT_CHARS``
characters written ``REPEATS + 1`` times in a row is one too (``line_ends_in_loop``).
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
    lines = [line.strip() for line in text.split("\n")[:-1]]
    lines = [line for line in lines if line]
    for size in range(1, MAX_BLOCK_LINES + 1):
        if len(lines) < REPEATS * size:
            break
        block = lines[-size:]
        if not any(_wordy(line) for line in block):
            continue
        if all(lines[-(r + 1) * size: len(lines) - r * size] == block for r in range(1, REPEATS)):
            return True
    return False


def line_ends_in_loop(line: str) -> bool:
    """``line`` (the line being written) is long and ends with one stretch repeated ``REPEATS + 1`` times."""
    if len(line) < LONG_LINE:
        return False
    match = _UNIT_LOOP.search(line[-(REPEATS + 1) * MAX_UNIT_CHARS:])
    return match is not None and _wordy(match.group(1))
