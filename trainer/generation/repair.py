"""Mending a candidate whose fault a mechanical edit fixes, instead of decoding more candidates.

- ``drop_unbacked_params``: a small model often lists a parameter (``this.onTap``) that it never declares
  as a field and never uses. The class cannot compile (``fieldsForParams``); the parameter is deleted
  (with its ``required``, default value and comma) — only when nothing else in the code names it (else
  a field would be needed, and its type is unknown).
- ``give_state_class``: asked for a stateful widget, it often writes ``build`` in the
  ``StatefulWidget`` itself and no ``createState`` (``createsState``). Its methods move to a new
  ``State`` class (``_NameState``), the widget's fields read there as ``widget.x``, and the widget
  gets ``createState``; when a State class for it exists already, only ``createState`` is added.

``check_mended`` checks a candidate, and takes a mended version instead when it fixes the check it
aims at, still parses and fails nothing new; it says what it changed, so the user is told
(``Candidate.mended``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from dataset_tools.dart import parse

from .checks import CheckReport, check_widget
from .dart_tree import class_fields, member_names, superclass, text, walk

if TYPE_CHECKING:
    from dataset_tools.dart.api import ApiIndex

MAX_DROPS = 8
MENDABLE_STATEFUL = {"StatefulWidget": "State", "StatefulHookWidget": "State"}  # base → its State's base


def check_mended(code: str, expected_name: str | None = None,
                 api: ApiIndex | None = None) -> tuple[str, CheckReport, list[str]]:
    """``code`` and its check report (with ``resolves`` when ``api`` is given) — mended where a mend
    fixes a failed check — with what was mended ([] when nothing)."""
    report = check_widget(code, expected_name, api)
    mended_all: list[str] = []
    for check, mend in (("fieldsForParams", drop_unbacked_params), ("createsState", give_state_class)):
        if report.checks.get(check, True) or not report.checks.get("parses"):
            continue
        mended, what = mend(code)
        if not what:
            continue
        again = check_widget(mended, expected_name, api)
        if again.checks.get(check) and again.checks.get("parses") and set(again.failed) <= set(report.failed):
            code, report, mended_all = mended, again, mended_all + what
    return code, report, mended_all


def drop_unbacked_params(code: str) -> tuple[str, list[str]]:
    """``code`` without the ``this.x`` parameters that have no field and are named nowhere else,
    and their names."""
    dropped: list[str] = []
    data = code.encode("utf-8")
    for _ in range(MAX_DROPS):
        found = _unbacked_param(parse(data.decode("utf-8")).root_node)
        if found is None:
            break
        name, (start, end) = found
        data = data[:start] + data[end:]
        dropped.append(name)
    return data.decode("utf-8"), [f"dropped the constructor parameter this.{name} (no field {name})"
                                  for name in dropped]


def _unbacked_param(root: Node) -> tuple[str, tuple[int, int]] | None:
    """The first droppable parameter: its name and the byte span to delete."""
    for cls in (n for n in root.children if n.type == "class_definition"):
        body = cls.child_by_field_name("body")
        if body is None:
            continue
        fields = class_fields(body)
        for node in walk(body):
            if node.type != "constructor_param":
                continue
            ident = next((c for c in node.children if c.type == "identifier"), None)
            param = node.parent
            if ident is None or param is None or param.type != "formal_parameter":
                continue
            name = text(ident)
            if name in fields or _named_elsewhere(root, name, ident):
                continue
            return name, _span_to_delete(param)
    return None


def _named_elsewhere(root: Node, name: str, own: Node) -> bool:
    return any(n.type == "identifier" and text(n) == name and n.id != own.id for n in walk(root))


def _span_to_delete(param: Node) -> tuple[int, int]:
    """The bytes of ``param`` with its ``required`` and default value, and one comma next to it; the
    whole ``{…}``/``[…]`` group when it is the group's only parameter."""
    group = param.parent
    siblings = group.children
    first = last = _index_among_siblings(param)
    if first > 0 and siblings[first - 1].type == "required":
        first -= 1
    while last + 1 < len(siblings) and siblings[last + 1].type not in (",", "}", "]", ")"):
        last += 1  # "= default"
    params = [c for c in siblings if c.type == "formal_parameter"]
    if group.type == "optional_formal_parameters" and len(params) == 1:
        i = _index_among_siblings(group)
        return _with_comma(group.parent.children, i, i)
    return _with_comma(siblings, first, last)


def _index_among_siblings(node: Node) -> int:
    return next(k for k, c in enumerate(node.parent.children) if c.id == node.id)


