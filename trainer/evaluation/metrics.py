"""Pure functions that score generated Dart code against the user's real code.

- ``parse_valid``: tree-sitter-dart parses it without ERROR or MISSING nodes.
- ``chrf``: sacrebleu's character n-gram F-score (0–100; identical text → 100).
- ``exact_match``: equal after collapsing whitespace.
- ``widget_vocabulary`` / ``widget_overlap``: the widgets a snippet constructs (``Padding(``,
  ``const Text(``, ``ListView.builder(``; value classes such as ``EdgeInsets.all(`` and lookups such
  as ``Theme.of(`` left out: ``dataset_tools.dart.vocabulary.is_widget_call``, the rule harvest
  describes a widget's composition with), and the F1 overlap of those sets.
- ``resolution``: whether every class, constructor call and ``Owner.member`` in the code resolves against
  an API index (:mod:`trainer.generation.resolve`, the ``resolves`` check), and how many names it does
  not know.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dataset_tools.dart import parse
from dataset_tools.dart.vocabulary import is_widget_call

from ..generation.resolve import resolve

if TYPE_CHECKING:
    from dataset_tools.dart.api import ApiIndex

# Capitalized name, optional type arguments (one nesting level), optional named constructor, then "(".
_CALL = re.compile(r"(?<![\w.$])([A-Z]\w*)\s*(?:<[^<>();{}]*(?:<[^<>();{}]*>[^<>();{}]*)*>)?\s*(?:\.\s*([a-zA-Z_]\w*))?\s*\(")
_DECLARED = re.compile(r"\b(?:class|enum|mixin|extension|typedef)\s+([A-Z]\w*)")
_BLANK_TYPES = {"string_literal", "comment", "documentation_comment"}


def parse_valid(code: str) -> bool:
    """True when ``code`` is non-empty Dart that parses without ERROR or MISSING nodes."""
    if not code or not code.strip():
        return False
    return not parse(code).root_node.has_error


def chrf(hypothesis: str, reference: str) -> float:
    """sacrebleu chrF of ``hypothesis`` against ``reference`` (0–100)."""
    from sacrebleu.metrics import CHRF

    hypothesis, reference = hypothesis or "", reference or ""
    if not hypothesis.strip() and not reference.strip():
        return 100.0
    return float(CHRF().sentence_score(hypothesis, [reference]).score)


def normalize_whitespace(code: str) -> str:
    return " ".join((code or "").split())


def exact_match(hypothesis: str, reference: str) -> bool:
    """Equal once runs of whitespace are collapsed and the ends trimmed."""
    return normalize_whitespace(hypothesis) == normalize_whitespace(reference)


def code_without_strings_and_comments(code: str) -> str:
    """``code`` with string literals and comments replaced by spaces (same length and lines)."""
    data = bytearray(code.encode("utf-8"))
    stack = [parse(bytes(data)).root_node]
    while stack:
        node = stack.pop()
        if node.type in _BLANK_TYPES:
            for i in range(node.start_byte, node.end_byte):
                if data[i] not in (10, 13):
                    data[i] = 32
            continue
        stack.extend(node.children)
    return data.decode("utf-8", errors="replace")


def widget_vocabulary(code: str) -> set[str]:
    """The widgets constructed in ``code`` (``Text``, ``Padding``: ``is_widget_call``), minus classes it declares."""
    bare = code_without_strings_and_comments(code or "")
    declared = set(_DECLARED.findall(bare))
    names = set()
    for match in _CALL.finditer(bare):
        name, ctor = match.group(1), match.group(2)
        if name in declared or not is_widget_call(name, ctor):
            continue
        names.add(name)
    return names


def widget_overlap(hypothesis: str, reference: str) -> float:
    """F1 between the widget vocabularies (1.0 when both use none, 0.0 when only one does)."""
    hyp, ref = widget_vocabulary(hypothesis), widget_vocabulary(reference)
    if not hyp and not ref:
        return 1.0
    common = len(hyp & ref)
    if common == 0:
        return 0.0
    precision, recall = common / len(hyp), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def resolution(code: str, api: ApiIndex) -> tuple[bool, int, int]:
    """Whether every reference in ``code`` resolves against ``api`` (nothing wrong, nothing unknown: the
    ``resolves`` check; empty code does not), how many distinct names ``api`` does not know, and how
    many named arguments it passes that the known constructor called does not have."""
    if not code or not code.strip():
        return False, 0, 0
    found = resolve(parse(code).root_node, api)
    return found.ok, len(found.unknown), found.invented
