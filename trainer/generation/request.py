"""What a request asks of the code: the name it must declare, and how that declaration begins.

A request names its widget in the user's words ("… named TrailCard", "`_Header`") or in the words the
harvest wrote for it (``dataset_tools.instructions.synthesize``: "A stateless widget `PeakCard` …",
"A method `_buildRow` (build row) of `HomeScreen` …"). ``requested_name`` is the name the checks then
require. ``declaration_head`` is the text every candidate starts with when the request fixes its
declaration: ``class PeakCard extends StatelessWidget`` (for a kind with two bases, such as a hook widget,
the common one), ``Widget buildEmptyState`` for a function or private method, ``Widget get _divider``
for a private getter, or ``class Name`` for a class name the caller fixed (the editor's "extract
widget"). A small model asked for `TagInput` otherwise writes a ``Widget _tagInput()`` function as often
as the class, and asked for `buildFormSection` a class ``BuildFormSection``: every such candidate fails
the name check after costing its tokens.
"""

from __future__ import annotations

import re

from dataset_tools.instructions import parse_synthesized
from dataset_tools.dart.vocabulary import WIDGET_BASES

# "a widget named TrailCard", "called `_Header`", "the widget TrailCard": the name a request asks for.
_NAMED = re.compile(r"\b(?:named|called|the widget|class)\s+`?(_?[A-Z][A-Za-z0-9_]*)`?")
_TICKED = re.compile(r"`(_?[A-Z][A-Za-z0-9_]*)`")
_CLASS_NAME = re.compile(r"_*[A-Z][A-Za-z0-9_$]*")
_BASES_OF_KIND: dict[str, list[str]] = {}
for _base, _kind in WIDGET_BASES.items():
    _BASES_OF_KIND.setdefault(_kind, []).append(_base)
CLASS_KINDS = frozenset(_BASES_OF_KIND) | {"custom_widget"}


def requested_name(instruction: str) -> str | None:
    """The widget name a request asks for ("… named TrailCard", "`_Header`", the name in an
    instruction the harvest wrote, also a method's or getter's), or None."""
    described = parse_synthesized(instruction)
    if described is not None:
        return described.name
    match = _NAMED.search(instruction or "") or _TICKED.search(instruction or "")
    return match.group(1) if match else None


def declaration_head(instruction: str, expected_name: str | None = None) -> str | None:
    """The text the code must begin with, when the request fixes its declaration: from an instruction
    the harvest wrote, or from ``expected_name`` (a class name the caller fixed)."""
    described = parse_synthesized(instruction)
    if described is not None and expected_name in (None, described.name):
        name = described.name
        if described.kind in CLASS_KINDS:
            return f"class {name} extends {described.base or _BASES_OF_KIND[described.kind][0]}"
        if described.kind == "function" or (described.kind == "method" and name.startswith("_")):
            return f"Widget {name}"  # (a public method may be an ``@override``: its head is not known)
        if described.kind == "getter" and name.startswith("_"):
            return f"Widget get {name}"
        return None
    if expected_name and _CLASS_NAME.fullmatch(expected_name):
        return f"class {expected_name}"
    return None
