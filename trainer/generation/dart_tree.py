"""Small readers of a tree-sitter-dart tree, shared by the checks, the repairs and the resolver: a
node's text, every node under one, a class's superclass, the fields and the member names of a class body."""

from __future__ import annotations

from tree_sitter import Node


def text(node: Node | None) -> str:
    """The node's source text ("" for None)."""
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def walk(node: Node):
    """``node`` and every node under it, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def superclass(cls: Node) -> str | None:
    """The name after ``extends`` in a class definition (without a prefix), or None."""
    sup = cls.child_by_field_name("superclass")
    if sup is None:
        return None
    names = [c for c in sup.children if c.type in ("type_identifier", "identifier")]
    return text(names[0]).split(".")[-1] if names else None


def class_fields(body: Node) -> set[str]:
    """The names of the fields a class body declares."""
    names = set()
    for decl in body.children:
        if decl.type != "declaration":
            continue
        for node in walk(decl):
            if node.type == "initialized_identifier":
                ident = next((c for c in node.children if c.type == "identifier"), None)
                names.add(text(ident))
            elif node.type == "identifier_list" or (node.type == "identifier" and node.parent is decl):
                names.add(text(node))
    return names


def member_names(body: Node) -> set[str]:
    """The names of a class body's methods and getters."""
    return {text(sig.child_by_field_name("name")) for member in body.children if member.type == "method_signature"
            for sig in member.children if sig.type in ("function_signature", "getter_signature")}
