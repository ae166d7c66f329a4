"""The user's coding style as measured preferences, and how well a snippet follows it.

Each rule looks at a snippet and returns the choices it makes wherever the rule applies (one
label per occurrence, e.g. ``["super.key"]`` or ``["single", "single", "double"]``). A
``StyleProfile`` counts those labels over the training split: for every rule the majority label
and its share. ``style_score(code, profile)`` is the mean, over the rules that apply to ``code``
and on which the profile has a preference, of the share of ``code``'s occurrences that follow
the profile's majority — 1.0 means "written exactly like the user writes", None means no rule
applied.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from tree_sitter import Node

from dataset_tools.dart import parse
from dataset_tools.dart.vocabulary import STATE_LIKE_BASES

from .metrics import code_without_strings_and_comments



def _walk(node: Node) -> Iterable[Node]:
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _text(node: Node) -> str:
    return node.text.decode("utf-8", errors="replace")


def _superclass(cls: Node) -> str:
    for child in cls.children:
        if child.type == "superclass":
            return _text(child).removeprefix("extends").strip()
    return ""


def _base_name(superclass: str) -> str:
    """``State<Counter> with X`` → ``State``; ``p.StatelessWidget`` → ``StatelessWidget``."""
    match = re.match(r"[\w.$]+", superclass)
    return match.group(0).split(".")[-1] if match else ""


# ---------------------------------------------------------------------------------- rules
def key_parameter(code: str, root: Node) -> list[str]:
    bare = code_without_strings_and_comments(code)
    return ["super.key"] * len(re.findall(r"\bsuper\.key\b", bare)) + \
        ["Key? key"] * len(re.findall(r"\bKey\?\s+key\b", bare))


def trailing_commas(code: str, root: Node) -> list[str]:
    """Multi-line argument and list literals: does the last element end with a comma?"""
    labels = []
    for node in _walk(root):
        if node.type in ("arguments", "list_literal") and node.start_point.row != node.end_point.row:
            inner = [c for c in node.children if c.type not in ("(", ")", "[", "]", "comment")]
            if inner:
                labels.append("trailing comma" if inner[-1].type == "," else "no trailing comma")
    return labels


def const_constructors(code: str, root: Node) -> list[str]:
    labels = []
    for node in _walk(root):
        if node.type == "constant_constructor_signature":
            labels.append("const")
        elif node.type == "constructor_signature" and not any(c.type == "factory" for c in node.children):
            labels.append("not const")
    return labels


def quote_style(code: str, root: Node) -> list[str]:
    labels = []
    for node in _walk(root):
        if node.type == "string_literal":
            text = _text(node).lstrip("r")
            if text[:3] in ("'''", '"""'):
                continue
            quote = text[:1]
            other = '"' if quote == "'" else "'"
            if quote in "'\"" and quote and other not in text:
                labels.append("single" if quote == "'" else "double")
    return labels


def final_fields(code: str, root: Node) -> list[str]:
    """Fields of classes other than State classes (whose fields hold mutable state)."""
    labels = []
    for cls in _walk(root):
        if cls.type != "class_definition" or _base_name(_superclass(cls)) in STATE_LIKE_BASES:
            continue
        body = next((c for c in cls.children if c.type == "class_body"), None)
        for member in body.children if body else ():
            if member.type != "declaration":
                continue
            kinds = {c.type for c in member.children}
            if kinds & {"initialized_identifier_list", "identifier_list"} and not kinds & {"static", "const_builtin"}:
                labels.append("final" if "final_builtin" in kinds else "not final")
    return labels


def _widget_functions(root: Node) -> Iterable[tuple[str, Node]]:
    for node in _walk(root):
        if node.type == "function_signature":
            kids = node.children
            if len(kids) >= 2 and kids[0].type == "type_identifier" and _text(kids[0]) == "Widget":
                name = next((_text(c) for c in kids if c.type == "identifier"), "")
                if name and name != "build":
                    yield name, node


def helper_naming(code: str, root: Node) -> list[str]:
    """Functions/methods returning Widget (other than build): ``_buildX``, ``buildX``, ``_x`` or ``x``."""
    labels = []
    for name, _ in _widget_functions(root):
        private = name.startswith("_")
        build = re.match(r"_?build[A-Z0-9_]", name) is not None
        labels.append(("_" if private else "") + ("buildX" if build else "other name"))
    return labels


