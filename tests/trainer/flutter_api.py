"""A small hand-made Flutter-like API index for the tests of the ``resolves`` check: the classes the test
widgets use, with constructors as Flutter declares them (fewer parameters), enums and static members.

``FLUTTER`` is the index; tests import it with ``from tests.trainer.flutter_api import FLUTTER``.
"""

from __future__ import annotations

from dataset_tools.dart.api import ApiIndex, DartClass, Parameter, Signature


def named(*names: str, required: tuple[str, ...] = ()) -> tuple[Parameter, ...]:
    return tuple(Parameter(n, named=True, required=n in required) for n in names + required)


def positional(*names: str, optional: tuple[str, ...] = ()) -> tuple[Parameter, ...]:
    return tuple(Parameter(n, required=True) for n in names) + tuple(Parameter(n) for n in optional)


def cls(name: str, kind: str = "class", static: tuple[str, ...] = (), **constructors) -> DartClass:
    """A class; each keyword is a constructor ("unnamed" for the unnamed one) and its parameters."""
    return DartClass(name, kind, constructors={("" if k == "unnamed" else k): Signature("" if k == "unnamed" else k, p)
                                               for k, p in constructors.items()},
                     static_members=frozenset(static), library="package:flutter/material.dart")


CLASSES = [
    cls("Widget", "abstract class", unnamed=named("key")),
    cls("StatelessWidget", "abstract class", unnamed=named("key")),
    cls("StatefulWidget", "abstract class", unnamed=named("key")),
    cls("State", "abstract class", unnamed=()),
    cls("BuildContext", "abstract class"),
    cls("SingleTickerProviderStateMixin", "mixin"),
    cls("Text", unnamed=positional("data") + named("key", "style", "textAlign", "maxLines"),
        rich=positional("textSpan") + named("key", "style")),
    cls("TextSpan", unnamed=named("text", "style", "children")),
    cls("TextStyle", unnamed=named("color", "fontSize", "fontWeight")),
    cls("FontWeight", static=("bold", "normal", "w500", "w600")),
    cls("Container", unnamed=named("key", "color", "padding", "margin", "width", "height", "child")),
    cls("Padding", unnamed=named("key", "child", required=("padding",))),
    cls("Center", unnamed=named("key", "child")),
    cls("Card", unnamed=named("key", "color", "elevation", "child")),
    cls("Column", unnamed=named("key", "mainAxisAlignment", "mainAxisSize", "children")),
    cls("Row", unnamed=named("key", "mainAxisAlignment", "mainAxisSize", "children")),
    cls("SizedBox", unnamed=named("key", "width", "height", "child"), shrink=named("key", "child")),
    cls("Icon", unnamed=positional("icon") + named("key", "size", "color")),
    cls("Icons", static=("home", "star", "hiking", "terrain")),
    cls("Colors", static=("red", "blue", "grey", "white")),
    cls("MainAxisAlignment", "enum", static=("start", "end", "center", "spaceBetween")),
    cls("MainAxisSize", "enum", static=("min", "max")),
    cls("EdgeInsets", static=("zero",), all=positional("value"), symmetric=named("vertical", "horizontal"),
        only=named("left", "top", "right", "bottom"), fromLTRB=positional("left", "top", "right", "bottom")),
    cls("Theme", static=("of",), unnamed=named("key", required=("data", "child"))),
    cls("Navigator", static=("of", "push", "pop")),
    cls("MaterialPageRoute", unnamed=named("settings", required=("builder",))),
    cls("ValueListenableBuilder", unnamed=named("key", "child", required=("valueListenable", "builder"))),
    cls("TextButton", unnamed=named("key", "style", required=("onPressed", "child"))),
    cls("ElevatedButton", unnamed=named("key", "style", required=("onPressed", "child"))),
    cls("AnimationController", unnamed=named("duration", required=("vsync",))),
    cls("Duration", unnamed=named("milliseconds", "seconds")),
]
FLUTTER = ApiIndex({c.name: c for c in CLASSES}, source="tests")
