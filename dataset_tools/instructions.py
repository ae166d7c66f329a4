"""Instructions for samples: from the `///` doc comment when there is one, else synthesized.

A synthesized instruction reads like a short spec written by the developer, e.g.
"A stateless widget `PeakCard` (peak card) that takes `peak`, `onTap` and builds a Card with a
ListTile, Icon and Text." Augmentation (off by default) adds rephrased variants of any instruction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dart.names import identifier_words

KIND_PHRASES = {
    "stateless": "stateless widget",
    "stateful": "stateful widget",
    "consumer": "Riverpod consumer widget",
    "consumer_stateful": "Riverpod consumer stateful widget",
    "hook": "hook widget",
    "hook_consumer": "hook consumer widget",
    "custom_widget": "widget",
    "function": "function",
    "method": "method",
    "getter": "getter",
}
MAX_WIDGETS = 5

_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\))?")
_SPACE = re.compile(r"\s+")


def name_words(name: str) -> str:
    """`_PeakCard` → "peak card", `HTTPBanner` → "http banner", `build_row2` → "build row 2"."""
    return " ".join(word.lower() for word in identifier_words(name))


def doc_to_instruction(doc: str) -> str:
    """The text of a `///` or `/** */` doc comment on one line, `[Peak]` markup reduced to `Peak`."""
    if "```" not in doc and "/*" not in doc and "[" not in doc:  # the common case: plain `///` lines
        return _SPACE.sub(" ", " ".join(line.strip()[3:] for line in doc.splitlines())).strip()
    lines, fenced = [], False
    for raw in doc.splitlines():
        line = raw.strip()
        if line.startswith("///"):
            line = line[3:]
        else:
            line = line.removeprefix("/**").removesuffix("*/").strip().removeprefix("*")
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line.strip())
    text = _LINK.sub(r"\1", " ".join(lines))
    return _SPACE.sub(" ", text).strip()


def _article(word: str) -> str:
    return f"an {word}" if word[:1].upper() in "AEIOU" else f"a {word}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def synthesize(kind: str, name: str, params: list[str] = (), widgets: list[str] = (),
               base: str | None = None, owner: str | None = None) -> str:
    """Describe a sample from its structure: kind, name, parameters and the widgets it builds."""
    phrase = KIND_PHRASES.get(kind, kind)
    text = f"A {phrase} `{name}`"
    words = name_words(name)
    if words:
        text += f" ({words})"
    if base:
        text += f" extending `{base}`"
    if owner:
        text += f" of `{owner}`"
    clauses = []
    if params:
        clauses.append("takes " + _join([f"`{p}`" for p in params]))
    widgets = [w for w in widgets if w != name][:MAX_WIDGETS]
    if widgets:
        built = "builds " + _article(widgets[0])
        if len(widgets) > 1:
            built += " with " + _join([_article(widgets[1])] + widgets[2:])
        clauses.append(built)
    if clauses:
        text += " that " + " and ".join(clauses)
    return text + "."


@dataclass(frozen=True)
class Described:
    """What a synthesized instruction says of its sample: kind, name, base class and owner."""

    kind: str
    name: str
    base: str | None = None
    owner: str | None = None


_PHRASE_KINDS = {phrase: kind for kind, phrase in KIND_PHRASES.items()}
_SYNTHESIZED = re.compile(
    r"^A (?P<phrase>%s) `(?P<name>[A-Za-z_$][\w$]*)`(?: \([^)]*\))?(?: extending `(?P<base>[\w$.]+)`)?"
    r"(?: of `(?P<owner>[\w$]+)`)?(?: that |\.$)"
    % "|".join(re.escape(p) for p in sorted(_PHRASE_KINDS, key=len, reverse=True)))


def parse_synthesized(instruction: str) -> Described | None:
    """The inverse of :func:`synthesize`: what an instruction it wrote describes (None for any other
    text, e.g. a doc comment or a user's own words)."""
    match = _SYNTHESIZED.match((instruction or "").strip())
    if match is None:
        return None
    kind = _PHRASE_KINDS[match["phrase"]]
    if kind == "custom_widget" and not match["base"]:  # "A widget `X` that …" is the user's own wording
        return None
    return Described(kind, match["name"], match["base"], match["owner"])


_TEMPLATES = (
    "Write a Flutter {phrase} named `{name}`. {instruction}",
    "Create {words} in Flutter: {instruction_lc}",
    "Implement `{name}`, a {phrase}, in Dart. {instruction}",
    "I need a {phrase} for {words}. {instruction}",
    "Show the Dart code of the {phrase} `{name}`.",
)
REPHRASINGS = len(_TEMPLATES)
"""The most rephrased instructions ``augment_instructions`` writes for one record."""


def augment_instructions(record: dict, n: int) -> list[str]:
    """Up to ``n`` rephrasings of ``record["instruction"]`` (distinct, never the original)."""
    instruction = record.get("instruction", "").strip()
    name = record.get("name", "").split(".")[-1] or "snippet"
    values = {
        "phrase": KIND_PHRASES.get(record.get("kind", ""), "widget"),
        "name": name,
        "words": name_words(name) or name,
        "instruction": instruction,
        "instruction_lc": instruction[:1].lower() + instruction[1:],
    }
    out: list[str] = []
    for template in _TEMPLATES:
        if len(out) >= n:
            break
        text = template.format(**values).strip()
        if text != instruction and text not in out:
            out.append(text)
    return out
