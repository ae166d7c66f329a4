"""What is under the cursor in a Dart document, from the tree-sitter-dart syntax tree.

``analyze(source, offset)`` finds, for one cursor position (a str offset):
- ``comment``: a ``//``/``///`` comment block that describes a widget and has no declaration
  directly under it (a doc comment on a class is not a request to generate one);
- ``widget``: the enclosing widget class (a ``State<W>`` class brings its widget ``W`` along)
  or, outside any widget class, the enclosing Widget-returning function, method or getter;
- ``expression``: the innermost widget-building expression in a ``build()`` method
  (a constructor call in a widget slot: the returned value, ``child:``, ``children: [...]``...).
All spans are str offsets into ``source``. Pure functions, no model: listing stays fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from dataset_tools.dart import parse
from dataset_tools.dart.vocabulary import STATE_BASES, is_widget_type

COMMENT_TYPES = ("comment", "documentation_comment")
SIGNATURE_TYPES = ("function_signature", "getter_signature")
WIDGET_SLOTS = frozenset({
    "child", "body", "title", "subtitle", "leading", "trailing", "appBar", "bottom", "floatingActionButton",
    "bottomNavigationBar", "bottomSheet", "drawer", "endDrawer", "content", "icon", "label", "header",
    "footer", "home", "flexibleSpace", "placeholder", "background", "secondary", "avatar", "prefix",
    "suffix", "prefixIcon", "suffixIcon", "hint", "error", "helper", "counter", "sliver", "activeIcon",
})
LIST_SLOTS = frozenset({"children", "actions", "slivers", "tabs", "persistentFooterButtons"})
NOT_A_DESCRIPTION = re.compile(r"^(todo|fixme|hack|xxx|ignore|ignore_for_file|coverage|dart|#|region|endregion"
                               r"|@|!|see |copyright|\(c\))", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class CommentBlock:
    """A describing comment: ``text`` without the markers; ``span`` covers all its lines."""

    text: str
    span: Span


@dataclass(frozen=True)
class WidgetDecl:
    """A widget class or Widget-returning function. ``span``: the code to rewrite (for a State
    class, its widget class too); ``doc_at``: where a doc comment goes; ``indent``: its column."""

    kind: str  # "class" | "function"
    name: str
    span: Span
    doc_at: int
    indent: str
    has_doc: bool


@dataclass(frozen=True)
class WidgetExpression:
    """A widget built in ``build()``: ``type_name`` (e.g. "Padding"), ``span``, and ``insert_at``
    (the end of the enclosing top-level declaration, where an extracted widget goes)."""

    type_name: str
    span: Span
    insert_at: int
    owner: str


@dataclass(frozen=True)
class DartContext:
    comment: CommentBlock | None = None
    widget: WidgetDecl | None = None
    expression: WidgetExpression | None = None


class _Offsets:
    """Converts tree-sitter byte offsets to str offsets of the same source."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.data = source.encode("utf-8")
        self.ascii = len(self.data) == len(source)

    def to_byte(self, offset: int) -> int:
        return offset if self.ascii else len(self.source[:offset].encode("utf-8"))

    def to_str(self, byte: int) -> int:
        return byte if self.ascii else len(self.data[:byte].decode("utf-8", errors="replace"))

    def span(self, start: Node, end: Node | None = None) -> Span:
        return Span(self.to_str(start.start_byte), self.to_str((end or start).end_byte))


def _text(node: Node) -> str:
    return node.text.decode("utf-8", errors="replace") if node.text is not None else ""


def _line_start(source: str, offset: int) -> int:
    return source.rfind("\n", 0, offset) + 1


# --- comments ---------------------------------------------------------------------------------
def comment_text(raw: str) -> str:
    lines = []
    for line in raw.splitlines():
        line = line.strip()
        line = re.sub(r"^(///?|/\*+|\*+/?)", "", line).strip()
        line = re.sub(r"\*+/$", "", line).strip()
        if line:
            lines.append(line)
    return " ".join(lines)


def _is_description(text: str) -> bool:
    if len(text.split()) < 3 or NOT_A_DESCRIPTION.match(text):
        return False
    stripped = text.rstrip()
    return not (stripped.endswith((";", "{", "}", ")", ",")) or "=>" in stripped)


