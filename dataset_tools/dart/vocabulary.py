"""The widget base classes of Flutter, Riverpod and flutter_hooks: the one list every layer uses.

``WIDGET_BASES`` maps a base class to the sample kind of a class extending it directly;
``STATE_BASES`` are the State classes whose subclass belongs to a widget (``State<X>``);
``STATEFUL_BASES`` are the bases whose widget comes with a State class; ``WIDGET_RETURN_TYPES`` the
return types of Widget-building functions; ``is_widget_type`` what a type named like a widget is.
"""

from __future__ import annotations

WIDGET_BASES = {
    "StatelessWidget": "stateless",
    "StatefulWidget": "stateful",
    "ConsumerWidget": "consumer",
    "ConsumerStatefulWidget": "consumer_stateful",
    "HookWidget": "hook",
    "StatefulHookWidget": "hook",
    "HookConsumerWidget": "hook_consumer",
    "StatefulHookConsumerWidget": "hook_consumer",
}
STATE_BASES = frozenset({"State", "ConsumerState"})
# State-holding bases that are never widgets themselves (flutter_hooks' HookState belongs to a hook).
STATE_LIKE_BASES = STATE_BASES | {"HookState"}
STATEFUL_BASES = frozenset({"StatefulWidget", "ConsumerStatefulWidget", "StatefulHookWidget",
                            "StatefulHookConsumerWidget"})
WIDGET_RETURN_TYPES = frozenset({"Widget", "PreferredSizeWidget"})


def is_widget_type(name: str) -> bool:
    """A type that is (or is named like) a widget: a known base, or any ``…Widget`` (nullable too)."""
    name = name.rstrip("?")
    return name in WIDGET_BASES or name.endswith("Widget")
