"""What a candidate declares itself, so that its references to its own code resolve: its classes, enums
and mixins (with their constructors' parameters and their members) and the capitalised names that are
not classes (variables, parameters, fields, type parameters, functions, typedefs).

``declared(root)`` reads them from the tree-sitter tree with one query. A class without a constructor
gets Dart's implicit one (no parameters). Every member a class body declares counts as a member of
it (static or not): a reference to its own class is never made wrong by a member this reading missed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node, Query, QueryCursor

from dataset_tools.dart import LANGUAGE
from dataset_tools.dart.api import DartClass, Parameter, Signature

from .dart_tree import class_fields, member_names, superclass, text

_QUERY = Query(LANGUAGE, """
(class_definition) @class
(enum_declaration) @enum
(mixin_declaration) @mixin
(type_alias . (type_identifier) @other)
(type_parameter . (type_identifier) @other)
(initialized_variable_definition name: (identifier) @other)
(formal_parameter (identifier) @other)
(initialized_identifier . (identifier) @other)
(static_final_declaration . (identifier) @other)
(for_loop_parts name: (identifier) @other)
(function_signature name: (identifier) @other)
""")
_CONSTRUCTORS = ("constructor_signature", "constant_constructor_signature", "factory_constructor_signature",
                 "redirecting_factory_constructor_signature")
_KINDS = {"class": "class", "enum": "enum", "mixin": "mixin"}


@dataclass
class Declared:
    """The candidate's own classes by name, and its names that are not classes."""

    classes: dict[str, DartClass] = field(default_factory=dict)
    others: set[str] = field(default_factory=set)


def declared(root: Node) -> Declared:
    """The classes, enums and mixins declared under ``root``, and its other declared names."""
    found = Declared()
    for capture, nodes in QueryCursor(_QUERY).captures(root).items():
        if capture == "other":
            found.others.update(text(n) for n in nodes)
            continue
        for node in nodes:
            own = _class(node, _KINDS[capture])
            if own is not None:
                found.classes[own.name] = own
    found.others -= set(found.classes)
    return found


def _class(node: Node, kind: str) -> DartClass | None:
    """A class, enum or mixin declaration as a ``DartClass``: its constructors and every member its body
    names (None when it has no name)."""
    name_node = node.child_by_field_name("name") or next((c for c in node.children if c.type == "identifier"), None)
    name = text(name_node)
    if not name:
        return None
    if kind == "class" and any(c.type == "abstract" for c in node.children):
        kind = "abstract class"
    body = node.child_by_field_name("body") or next(
        (c for c in node.children if c.type in ("class_body", "enum_body")), None)
    constructors: dict[str, Signature] = {}
    members: set[str] = set()
    if body is not None:
        members = class_fields(body) | member_names(body)
        for child in body.children:
            if child.type == "enum_constant":
                members.add(text(child.child_by_field_name("name")))
            elif child.type in ("declaration", "method_signature"):
                for part in child.children:
                    if part.type in _CONSTRUCTORS:
                        constructor = _constructor(part)
                        constructors[constructor.name] = constructor
                    elif part.type == "static_final_declaration_list":  # static const title = 'T';
                        members.update(text(d.named_children[0]) for d in part.named_children if d.named_children)
    if kind == "enum":
        members.add("values")
        constructors = {}  # an enum's constructors build its values only
    elif kind != "mixin" and not constructors:
        constructors = {"": Signature("")}  # Dart's implicit constructor
    return DartClass(name, kind, superclass(node) if kind != "mixin" else None, (), constructors,
                     frozenset(members), "")


def _constructor(signature: Node) -> Signature:
    """A constructor's name (the identifier after the class name, "" for none) and parameters."""
    names, parameters = [], ()
    for child in signature.children:
        if child.type == "formal_parameter_list":
            parameters = parameters_of(child)
            break
        if child.type == "identifier":
            names.append(text(child))
    return Signature(names[1] if len(names) > 1 else "", parameters)


def parameters_of(formal_parameters: Node) -> tuple[Parameter, ...]:
    """The parameters of a ``formal_parameter_list``: positional ones, ``[optional]`` and ``{named}``
    ones (``required`` where marked), named as written (``this.x`` and ``super.key`` by their ``x``
    and ``key``)."""
    found: list[Parameter] = []
    for child in formal_parameters.children:
        if child.type == "formal_parameter":
            found.append(Parameter(_parameter_name(child), named=False, required=True))
        elif child.type == "optional_formal_parameters":
            named = any(c.type == "{" for c in child.children)
            required = False
            for part in child.children:
                if part.type == "required":
                    required = True
                elif part.type == "formal_parameter":
                    found.append(Parameter(_parameter_name(part), named=named, required=named and required))
                    required = False
    return tuple(found)


def _parameter_name(parameter: Node) -> str:
    name = parameter.child_by_field_name("name")
    if name is not None:
        return text(name)
    for child in parameter.children:
        if child.type in ("constructor_param", "super_formal_parameter"):
            return text(next((c for c in child.children if c.type == "identifier"), None))
    identifiers = [c for c in parameter.children if c.type == "identifier"]
    return text(identifiers[-1]) if identifiers else ""