def _comment_block(node: Node, offsets: _Offsets) -> CommentBlock | None:
    first = last = node
    while (prev := first.prev_sibling) is not None and prev.type in COMMENT_TYPES \
            and prev.end_point.row + 1 >= first.start_point.row:
        first = prev
    while (nxt := last.next_sibling) is not None and nxt.type in COMMENT_TYPES \
            and nxt.start_point.row <= last.end_point.row + 1:
        last = nxt
    following = last.next_sibling
    if following is not None and following.type not in ("}",) \
            and following.start_point.row <= last.end_point.row + 1:
        return None  # documents the declaration (or statement) right under it
    prev = first.prev_sibling
    if prev is not None and prev.end_point.row == first.start_point.row:
        return None  # a trailing comment on a line of code
    raw = offsets.data[first.start_byte:last.end_byte].decode("utf-8", errors="replace")
    text = comment_text(raw)
    if not _is_description(text):
        return None
    return CommentBlock(text, offsets.span(first, last))


# --- widget classes and functions -------------------------------------------------------------
def _superclass_name(cls: Node) -> str | None:
    for child in cls.children:
        if child.type == "superclass":
            for part in child.children:
                if part.type == "type_identifier":
                    return _text(part)
    return None


def _state_target(cls: Node) -> str | None:
    for child in cls.children:
        if child.type == "superclass":
            names = [c for c in child.children if c.type in ("type_identifier", "type_arguments")]
            if len(names) >= 2 and _text(names[0]) in STATE_BASES and names[1].type == "type_arguments":
                inner = [c for c in names[1].children if c.type == "type_identifier"]
                return _text(inner[0]) if inner else None
    return None


def _name(node: Node) -> str:
    for child in node.children:
        if child.type == "identifier":
            return _text(child)
    return ""


def _doc_anchor(first: Node) -> tuple[Node, bool]:
    """The first node of a declaration's annotations (where a doc comment goes) and whether it has one."""
    anchor = first
    while (prev := anchor.prev_sibling) is not None and prev.type == "annotation":
        anchor = prev
    prev = anchor.prev_sibling
    has_doc = prev is not None and prev.type == "documentation_comment" \
        and prev.end_point.row + 1 >= anchor.start_point.row
    return anchor, has_doc


def _decl(kind: str, name: str, first: Node, last: Node, offsets: _Offsets, doc_node: Node | None = None) -> WidgetDecl:
    anchor, has_doc = _doc_anchor(doc_node or first)
    doc_at = _line_start(offsets.source, offsets.to_str(anchor.start_byte))
    indent = " " * anchor.start_point.column
    return WidgetDecl(kind, name, offsets.span(first, last), doc_at, indent, has_doc)


def _widget_class(node: Node, offsets: _Offsets) -> WidgetDecl | None:
    for cls in _ancestors(node, "class_definition"):
        base = _superclass_name(cls)
        if base and is_widget_type(base):
            return _decl("class", _name(cls), cls, cls, offsets)
        target = _state_target(cls)
        if target:
            widget = _top_level_class(cls, target)
            if widget is not None:
                first, last = (widget, cls) if widget.start_byte < cls.start_byte else (cls, widget)
                return _decl("class", target, first, last, offsets, doc_node=widget)
            return _decl("class", _name(cls), cls, cls, offsets)
    return None


def _top_level_class(cls: Node, name: str) -> Node | None:
    parent = cls.parent
    if parent is None:
        return None
    for sibling in parent.children:
        if sibling.type == "class_definition" and _name(sibling) == name:
            return sibling
    return None


def _signature_of(node: Node) -> tuple[Node, Node] | None:
    """(signature, body) when ``node`` is a function/method/getter signature or body."""
    if node.type == "function_body":
        sig = node.prev_sibling
        if sig is not None and sig.type == "method_signature":
            inner = [c for c in sig.children if c.type in SIGNATURE_TYPES]
            return (sig, node) if inner else None
        if sig is not None and sig.type in SIGNATURE_TYPES:
            return sig, node
        return None
    if node.type in SIGNATURE_TYPES or node.type == "method_signature":
        outer = node.parent if node.parent is not None and node.parent.type == "method_signature" else node
        body = outer.next_sibling
        if body is not None and body.type == "function_body":
            return outer, body
    return None


