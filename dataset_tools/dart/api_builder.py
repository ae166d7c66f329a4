"""What one parsed Dart file declares for an API index: its public classes, abstract classes, mixins,
enums and extension types (superclass, type parameters, constructors, static members), its top-level
functions and the members its extensions add.

``file_api(root, data)`` reads a tree-sitter-dart tree; ``index_of(files)`` makes one ``ApiIndex``
of many files. Harvest calls ``file_api`` on the tree it has already parsed, so only the top level
and class bodies are visited, and a member is tested on its first bytes before any of its nodes is
built (a constructor starts with ``const``, ``factory``, ``external`` or the class's name; a static
member with ``static``).

Rules:
- Private names (a leading ``_``) and declarations marked ``@visibleForTesting`` or ``@internal``
  are left out; so are a class's operators and instance members (checks need only what a call or a
  ``Class.member`` names).
- Constructors: unnamed (``""``) and named, generative, ``const``, ``factory``, redirecting and
  ``external`` ones. Parameters keep their order: positional ones (required, or optional inside
  ``[...]``) and named ones (inside ``{...}``, required when marked ``required``); ``this.x`` and
  ``super.x`` are parameters named ``x``. A parameter's type is its text as written ("" when not
  written, as in ``this.x``); a function-typed one ``void onTap(int x)`` reads ``void Function(int x)``.
- A concrete class (not abstract or sealed) that declares no constructor at all has the implicit
  unnamed one without parameters; one that declares only private constructors has none.
  An extension type's representation ``extension type Meters(int value)`` is its unnamed constructor.
- An enum has no constructors (they cannot be called); its values and ``values`` are static members.
- A mixin application ``class M = Base with Mixin;`` gets the constructors of ``Base`` when ``Base``
  is in the same index.
- Top-level functions (also ``external`` ones) with their parameters; top-level getters and
  variables are not recorded. Extension members: the names of the getters, setters and methods
  any extension adds (``context.colors``).
- In ``index_of`` a name declared twice keeps the first declaration (files in the order given).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field, replace
from typing import Iterable

from tree_sitter import Node

from .api import ApiIndex, DartClass, Parameter, Signature
from .parser import top_levels

BUILDER_VERSION = 1  # part of the key of every index built from source: bump when the rules change

HIDDEN_ANNOTATIONS = frozenset({b"@visibleForTesting", b"@internal"})
_UNDERSCORE = 0x5F
_CONSTRUCTORS = frozenset({"constructor_signature", "constant_constructor_signature",
                           "factory_constructor_signature", "redirecting_factory_constructor_signature"})
_MEMBER_SIGNATURES = frozenset({"getter_signature", "setter_signature", "function_signature"})
_PARAMETER_WRAPPERS = frozenset({"constructor_param", "super_formal_parameter"})
_NOT_TYPE = frozenset({"annotation", "covariant", "final_builtin", "required", "late", "comment"})  # before a type
# Bytes a class member may start with when it is a constructor or a static member.
_MEMBER_STARTS = (b"static", b"const", b"factory", b"external")
_IDENTIFIER = re.compile(rb"[A-Za-z_$][\w$]*")
_PLAIN_TYPE = re.compile(rb"[A-Za-z_$][\w$.]*(?:[<?,>][\w$.<?,>]*)?")  # a type's first token: no `@`, no `(`
_NOT_TYPE_WORDS = frozenset({b"covariant", b"final", b"required", b"late", b"var", b"const"})


@dataclass(slots=True, weakref_slot=True)
class FileApi:
    """What one file declares (its classes' ``library`` is filled in by ``index_of``)."""

    classes: list[DartClass] = field(default_factory=list)
    functions: list[Signature] = field(default_factory=list)
    extension_members: list[str] = field(default_factory=list)
    mixin_applications: list[DartClass] = field(default_factory=list)  # constructors come from the superclass
    private: bool = False  # private top-level names are kept (file_api(private=True))

    def hides(self, name: Node, data: bytes) -> bool:
        """Whether a top-level declaration's name is left out: a private one, unless kept."""
        return not self.private and data[name.start_byte] == _UNDERSCORE


def file_api(root: Node, data: bytes, private: bool = False) -> FileApi:
    """The public API declared at the top level of a parsed file (``root`` is the tree's root node);
    with ``private``, its private top-level classes, enums, mixins and functions too (the user's own
    files, where a widget may use the ``_Header`` declared beside it)."""
    out = FileApi(private=private)
    for parent in top_levels(root):
        hidden = False
        for node in parent.children:
            kind = node.type
            if kind == "annotation":
                hidden = hidden or data[node.start_byte:node.end_byte] in HIDDEN_ANNOTATIONS
                continue
            if kind == "comment" or kind == "documentation_comment":
                continue
            skip, hidden = hidden, False
            if skip:
                continue
            if kind == "class_definition":
                _add_class(node, data, out)
            elif kind == "function_signature":
                name = node.child_by_field_name("name")
                if name is not None and not out.hides(name, data):
                    plist = _child_of_type(node, "formal_parameter_list")
                    out.functions.append(Signature(_text(name, data), _parameters(plist, data) if plist else ()))
            elif kind == "enum_declaration":
                _add_enum(node, data, out)
            elif kind == "mixin_declaration":
                _add_mixin(node, data, out)
            elif kind == "extension_declaration":
                _add_extension_members(node, data, out)
            elif kind == "extension_type_declaration":
                _add_extension_type(node, data, out)
    return out


_IN_LIBRARY: dict[int, tuple[weakref.ref, str, list[DartClass], list[DartClass]]] = {}


def _in_library(api: FileApi, library: str) -> tuple[list[DartClass], list[DartClass]]:
    """``api``'s classes and mixin applications with ``library`` filled in; remembered while that
    ``FileApi`` object lives (a harvest again in one process indexes the cached files' APIs again)."""
    key = id(api)
    found = _IN_LIBRARY.get(key)
    if found is not None and found[0]() is api and found[1] == library:
        return found[2], found[3]
    own = [replace(c, library=library) for c in api.classes]
    mixed = [replace(c, library=library) for c in api.mixin_applications]
    _IN_LIBRARY[key] = (weakref.ref(api, lambda _, key=key: _IN_LIBRARY.pop(key, None)), library, own, mixed)
    return own, mixed


def index_of(files: Iterable[tuple[str, FileApi]], source: str = "", merge: bool = False) -> ApiIndex:
    """One index of ``(library, FileApi)`` pairs; the first declaration of a name wins, or, with
    ``merge``, a class declared again in another library is merged into it (``DartClass.merged``: a
    call that fits either declaration fits; the user's projects, where two files may each declare a
    ``SectionTitle`` or a private ``_Header``)."""
    classes: dict[str, DartClass] = {}
    functions: dict[str, Signature] = {}
    members: set[str] = set()
    applications: list[DartClass] = []
    for library, api in files:
        own, mixed = _in_library(api, library)
        for found in own:
            if found.name not in classes:
                classes[found.name] = found
            elif merge:
                classes[found.name] = classes[found.name].merged(found)
        for found in mixed:
            if found.name not in classes:
                applications.append(found)
                classes[found.name] = found
        for signature in api.functions:
            functions.setdefault(signature.name, signature)
        members.update(api.extension_members)
    for application in applications:
        base = classes.get(application.superclass or "")
        if base is not None and base.kind in ("class", "abstract class"):
            classes[application.name] = replace(application, constructors=dict(base.constructors))
    return ApiIndex(classes, functions, frozenset(members), source)


# --- declarations ----------------------------------------------------------------------------------
def _add_class(node: Node, data: bytes, out: FileApi) -> None:
    name = node.child_by_field_name("name")
    if name is None:
        application = _child_of_type(node, "mixin_application_class")
        if application is not None:
            _add_mixin_application(node, application, data, out)
        return
    if out.hides(name, data) or _hidden_annotation(node, data):
        return
    abstract = _child_of_type(node, "abstract") is not None or _child_of_type(node, "sealed") is not None
    kind = "abstract class" if abstract else "class"
    superclass = node.child_by_field_name("superclass")
    body = node.child_by_field_name("body")
    class_name = _text(name, data)
    constructors, statics, declared = _scan_body(body, data, class_name) if body is not None else ({}, set(), False)
    if not declared and not abstract:
        constructors[""] = Signature("")
    out.classes.append(DartClass(class_name, kind, _superclass(superclass, data) if superclass else None,
                                 _type_parameters(node, data), constructors, frozenset(statics)))


def _add_mixin_application(node: Node, application: Node, data: bytes, out: FileApi) -> None:
    name = _child_of_type(application, "identifier")
    mixed = _child_of_type(application, "mixin_application")
    if name is None or mixed is None or out.hides(name, data):
        return
    base = _child_of_type(mixed, "type_identifier")
    kind = "abstract class" if _child_of_type(node, "abstract") is not None else "class"
    out.mixin_applications.append(DartClass(_text(name, data), kind, _text(base, data) if base else None))


def _add_enum(node: Node, data: bytes, out: FileApi) -> None:
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    if name is None or body is None or out.hides(name, data):
        return
    statics = {"values"}
    for child in body.children:
        if child.type == "enum_constant":
            constant = child.child_by_field_name("name")
            if constant is not None:
                statics.add(_text(constant, data))
    _, more, _ = _scan_body(body, data, _text(name, data))  # an enhanced enum's static members
    out.classes.append(DartClass(_text(name, data), "enum", None, _type_parameters(node, data), {},
                                 frozenset(statics | more)))


def _add_mixin(node: Node, data: bytes, out: FileApi) -> None:
    name = _child_of_type(node, "identifier")
    body = _child_of_type(node, "class_body")
    if name is None or out.hides(name, data) or _hidden_annotation(node, data):
        return
    _, statics, _ = _scan_body(body, data, _text(name, data)) if body is not None else ({}, set(), False)
    out.classes.append(DartClass(_text(name, data), "mixin", None, _type_parameters(node, data), {},
                                 frozenset(statics)))


def _add_extension_type(node: Node, data: bytes, out: FileApi) -> None:
    name = node.child_by_field_name("name")
    if name is None or out.hides(name, data):
        return
    class_name = _text(name, data)
    body = node.child_by_field_name("body")
    constructors, statics, _ = _scan_body(body, data, class_name) if body is not None else ({}, set(), False)
    representation = node.child_by_field_name("representation")
    if representation is not None:
        field_name = representation.child_by_field_name("name")
        field_type = representation.child_by_field_name("type")
        if field_name is not None:
            constructors.setdefault("", Signature("", (Parameter(_text(field_name, data), required=True,
                                                                 type=_text(field_type, data) if field_type else ""),)))
    out.classes.append(DartClass(class_name, "extension type", None, _type_parameters(node, data), constructors,
                                 frozenset(statics)))


def _add_extension_members(node: Node, data: bytes, out: FileApi) -> None:
    body = node.child_by_field_name("body")
    if body is None:
        return
    for child in body.children:
        if child.type != "method_signature" or data.startswith(b"static", child.start_byte):
            continue
        signature = child.children[-1]
        if signature.type in _MEMBER_SIGNATURES:
            name = signature.child_by_field_name("name")
            if name is not None and data[name.start_byte] != _UNDERSCORE:
                out.extension_members.append(_text(name, data))


def _scan_body(body: Node, data: bytes, class_name: str) -> tuple[dict[str, Signature], set[str], bool]:
    """A class body's public constructors, its public static members, and whether it declares any
    constructor at all (a private one too). A member is looked at only when its first bytes say it
    may be one of these (instance members are most of a body)."""
    constructors: dict[str, Signature] = {}
    statics: set[str] = set()
    declared = False
    own = class_name.encode()
    starts = _MEMBER_STARTS + (own + b"(", own + b".")
    hidden = False
    for child in body.children:
        start = child.start_byte
        if not data.startswith(starts, start):
            first = data[start]
            if first == 0x40:  # "@": an annotation
                hidden = hidden or data[start:child.end_byte] in HIDDEN_ANNOTATIONS
            elif first != 0x2F:  # not a comment: an instance member, or what ends one
                hidden = False
            continue
        skip, hidden = hidden, False
        kind = child.type
        if kind != "declaration" and kind != "method_signature":
            continue
        head = child.child(0)
        head_kind = head.type
        if head_kind == "external" or head_kind == "const_builtin":  # external [static|const] …
            head = child.child(1)
            head_kind = head.type if head is not None else ""
            if head_kind == "const_builtin":
                head = child.child(2)
                head_kind = head.type if head is not None else ""
        if head_kind == "static":
            if not skip:
                statics.update(_static_names(child.children, data))
        elif head_kind in _CONSTRUCTORS:
            declared = True
            name, plist = _constructor_name(head, data)
            if name is not None and not skip and (not name or name[0] != "_"):
                constructors.setdefault(name, Signature(name, _parameters(plist, data) if plist else ()))
    return constructors, statics, declared


def _static_names(parts: list[Node], data: bytes) -> list[str]:
    """The names a ``static`` member declares: fields (one or several), a getter, setter or method."""
    names = []
    for part in parts[1:]:
        kind = part.type
        if kind in ("static_final_declaration_list", "initialized_identifier_list"):
            for item in part.children:
                if item.type in ("static_final_declaration", "initialized_identifier"):
                    names.append(item.children[0])
        elif kind in _MEMBER_SIGNATURES:
            name = part.child_by_field_name("name")
            if name is not None:
                names.append(name)
    return [_text(n, data) for n in names if n.type == "identifier" and data[n.start_byte] != _UNDERSCORE]


def _constructor_name(signature: Node, data: bytes) -> tuple[str | None, Node | None]:
    """(``""`` or the name after the dot, its parameter list); the name is None when unreadable."""
    idents, plist = [], None
    for part in signature.children:
        kind = part.type
        if kind == "identifier":
            idents.append(part)
        elif kind == "formal_parameter_list":
            plist = part
            break
    if not idents or len(idents) > 2:
        return None, plist
    return (_text(idents[1], data) if len(idents) == 2 else ""), plist


# --- parameters ------------------------------------------------------------------------------------
def _parameters(plist: Node, data: bytes) -> tuple[Parameter, ...]:
    """The parameters of a ``formal_parameter_list``, in order."""
    if plist.end_byte - plist.start_byte == 2:  # "()"
        return ()
    found: list[Parameter] = []
    for child in plist.children:
        kind = child.type
        if kind == "formal_parameter":
            parameter = _parameter(child, data, named=False, required=True)
            if parameter is not None:
                found.append(parameter)
        elif kind == "optional_formal_parameters":
            named = data[child.start_byte] == 0x7B  # "{"
            required = False
            for item in child.children:
                kind = item.type
                if kind == "required":
                    required = True
                elif kind == "formal_parameter":
                    parameter = _parameter(item, data, named, required)
                    if parameter is not None:
                        found.append(parameter)
                    required = False
    return tuple(found)


def _parameter(node: Node, data: bytes, named: bool, required: bool) -> Parameter | None:
    """One ``formal_parameter``: its name (``this.x``/``super.x``: ``x``) and its type as written."""
    simple = _simple_parameter(data[node.start_byte:node.end_byte])
    if simple is not None:
        return Parameter(simple[0], named, required, simple[1])
    name = function_params = None
    nullable = False
    type_start = type_end = node.start_byte
    typed_yet = False
    for part in node.children:
        kind = part.type
        if not typed_yet and kind not in _NOT_TYPE:
            type_start, typed_yet = part.start_byte, True
        if kind == "identifier":
            name, type_end = part, part.start_byte
        elif kind in _PARAMETER_WRAPPERS:  # `this.x`, `super.x`, with the type inside: `String this.x`
            inner = part.children
            name, type_end = inner[-1], part.start_byte
            if len(inner) > 3:
                typed_yet = False
                for item in inner:
                    item_kind = item.type
                    if item_kind == "this" or item_kind == "super":
                        type_end = item.start_byte
                        break
                    if not typed_yet and item_kind not in _NOT_TYPE:
                        type_start, typed_yet = item.start_byte, True
        elif kind == "formal_parameter_list" and name is not None:
            function_params = part
        elif kind == "nullable_type" and function_params is not None:
            nullable = True
    if name is None or name.type != "identifier":
        return None
    typed = data[type_start:type_end].decode("utf-8", "replace") if type_start < type_end else ""
    if function_params is not None:
        typed = f"{typed} Function{_text(function_params, data)}{'?' if nullable else ''}"
    return Parameter(_text(name, data), named, required, " ".join(typed.split()))


def _simple_parameter(text: bytes) -> tuple[str, str] | None:
    """``(name, type)`` of a parameter whose text (the span tree-sitter gives it) is ``this.x``,
    ``super.x`` or ``Type x`` with no annotation, modifier, comment or function-typed form — most
    parameters, read without building their nodes; None for any other."""
    tokens = text.split()
    last = tokens[-1] if tokens else b""
    if len(tokens) == 1:
        if last.startswith(b"this."):
            name = last[5:]
        elif last.startswith(b"super."):
            name = last[6:]
        else:
            return None
        return (name.decode(), "") if _IDENTIFIER.fullmatch(name) else None
    if not _IDENTIFIER.fullmatch(last) or not _PLAIN_TYPE.fullmatch(tokens[0]) or tokens[0] in _NOT_TYPE_WORDS \
            or b"/" in text or b"(" in text:
        return None
    return last.decode(), b" ".join(tokens[:-1]).decode("utf-8", "replace")


# --- small helpers ---------------------------------------------------------------------------------
def _text(node: Node, data: bytes) -> str:
    return data[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _child_of_type(node: Node, kind: str) -> Node | None:
    for child in node.children:
        if child.type == kind:
            return child
    return None


def _superclass(node: Node, data: bytes) -> str | None:
    """The last segment of the ``extends`` type (``p.StatelessWidget`` → StatelessWidget)."""
    name = None
    for child in node.children:
        kind = child.type
        if kind == "type_identifier":
            name = child
        elif kind == "mixins" or kind == "interfaces":
            break
    return _text(name, data) if name is not None else None


def _type_parameters(node: Node, data: bytes) -> tuple[str, ...]:
    found = _child_of_type(node, "type_parameters")
    if found is None:
        return ()
    names = []
    for parameter in found.children:
        if parameter.type == "type_parameter":
            name = _child_of_type(parameter, "type_identifier")
            if name is not None:
                names.append(_text(name, data))
    return tuple(names)


def _hidden_annotation(node: Node, data: bytes) -> bool:
    """A class or mixin whose own annotations (its first children) hide it."""
    for child in node.children:
        if child.type != "annotation":
            return False
        if data[child.start_byte:child.end_byte] in HIDDEN_ANNOTATIONS:
            return True
    return False
