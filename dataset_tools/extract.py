"""Pull declarations out of one parsed Dart file: classes with a superclass and Widget-returning code.

This is pass 1 of the harvest and needs only the file itself, so it runs in worker processes; the
same tree gives the file's API, its private top-level names too (``dart.api_builder.file_api``: the
user's symbols).
Whether a class is a widget depends on the whole project's superclass chains, which
:mod:`dataset_tools.classify` resolves in pass 2 from the :class:`FileDecls` collected here.

Speed (the harvest must cost little more than parsing): only the top level and
class/extension/mixin bodies are visited in Python, a few children each. The widgets a body
composes are listed on demand (only undocumented samples need them) by a lexical scan of the
declaration's text (constructor calls `Name(`, `Name.named(`, `Name<T>(`, string literals and
comments skipped): a tree-sitter query over every body cost ~25% of the parse time, the scan ~5%.
Tree-sitter still decides what a declaration, a body, a parameter and a doc comment are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from .dart import parse
from .dart.api_builder import FileApi, file_api
from .dart.directives import directive_uris, export_uris
from .dart.parser import top_levels
from .dart.vocabulary import WIDGET_RETURN_TYPES, is_widget_call

WIDGET_TYPES = frozenset(t.encode() for t in WIDGET_RETURN_TYPES)  # as bytes: tested before nodes are built
BODY_TYPES = frozenset({"class_body", "extension_body"})
CONTAINER_TYPES = frozenset({"class_definition", "mixin_declaration", "extension_declaration"})
CONSTRUCTOR_TYPES = frozenset({"constructor_signature", "constant_constructor_signature"})
# Parameter lists that name nothing (BuildContext parameters are left out), recognised by their bytes.
_NO_NAMES = frozenset({b"()", b"(BuildContext context)", b"(BuildContext ctx)"})

# Constructor calls `Foo(`, `Foo.named(`, `Foo<T>(` (so also `const Foo(`, `new Foo(`). Each match
# first skips a run of uninteresting characters, then consumes a string literal, a comment, a call
# (group 1), a capitalised name that is not a call (whole, so one match per name rather than one per
# capital: capitals inside a name never start a call) or one character; only group 1 is kept.
# Twice as fast as a plain alternation.
_CALLS = re.compile(r"""[^'"/A-Z]*(?:'[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|//[^\n]*"""
                    r"""|/\*.*?\*/|(?<!\w)([A-Z]\w*)(?:\.([a-z]\w*))?(?:<[\w<>?, ]*>)?\(|[A-Z]\w*|.)""", re.S)


@dataclass(slots=True)
class FuncDecl:
    """A function, method or getter whose return type is Widget (or PreferredSizeWidget)."""

    name: str
    kind: str  # "function" | "method" | "getter"
    line: int  # 1-based line of its first annotation or signature
    text: str  # annotations + signature + body
    doc: str  # the raw doc comment ("" when none)
    params: list[str]
    has_error: bool

    @property
    def widgets(self) -> list[str]:
        """Distinct constructor calls in its code, in order of appearance (computed on demand:
        only samples without a doc comment need them)."""
        return composed_widgets(self.text)


@dataclass(slots=True)
class ClassDecl:
    """A class (or mixin/extension holding Widget-returning members) as pass 2 needs it."""

    name: str
    superclass: str | None  # last segment of the `extends` type (`p.StatelessWidget` → StatelessWidget)
    type_arg: str | None  # first type argument of the superclass (`State<Counter>` → Counter)
    line: int
    text: str  # the whole declaration ("" for classes without a superclass: never widgets)
    doc: str
    params: list[str]  # parameter names of its (first unnamed) constructor
    has_error: bool
    members: list[FuncDecl] = field(default_factory=list)  # Widget-returning members, `build` included


@dataclass
class FileDecls:
    """Everything pass 2 needs from one file, and the public API it declares (the user's symbols)."""

    classes: list[ClassDecl] = field(default_factory=list)
    functions: list[FuncDecl] = field(default_factory=list)
    syntax_errors: int = 0  # Widget-returning functions dropped because their subtree has errors
    api: FileApi | None = None
    uris: tuple[str, ...] = ()  # what its import, export and part directives name (a package's: its exports)


def extract_source(data: bytes) -> FileDecls:
    """Parse cleaned UTF-8 bytes and extract their declarations and their API from the one tree."""
    root = parse(data).root_node
    decls = extract_tree(root, data)
    decls.api = file_api(root, data, private=True)
    decls.uris = directive_uris(data)
    return decls


def extract_api(data: bytes) -> FileDecls:
    """Only the API and directives of a file that gives no records (a generated one): no declarations."""
    return FileDecls(api=file_api(parse(data).root_node, data, private=True), uris=directive_uris(data))


def extract_package_api(data: bytes) -> FileDecls:
    """The public API of a package's file and the URIs it exports: no declarations (a package's generated
    files count too: their public names are its API)."""
    return FileDecls(api=file_api(parse(data).root_node, data), uris=export_uris(data))


def extract_tree(root: Node, data: bytes) -> FileDecls:
    out = FileDecls()
    for parent in top_levels(root):
        children = parent.children
        for i, node in enumerate(children):
            kind = node.type
            if kind in CONTAINER_TYPES:
                decl = _class_decl(node, data, children, i)
                if decl is not None:
                    out.classes.append(decl)  # errors are counted in pass 2, once we know it is a widget
            elif kind == "function_signature" or kind == "getter_signature":
                func = _function(node, children, i, data, "getter" if kind == "getter_signature" else "function")
                if func is not None:
                    if func.has_error:
                        out.syntax_errors += 1
                    else:
                        out.functions.append(func)
            elif kind == "class" and parent.type == "ERROR":
                broken = _broken_class(children, i, data)
                if broken is not None:
                    out.classes.append(broken)
    return out


def _text(node: Node, data: bytes) -> str:
    return data[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _doc_and_start(siblings: list[Node], i: int, data: bytes) -> tuple[str, Node]:
    """The doc comment before ``siblings[i]`` (skipping annotations) and the first annotation node."""
    first = siblings[i]
    docs: list[str] = []
    j = i - 1
    while j >= 0:
        prev = siblings[j]
        t = prev.type
        if t == "annotation":
            if not docs:
                first = prev
        elif t == "documentation_comment":
            docs.append(data[prev.start_byte:prev.end_byte].decode("utf-8", "replace"))
        elif t != "comment":
            break
        j -= 1
    if not docs:
        return "", first
    return "\n".join(reversed(docs)), first


def _class_decl(node: Node, data: bytes, siblings: list[Node], i: int) -> ClassDecl | None:
    name_node = None  # the first identifier child (annotations keep theirs inside)
    superclass = type_arg = None
    body = None
    for child in node.children:
        t = child.type
        if t == "identifier":
            if name_node is None:
                name_node = child
        elif t == "superclass":
            superclass, type_arg = _superclass(child, data)
        elif t in BODY_TYPES:
            body = child
    if body is None:
        return None
    members, params = _scan_body(body, data, superclass is not None)
    if superclass is None and not members:
        return None
    doc, _ = _doc_and_start(siblings, i, data)
    return ClassDecl(
        name=_text(name_node, data) if name_node is not None else "", superclass=superclass,
        type_arg=type_arg, line=node.start_point[0] + 1, text=_text(node, data) if superclass else "",
        doc=doc, params=params, has_error=node.has_error, members=members,
    )


def _broken_class(siblings: list[Node], i: int, data: bytes) -> ClassDecl | None:
    """A class the parser gave up on: a loose `class` keyword, its name and maybe its superclass.

    Recorded with ``has_error`` so pass 2 can count it (and its State/widget partner) as
    ``syntax_error`` when it turns out to be a widget.
    """
    if i + 1 >= len(siblings) or siblings[i + 1].type != "identifier":
        return None
    superclass = type_arg = None
    if i + 2 < len(siblings) and siblings[i + 2].type == "superclass":
        superclass, type_arg = _superclass(siblings[i + 2], data)
    return ClassDecl(name=_text(siblings[i + 1], data), superclass=superclass, type_arg=type_arg,
                     line=siblings[i].start_point[0] + 1, text="", doc="", params=[], has_error=True)


def _superclass(node: Node, data: bytes) -> tuple[str | None, str | None]:
    name = type_arg = None
    for child in node.children:
        t = child.type
        if t == "type_identifier":
            name = data[child.start_byte:child.end_byte].decode("utf-8", "replace")  # last wins: `p.Base`
        elif t == "type_arguments":
            if type_arg is None:
                for arg in child.named_children:
                    if arg.type == "type_identifier":
                        type_arg = _text(arg, data)
                        break
        elif t == "mixins" or t == "interfaces":
            break
    return name, type_arg


def _scan_body(body: Node, data: bytes, want_params: bool) -> tuple[list[FuncDecl], list[str]]:
    """One pass over a class body: its Widget-returning members and its constructor's parameters."""
    children = body.children
    members: list[FuncDecl] = []
    params: list[str] | None = None
    fallback: list[str] | None = None
    for i, child in enumerate(children):
        t = child.type
        if t == "method_signature":
            # Cheap byte test first: a Widget-returning member names Widget in its signature.
            if data.find(b"Widget", child.start_byte, child.end_byte) < 0:
                continue
            sig = child.children[-1]
            st = sig.type
            if st == "function_signature" or st == "getter_signature":
                func = _function(sig, children, i, data, "getter" if st == "getter_signature" else "method", child)
                if func is not None:
                    members.append(func)
        elif t == "declaration" and want_params and params is None:
            sig = child.child(0)
            if sig.type in CONSTRUCTOR_TYPES:
                names = _constructor_params(sig, data)
                if names is not None:
                    if names[0]:  # the unnamed constructor wins
                        params = names[1]
                    elif fallback is None:
                        fallback = names[1]
    return members, params if params is not None else (fallback or [])


def _constructor_params(sig: Node, data: bytes) -> tuple[bool, list[str]] | None:
    """``(is_unnamed, parameter names without key)`` of a constructor signature."""
    idents = 0
    plist = None
    for c in sig.children:
        t = c.type
        if t == "identifier":
            idents += 1
        elif t == "formal_parameter_list":
            plist = c
    if plist is None:
        return None
    return idents == 1, [p for p in _param_names(plist, data) if p != "key"]


def _widget_signature(sig: Node, data: bytes) -> list[Node] | None:
    """The children of a function/getter signature whose return type is exactly
    Widget/PreferredSizeWidget(?), else None. Tested on the source bytes before any node is built."""
    start = sig.start_byte  # == the start of its first child
    if not (data.startswith(b"Widget", start) or data.startswith(b"PreferredSizeWidget", start)):
        return None
    kids = sig.children
    first = kids[0]
    if first.type != "type_identifier" or data[start:first.end_byte] not in WIDGET_TYPES:
        return None
    n = 1
    if len(kids) > n and kids[n].type == "nullable_type":
        n += 1
    if len(kids) > n and kids[n].type in ("identifier", "get"):
        return kids
    return None


def _function(sig: Node, siblings: list[Node], i: int, data: bytes, kind: str,
              outer: Node | None = None) -> FuncDecl | None:
    """A Widget-returning function/method/getter whose body is ``siblings[i + 1]``, else None."""
    if i + 1 >= len(siblings):
        return None
    kids = _widget_signature(sig, data)
    if kids is None:
        return None
    body = siblings[i + 1]
    if body.type != "function_body":
        return None  # abstract or broken
    name_node = sig.child_by_field_name("name")
    if name_node is None:
        return None
    doc, first = _doc_and_start(siblings, i, data)
    params_node = kids[-1]  # getters have none
    head = outer if outer is not None else sig
    return FuncDecl(
        name=_text(name_node, data), kind=kind, line=first.start_point[0] + 1,
        text=data[first.start_byte:body.end_byte].decode("utf-8", "replace"), doc=doc,
        params=_param_names(params_node, data) if params_node.type == "formal_parameter_list" else [],
        has_error=head.has_error or body.has_error,
    )


def _param_names(plist: Node, data: bytes) -> list[str]:
    """Names of the parameters in a ``formal_parameter_list``; BuildContext ones left out."""
    if data[plist.start_byte:plist.end_byte] in _NO_NAMES:  # `build(BuildContext context)`: no node needed
        return []
    names = []
    for child in plist.named_children:
        group = child.named_children if child.type == "optional_formal_parameters" else (child,)
        for param in group:
            if param.type != "formal_parameter":
                continue
            # The name is the last child: `Type name`, `this.name`, `super.name`, `void Function() name`.
            last = param.child(param.child_count - 1)
            t = last.type
            if t == "constructor_param" or t == "super_formal_parameter":
                last = last.child(last.child_count - 1)
                t = last.type
            if t != "identifier":
                continue
            start = param.start_byte  # == the start of its first child
            if data.startswith(b"BuildContext", start):
                first = param.child(0)
                if first.type == "type_identifier" and first.end_byte - start == 12:
                    continue
            names.append(data[last.start_byte:last.end_byte].decode())
    return names


def composed_widgets(code: str) -> list[str]:
    """Distinct capitalised constructor calls in ``code`` that build widgets (``is_widget_call``), in order."""
    seen: dict[str, None] = {}
    for name, constructor in _CALLS.findall(code):
        if name and is_widget_call(name, constructor or None):
            seen[name] = None
    return list(seen)