def _return_type_and_name(sig: Node) -> tuple[str, str]:
    inner = sig
    if sig.type == "method_signature":
        parts = [c for c in sig.children if c.type in SIGNATURE_TYPES]
        inner = parts[0] if parts else sig
    name = _name(inner)
    type_text = ""
    for child in inner.children:
        if child.type == "identifier" or child.type == "get":
            break
        type_text += _text(child)
    return type_text.replace(" ", ""), name


def _widget_function(node: Node, offsets: _Offsets) -> WidgetDecl | None:
    current: Node | None = node
    while current is not None:
        pair = _signature_of(current)
        if pair is not None:
            sig, body = pair
            return_type, name = _return_type_and_name(sig)
            if is_widget_type(return_type):
                return _decl("function", name, sig, body, offsets)
        current = current.parent
    return None


# --- widget-building expressions in build() ---------------------------------------------------
def _ancestors(node: Node, type_name: str | None = None):
    current: Node | None = node
    while current is not None:
        if type_name is None or current.type == type_name:
            yield current
        current = current.parent


def _build_body(node: Node) -> Node | None:
    for body in _ancestors(node, "function_body"):
        pair = _signature_of(body)
        if pair is None:
            continue
        _, name = _return_type_and_name(pair[0])
        if name == "build" and pair[0].type == "method_signature":
            return body
    return None


def _slot_ok(container: Node, build_body: Node) -> bool:
    kind = container.type
    if kind in ("function_body", "return_statement", "function_expression_body"):
        return True
    if kind == "named_argument":
        label = container.child(0)
        return label is not None and _name(label) in WIDGET_SLOTS
    if kind == "list_literal":
        parent = container.parent
        if parent is not None and parent.type == "named_argument":
            label = parent.child(0)
            return label is not None and _name(label) in LIST_SLOTS
    return False


def _candidates(container: Node):
    """(type name, first node, last node) for each constructor call directly inside ``container``."""
    children = container.children
    i = 0
    while i < len(children):
        child = children[i]
        if child.type in ("const_object_expression", "new_expression"):
            types_ = [c for c in child.children if c.type == "type_identifier"]
            if types_ and _text(types_[0])[:1].isupper():
                yield _text(types_[0]), child, child
        elif child.type == "identifier" and _text(child)[:1].isupper():
            j = i + 1
            while j < len(children) and children[j].type == "selector":
                j += 1
            run = children[i + 1:j]
            if run and run[-1].child(0) is not None and run[-1].child(0).type == "argument_part":
                yield _text(child), child, run[-1]
            i = j - 1
        i += 1


def _widget_expression(node: Node, offsets: _Offsets, byte: int) -> WidgetExpression | None:
    body = _build_body(node)
    if body is None:
        return None
    top = body
    while top.parent is not None and top.parent.type != "program":
        top = top.parent
    owner_cls = next(_ancestors(body, "class_definition"), None)
    owner = _name(owner_cls) if owner_cls is not None else ""
    for container in _ancestors(node):
        if container.start_byte < body.start_byte:
            break
        if not _slot_ok(container, body):
            continue
        for type_name, first, last in _candidates(container):
            if first.start_byte <= byte <= last.end_byte:
                return WidgetExpression(type_name, offsets.span(first, last), offsets.to_str(top.end_byte), owner)
    return None


# --- entry point --------------------------------------------------------------------------------
def analyze(source: str, offset: int) -> DartContext:
    """Everything the code actions need to know about the cursor at str ``offset``."""
    offsets = _Offsets(source)
    byte = offsets.to_byte(max(0, min(offset, len(source))))
    tree = parse(offsets.data)
    node = tree.root_node.descendant_for_byte_range(byte, byte)
    if node is None:
        return DartContext()
    comment = None
    # At the very end of a comment line (where the cursor sits after typing it) the node at the
    # cursor is whatever follows, so the byte just before the cursor is looked at too.
    before = tree.root_node.descendant_for_byte_range(byte - 1, byte - 1) if byte > 0 else None
    for candidate in (node, node.parent, before):
        if candidate is not None and candidate.type in COMMENT_TYPES:
            comment = _comment_block(candidate, offsets)
            break
    if comment is not None:
        return DartContext(comment=comment)
    widget = _widget_class(node, offsets) or _widget_function(node, offsets)
    expression = _widget_expression(node, offsets, byte)
    return DartContext(widget=widget, expression=expression)