def _with_comma(siblings: list[Node], first: int, last: int) -> tuple[int, int]:
    """From ``siblings[first]`` to ``siblings[last]`` with one comma: the one after them up to the next
    parameter, else the one before them (a trailing comma stays)."""
    start, end = siblings[first].start_byte, siblings[last].end_byte
    before = siblings[first - 1] if first > 0 else None
    after = siblings[last + 1] if last + 1 < len(siblings) else None
    following = siblings[last + 2] if last + 2 < len(siblings) else None
    if after is not None and after.type == "," and following is not None \
            and following.type not in (")", "}", "]"):
        return start, following.start_byte
    if before is not None and before.type == ",":
        return before.start_byte, end
    if after is not None and after.type == ",":
        return start, after.end_byte
    return start, end


def give_state_class(code: str) -> tuple[str, list[str]]:
    """``code`` with the first ``StatefulWidget`` that lacks ``createState`` given one (and its methods
    moved to a new State class, unless one exists), and what was done."""
    root = parse(code).root_node
    classes = [n for n in root.children if n.type == "class_definition"]
    for cls in classes:
        body = cls.child_by_field_name("body")
        state_base = MENDABLE_STATEFUL.get(superclass(cls) or "")
        if body is None or state_base is None or "createState" in member_names(body):
            continue
        name = text(cls.child_by_field_name("name"))
        existing = next((text(c.child_by_field_name("name")) for c in classes
                         if f"<{name}>" in text(c.child_by_field_name("superclass"))), None)
        data = code.encode("utf-8")
        state = existing or f"_{name.lstrip('_')}State"
        create = f"  @override\n  State<{name}> createState() => {state}();\n".encode()
        close = body.children[-1]
        if existing:
            head = data[:close.start_byte].rstrip()
            return (head + b"\n\n" + create + data[close.start_byte:]).decode("utf-8"), \
                [f"added createState to {name} (it had none)"]
        methods = _methods(body)
        if not any(text(sig.child_by_field_name("name")) == "build" for _, _, sig in methods):
            continue
        fields = class_fields(body)
        kept, moved, at = b"", [], cls.start_byte
        for start, end, _ in methods:
            line = data.rfind(b"\n", 0, start) + 1
            kept += data[at:line]
            moved.append(_as_widget_fields(data, line, end, fields, body))
            at = end + 1 if data[end:end + 1] == b"\n" else end
        if None in moved:
            return code, []
        kept = (kept + data[at:close.start_byte]).rstrip()
        widget = kept + b"\n\n" + create + b"}"
        state_class = (f"class {state} extends {state_base}<{name}> {{\n".encode()
                       + b"\n\n".join(m.rstrip(b"\n") for m in moved) + b"\n}")
        mended = data[:cls.start_byte] + widget + b"\n\n" + state_class + data[cls.end_byte:]
        return mended.decode("utf-8"), [f"moved {name}'s build into a new State class {state} (it had no createState)"]
    return code, []


def _methods(body: Node) -> list[tuple[int, int, Node]]:
    """Each method or getter with a body in a class body: (start byte with its annotations, end byte,
    its signature)."""
    found, annotations = [], []
    children = body.children
    for i, child in enumerate(children):
        if child.type == "annotation":
            annotations.append(child)
            continue
        if child.type == "method_signature" and i + 1 < len(children) and children[i + 1].type == "function_body":
            sig = next((c for c in child.children if c.type in ("function_signature", "getter_signature")), None)
            if sig is not None:
                found.append(((annotations[0] if annotations else child).start_byte, children[i + 1].end_byte, sig))
        if child.type != "function_body":
            annotations = []
    return found


def _as_widget_fields(data: bytes, start: int, end: int, fields: set[str], body: Node) -> bytes | None:
    """``data[start:end]`` with the widget's fields read through ``widget.`` (as a State reads them);
    None when a local variable or parameter there has a field's name (it would be read wrongly)."""
    edits = []
    nodes = [n for n in walk(body) if start <= n.start_byte and n.end_byte <= end]
    if any(_declares(n) and text(n) in fields for n in nodes):
        return None
    for node in nodes:
        prev = node.prev_sibling
        if node.type == "identifier" and text(node) in fields and (prev is None or prev.type != ".") \
                and node.parent.type not in ("label", "unconditional_assignable_selector",
                                             "conditional_assignable_selector"):
            edits.append((node.start_byte, node.start_byte, b"widget."))
        elif node.type == "this" and node.parent.type != "this":
            edits.append((node.start_byte, node.end_byte, b"widget"))
    out = data[start:end]
    for s, e, new in sorted(edits, reverse=True):
        out = out[:s - start] + new + out[e - start:]
    return out


def _declares(node: Node) -> bool:
    """Whether identifier ``node`` is the name of a local variable or parameter being declared."""
    if node.type != "identifier":
        return False
    parent, prev = node.parent.type, node.prev_sibling
    if parent in ("initialized_variable_definition", "for_loop_parts"):
        return prev is not None and prev.type not in ("=", "in")
    return parent == "formal_parameter" or (parent == "initialized_identifier" and prev is None)
