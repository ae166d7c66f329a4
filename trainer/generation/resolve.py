"""Whether a candidate's references to classes resolve against an API index, and its calls fit them.

``resolve(root, api)`` reads the tree-sitter tree of a candidate (one query finds the places) and
looks up, in the candidate's own declarations first (``declared``: its classes, with their own
constructors, count wherever they are declared) and then in ``api``
(:class:`dataset_tools.dart.api.ApiIndex`):

- every capitalised constructor call — ``Text('a')``, ``const Text('a')``, ``new Text('a')``,
  ``Text.rich(...)``, ``const EdgeInsets.all(8)``, ``ValueListenableBuilder<int>(...)`` (also when
  tree-sitter reads a one-argument one as a comparison), ``Foo<int>.named()`` — names a known class
  and that constructor: its named arguments exist, its required named ones are passed, its
  positional count fits;
- every ``extends`` and ``with`` names a known class;
- ``Owner.member`` (``Icons.home``, ``MainAxisAlignment.center``, ``Colors.red.shade200``,
  ``Theme.of(context)``, ``case Level.low:``) where ``Owner`` is a known class: ``member`` is one of
  its constructors or static members (an enum's values and ``values``) — a static method call is
  not a constructor call, so its arguments are not checked.

A reference is **wrong** when the index (or the candidate) knows the class and the call or member
does not fit it: an unknown named argument, a missing required one, a positional count out of
range, a member the class does not have, an enum or mixin called like a constructor. It is
**unknown** when the class is not in the index and not declared in the candidate: a package the index
does not cover may declare it, so an unknown name is never wrong (where the index is closed — every
library the user's code imports indexed, ``ApiIndex.closed`` — the ``resolves`` check fails on it all
the same: :mod:`trainer.generation.checks`). Capitalised names the candidate
declares as variables, parameters, fields, type parameters, functions or typedefs are not classes
and are not looked up. A private member of an indexed class is unknown (its library may be the
candidate's own).
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node, Query, QueryCursor

from dataset_tools.dart import LANGUAGE
from dataset_tools.dart.api import ApiIndex, DartClass, Signature

from .dart_tree import text
from .declared import Declared, declared

_QUERY = Query(LANGUAGE, """
((identifier) @primary . (selector) (#match? @primary "^_*[A-Z]"))
(const_object_expression) @construct
(new_expression) @construct
(constructor_invocation) @construct
(qualified) @qualified
(superclass) @extends
(relational_expression
  (relational_expression . (identifier) (relational_operator) (_) .)
  (relational_operator)
  [(record_literal) (parenthesized_expression)] .) @generic
""")


@dataclass(frozen=True)
class Resolution:
    """What did not resolve, each a short phrase once, in the code's order: ``wrong`` ("Text: no parameter
    'color'", "Icons.hom does not exist") and ``unknown`` ("unknown class TrailIcon"); and how many named
    arguments were passed to a known constructor that has no such parameter (``invented``)."""

    wrong: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    invented: int = 0

    @property
    def ok(self) -> bool:
        """Nothing wrong and nothing unknown."""
        return not self.wrong and not self.unknown

    @property
    def phrases(self) -> list[str]:
        return [*self.wrong, *self.unknown]


def resolve(root: Node, api: ApiIndex) -> Resolution:
    """Look up every class reference, constructor call and ``Owner.member`` under ``root`` in the
    candidate's own declarations and ``api``."""
    lookup = _Lookup(api, declared(root))
    found = QueryCursor(_QUERY).captures(root)
    for capture, node in sorted(((c, n) for c, nodes in found.items() for n in nodes),
                                key=lambda item: item[1].start_byte):  # the phrases in the code's order
        if capture == "primary":
            _primary(node, lookup)
        elif capture == "construct":
            _construct(node, lookup)
        elif capture == "qualified":
            _qualified(node, lookup)
        elif capture == "generic":
            _generic_call(node, lookup)
        else:
            _extends(node, lookup)
    return Resolution(tuple(dict.fromkeys(lookup.wrong)), tuple(dict.fromkeys(lookup.unknown)), lookup.invented)


def _primary(name: Node, lookup: "_Lookup") -> None:
    """``Name(...)``, ``Name<T>(...)``, ``Name.member`` or ``Name.member(...)``: a capitalised
    identifier and the selectors after it."""
    first = name.next_sibling
    if first is None or first.type != "selector":
        return
    arguments = _arguments_of(first)
    if arguments is not None:
        lookup.call(text(name), None, arguments)
        return
    access = next((c for c in first.children if c.type == "unconditional_assignable_selector"), None)
    member = next((c for c in access.children if c.type == "identifier"), None) if access is not None else None
    if member is None:
        return
    arguments = _arguments_of(first.next_sibling)
    if arguments is not None:
        lookup.call(text(name), text(member), arguments)
    else:
        lookup.member(text(name), text(member))


def _construct(node: Node, lookup: "_Lookup") -> None:
    """``const Name(...)``, ``new Name.member(...)``, ``Name<T>.member(...)``."""
    owner = next((c for c in node.children if c.type == "type_identifier"), None)
    member = next((c for c in node.children if c.type == "identifier"), None)
    arguments = next((c for c in node.children if c.type == "arguments"), None)
    if owner is not None and arguments is not None:
        lookup.call(text(owner), None if member is None else text(member), arguments)


def _generic_call(node: Node, lookup: "_Lookup") -> None:
    """``Name<T>(x)`` with one argument, which tree-sitter-dart reads as ``(Name < T) > (x)`` (a
    comparison Dart does not allow: relational operators do not chain)."""
    inner, operator, arguments = node.named_children
    name, opening = inner.named_children[0], inner.named_children[1]
    if text(opening) == "<" and text(operator) == ">" and name.type == "identifier":
        lookup.call(text(name), None, arguments)


def _qualified(node: Node, lookup: "_Lookup") -> None:
    """``Owner.member`` in a pattern: ``case Level.low:``."""
    owner = next((c for c in node.children if c.type == "type_identifier"), None)
    member = next((c for c in node.children if c.type == "identifier"), None)
    if owner is not None and member is not None:
        lookup.member(text(owner), text(member))


def _extends(node: Node, lookup: "_Lookup") -> None:
    """The class after ``extends`` and the mixins after ``with``."""
    names = [c for c in node.children if c.type == "type_identifier"]
    for mixins in (c for c in node.children if c.type == "mixins"):
        names += [c for c in mixins.children if c.type == "type_identifier"]
    for name in names:
        lookup.find(text(name))


def _arguments_of(selector: Node | None) -> Node | None:
    """The ``arguments`` of a call selector (``(...)`` or ``<T>(...)``), else None."""
    if selector is None or selector.type != "selector":
        return None
    part = next((c for c in selector.children if c.type == "argument_part"), None)
    return next((c for c in part.children if c.type == "arguments"), None) if part is not None else None


def _passed(arguments: Node) -> tuple[int, list[str]]:
    """How many positional arguments a call passes, and the names of its named ones: from ``arguments``,
    or the ``record_literal`` / ``parenthesized_expression`` of a call read as a comparison."""
    if arguments.type == "parenthesized_expression":
        return 1, []
    if arguments.type == "record_literal":
        return _record_fields(arguments)
    positional, named = 0, []
    for child in arguments.named_children:
        if child.type == "argument":
            positional += 1
        elif child.type == "named_argument":
            label = next((c for c in child.children if c.type == "label"), None)
            if label is not None:
                named.append(_label(label))
    return positional, named


def _record_fields(record: Node) -> tuple[int, list[str]]:
    """The positional and the named fields of a record literal ``(a, b: c)``: its children between
    commas (a field's value may be several sibling nodes: ``Theme.of(context)``)."""
    positional, named, field = 0, [], []
    for child in [*record.children, None]:
        if child is not None and child.type not in (",", ")"):
            field += [child] if child.type != "(" else []
            continue
        label = next((c for c in field if c.type == "label"), None)
        if label is not None:
            named.append(_label(label))
        elif any(c.is_named for c in field):
            positional += 1
        field = []
    return positional, named


def _label(label: Node) -> str:
    return text(next((c for c in label.children if c.type == "identifier"), None))


def _article(kind: str) -> str:
    return "an" if kind[:1] in "aeiou" else "a"


class _Lookup:
    """Looks names up (the candidate's own classes over ``api``) and collects the phrases."""

    def __init__(self, api: ApiIndex, own: Declared) -> None:
        self.api, self.own = api, own
        self.wrong: list[str] = []
        self.unknown: list[str] = []
        self.invented = 0

    def find(self, name: str) -> DartClass | None:
        """The class ``name``, or None when it is unknown (and noted so) or not a class at all (a
        lower-case name is an import prefix or a variable: not looked up)."""
        if name in self.own.others or not name.lstrip("_")[:1].isupper():
            return None
        found = self.own.classes.get(name) or self.api.find_class(name)
        if found is None:
            self.unknown.append(f"unknown class {name}")
        return found

    def call(self, owner: str, member: str | None, arguments: Node) -> None:
        cls = self.find(owner)
        if cls is None:
            return
        name = "" if member in (None, "new") else member
        signature = constructor_of(cls, name)
        if signature is not None:
            self._fits(owner + (f".{name}" if name else ""), signature, arguments)
        elif name and name in member_names(cls):
            return  # a static method: Theme.of(context), Navigator.push(...)
        elif not name:
            self.wrong.append(f"{owner}: no unnamed constructor" if cls.kind not in ("enum", "mixin")
                              else f"{owner} is {_article(cls.kind)} {cls.kind} (no constructor)")
        else:
            self._missing(cls, owner, name)

    def member(self, owner: str, member: str) -> None:
        cls = self.find(owner)
        if cls is None or member in member_names(cls):
            return
        self._missing(cls, owner, member)

    def _missing(self, cls: DartClass, owner: str, member: str) -> None:
        if member.startswith("_") and cls.name not in self.own.classes:
            self.unknown.append(f"unknown member {owner}.{member}")
        else:
            self.wrong.append(f"{owner}.{member} does not exist")

    def _fits(self, shown: str, signature: Signature, arguments: Node) -> None:
        positional, named = _passed(arguments)
        self.invented += sum(name not in signature.named for name in named)
        self.wrong += [f"{shown}: {problem}" for problem in signature.call_problems(positional, named)]


def member_names(cls: DartClass) -> frozenset[str]:
    """What may follow ``Owner.``: its static members and named constructors, ``new`` when it has an
    unnamed constructor, an enum's ``values``."""
    names = cls.static_members | {name for name in cls.constructors if name}
    if constructor_of(cls, "") is not None:
        names |= {"new"}
    if cls.kind == "enum":
        names |= {"values"}
    return names


def constructor_of(cls: DartClass, name: str) -> Signature | None:
    """Constructor ``name`` of ``cls`` ("" the unnamed one); a plain class that declares none has
    Dart's implicit unnamed constructor."""
    found = cls.constructor(name)
    if found is None and not name and not cls.constructors and cls.kind in ("class", "abstract class"):
        return Signature("")
    return found
