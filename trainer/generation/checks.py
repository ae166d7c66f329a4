"""What the syntax tree says about a generated widget: the checks a candidate must pass to be kept.

All checks read the tree-sitter-dart tree (no regular expressions over Dart):

- ``parses``: non-empty code without ERROR or MISSING nodes;
- ``declaresWidget``: a class extending a widget base (or a class named ``…Widget``), a class with a
  member returning ``Widget`` (a subclass of the project's own widget base), or a function/method/getter
  returning ``Widget``;
- ``requestedName``: the declared widget has the name the request asked for (only when it asked);
- ``fieldsForParams``: every ``this.x`` constructor parameter has a field ``x`` in its class;
- ``createsState``: every ``StatefulWidget``-like class declares ``createState`` (else it cannot compile);
- ``noSelfConstruction``: ``build()`` does not construct its own widget class (endless recursion);
- ``noRepeatedArgs``: no call passes the same named argument twice;
- ``resolves`` (only when an API index is given): every class the code names, every constructor call
  and ``Owner.member`` resolves against the index or the code's own declarations: nothing wrong, and
  — where the index is closed (``ApiIndex.closed``: every library the user's code imports is
  indexed) — nothing unknown (:mod:`trainer.generation.resolve`; the phrases are
  ``CheckReport.unresolved``). Over an open index an unknown name may be a library's the index lacks:
  it does not fail the check, and candidates with fewer unknown names rank first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node

from dataset_tools.dart import parse_within
from dataset_tools.dart.vocabulary import STATE_BASES, STATEFUL_BASES, WIDGET_RETURN_TYPES, is_widget_type

from .dart_tree import class_fields, member_names, superclass, text, walk
from .resolve import Resolution, resolve

if TYPE_CHECKING:
    from dataset_tools.dart.api import ApiIndex

PARSE_LIMIT_S = 0.5  # a candidate tree-sitter cannot parse in this time fails every check
CHECKS = ("parses", "declaresWidget", "requestedName", "fieldsForParams", "createsState", "noSelfConstruction",
          "noRepeatedArgs", "resolves")


@dataclass
class CheckReport:
    """Which checks passed (name → bool, in ``CHECKS`` order), what the code declares and, when an API
    index was given, what did not resolve against it."""

    checks: dict[str, bool] = field(default_factory=dict)
    declared: list[str] = field(default_factory=list)
    resolution: Resolution | None = None  # None: no index was given (or nothing to resolve)

    @property
    def unknown(self) -> int:
        """How many names the index does not know (0 without an index)."""
        return len(self.resolution.unknown) if self.resolution is not None else 0

    @property
    def unresolved(self) -> list[str]:
        """What did not resolve, wrong before unknown ("Text: no parameter 'color'", "unknown class
        TrailIcon"); [] without an index."""
        return self.resolution.phrases if self.resolution is not None else []

    @property
    def passed(self) -> bool:
        return all(self.checks.values())

    @property
    def failed(self) -> list[str]:
        return [name for name, ok in self.checks.items() if not ok]

    @property
    def score(self) -> int:
        return sum(self.checks.values())


def _is_widget_class(cls: Node) -> bool:
    base = superclass(cls)
    return bool(base) and (is_widget_type(base) or base in STATE_BASES)


def _has_widget_member(cls: Node) -> bool:
    """A class with a method or getter returning Widget: e.g. a subclass of the project's own widget base."""
    body = cls.child_by_field_name("body")
    return body is not None and any(
        sig.type in ("function_signature", "getter_signature") and _returns_widget(sig)
        for member in body.children if member.type == "method_signature" for sig in member.children)


def _returns_widget(signature: Node) -> bool:
    for child in signature.children:
        if child.type == "type_identifier":
            return text(child) in WIDGET_RETURN_TYPES
        if child.type in ("identifier", "formal_parameter_list"):
            return False
    return False



def _this_params(body: Node) -> set[str]:
    params = set()
    for node in walk(body):
        if node.type == "constructor_param":
            ident = next((c for c in node.children if c.type == "identifier"), None)
            if ident is not None:
                params.add(text(ident))
    return params


def _build_bodies(body: Node) -> list[Node]:
    """The function bodies of ``build`` methods in a class body."""
    found, children = [], body.children
    for i, child in enumerate(children):
        if child.type != "method_signature":
            continue
        sig = next((c for c in child.children if c.type == "function_signature"), None)
        if sig is not None and text(sig.child_by_field_name("name")) == "build":
            nxt = children[i + 1] if i + 1 < len(children) else None
            if nxt is not None and nxt.type == "function_body":
                found.append(nxt)
    return found



def _constructs(body: Node, name: str) -> bool:
    """Whether ``body`` calls ``name(...)`` / ``const name(...)`` / ``name.named(...)``."""
    for node in walk(body):
        if node.type in ("identifier", "type_identifier") and text(node) == name:
            sibling = node.next_sibling
            if sibling is not None and sibling.type in ("selector", "arguments", "argument_part"):
                return True
    return False


def _repeated_named_args(root: Node) -> bool:
    for node in walk(root):
        if node.type == "arguments":
            labels = [text(c).split(":", 1)[0].strip() for c in node.children if c.type == "named_argument"]
            if len(labels) != len(set(labels)):
                return True
    return False


def check_widget(code: str, expected_name: str | None = None, api: ApiIndex | None = None) -> CheckReport:
    """Run every check on ``code``; ``expected_name`` adds the ``requestedName`` check, ``api`` the
    ``resolves`` check."""
    report = CheckReport()
    failing = {name: False for name in CHECKS
               if (name != "requestedName" or expected_name) and (name != "resolves" or api is not None)}
    if not code or not code.strip():
        report.checks = failing
        return report
    tree = parse_within(code, PARSE_LIMIT_S)
    if tree is None:  # no candidate worth keeping takes tree-sitter that long
        report.checks = failing
        return report
    root = tree.root_node
    classes = [n for n in root.children if n.type == "class_definition"]
    widget_classes = [c for c in classes if _is_widget_class(c) or _has_widget_member(c)]
    functions = [n for n in root.children if n.type in ("function_signature", "getter_signature")
                 and _returns_widget(n)]
    functions += [n for n in walk(root) if n.type == "method_signature"
                  and any(c.type in ("function_signature", "getter_signature") and _returns_widget(c)
                          and text(c.child_by_field_name("name")) != "build" for c in n.children)]
    declared = [text(c.child_by_field_name("name")) for c in widget_classes]
    declared += [text(n.child_by_field_name("name")) for n in functions if n.child_by_field_name("name")]
    report.declared = [d for d in declared if d]

    fields_ok, self_ok, state_ok = True, True, True
    widget_names = {text(c.child_by_field_name("name")) for c in widget_classes}
    for cls in classes:
        body = cls.child_by_field_name("body")
        if body is None:
            continue
        if not _this_params(body) <= class_fields(body):
            fields_ok = False
        base = superclass(cls)
        if base in STATEFUL_BASES and "createState" not in member_names(body):
            state_ok = False
        name = text(cls.child_by_field_name("name"))
        own = {name} if cls in widget_classes else set()
        if base in STATE_BASES:  # a State's build must not construct its widget either
            own |= {n for n in widget_names if f"<{n}>" in text(cls.child_by_field_name("superclass"))}
        if any(_constructs(b, n) for b in _build_bodies(body) for n in own if n):
            self_ok = False

    checks = {"parses": not root.has_error, "declaresWidget": bool(report.declared)}
    if expected_name:
        checks["requestedName"] = expected_name in report.declared
    checks["fieldsForParams"] = fields_ok
    checks["createsState"] = state_ok
    checks["noSelfConstruction"] = self_ok
    checks["noRepeatedArgs"] = not _repeated_named_args(root)
    if api is not None:
        report.resolution = resolve(root, api)
        checks["resolves"] = report.resolution.ok if api.closed else not report.resolution.wrong
    report.checks = checks
    return report