def doc_comments(code: str, root: Node) -> list[str]:
    """Top-level classes and functions: preceded by a /// doc comment or not."""
    labels = []
    previous = None
    for node in root.children:
        if node.type in ("class_definition", "function_signature"):
            documented = previous is not None and previous.type == "documentation_comment"
            labels.append("documented" if documented else "undocumented")
        if node.type not in ("annotation", "marker_annotation"):
            previous = node
    return labels


def indentation(code: str, root: Node) -> list[str]:
    widths = [len(line) - len(line.lstrip(" ")) for line in code.splitlines() if line.strip()]
    if any(line.startswith("\t") for line in code.splitlines()):
        return ["tabs"]
    positive = [w for w in widths if w > 0]
    return [f"{min(positive)} spaces"] if positive else []


def named_parameters(code: str, root: Node) -> list[str]:
    """Widget constructors with parameters: named ``{...}`` or positional."""
    labels = []
    for node in _walk(root):
        if node.type in ("constructor_signature", "constant_constructor_signature"):
            params = next((c for c in node.children if c.type == "formal_parameter_list"), None)
            if params is None:
                continue
            kinds = [c.type for c in params.children if c.type not in ("(", ")", ",")]
            if kinds:
                labels.append("named" if "optional_formal_parameters" in kinds else "positional")
    return labels


def function_bodies(code: str, root: Node) -> list[str]:
    """Widget helpers: arrow body (``=> ...``) or block body (``{ return ...; }``)."""
    labels = []
    for _, sig in _widget_functions(root):
        body = sig.next_named_sibling
        if sig.parent is not None and sig.parent.type == "method_signature":
            body = sig.parent.next_named_sibling
        if body is not None and body.type == "function_body":
            labels.append("arrow" if _text(body).lstrip().startswith("=>") else "block")
    return labels


RULES: dict[str, Callable[[str, Node], list[str]]] = {
    "key_parameter": key_parameter,
    "trailing_commas": trailing_commas,
    "const_constructors": const_constructors,
    "quote_style": quote_style,
    "final_fields": final_fields,
    "helper_naming": helper_naming,
    "doc_comments": doc_comments,
    "indentation": indentation,
    "named_parameters": named_parameters,
    "helper_bodies": function_bodies,
}


def observe(code: str) -> dict[str, list[str]]:
    """The labels each rule finds in ``code`` (rules that do not apply are left out)."""
    root = parse(code or "").root_node
    found = {}
    for name, rule in RULES.items():
        labels = rule(code or "", root)
        if labels:
            found[name] = labels
    return found


@dataclass
class RulePreference:
    """How often each choice appears in the training outputs; ``majority`` is None on a tie."""

    counts: dict[str, int] = field(default_factory=dict)
    samples: int = 0  # training outputs where the rule applies

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def majority(self) -> str | None:
        ranked = Counter(self.counts).most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    @property
    def share(self) -> float:
        return Counter(self.counts).most_common(1)[0][1] / self.total if self.total else 0.0


@dataclass
class StyleProfile:
    rules: dict[str, RulePreference] = field(default_factory=dict)
    samples: int = 0

    def to_dict(self) -> dict:
        return {"samples": self.samples, "rules": {
            name: {"majority": pref.majority, "share": round(pref.share, 4), "counts": pref.counts,
                   "samples": pref.samples} for name, pref in self.rules.items()}}


def learn_profile(outputs: Iterable[str], min_occurrences: int = 2) -> StyleProfile:
    """Count every rule's choices over ``outputs`` (the training split's code)."""
    profile = StyleProfile()
    for code in outputs:
        profile.samples += 1
        for name, labels in observe(code).items():
            pref = profile.rules.setdefault(name, RulePreference())
            pref.samples += 1
            for label in labels:
                pref.counts[label] = pref.counts.get(label, 0) + 1
    profile.rules = {n: p for n, p in profile.rules.items() if p.total >= min_occurrences and p.majority}
    return profile


def rule_agreement(code: str, profile: StyleProfile) -> dict[str, float]:
    """For each rule that applies to ``code`` and has a preference: share of occurrences following it."""
    result = {}
    for name, labels in observe(code).items():
        pref = profile.rules.get(name)
        if pref is not None and pref.majority is not None:
            result[name] = sum(label == pref.majority for label in labels) / len(labels)
    return result


def style_score(code: str, profile: StyleProfile) -> float | None:
    """Mean agreement over applicable rules (0–1), or None when no rule applies to ``code``."""
    agreement = rule_agreement(code, profile)
    return sum(agreement.values()) / len(agreement) if agreement else None
