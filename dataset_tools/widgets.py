"""The widget base classes of Flutter, Riverpod and flutter_hooks: the one list every layer uses.

``WIDGET_BASES`` maps a base class to the sample kind of a class extending it directly;
``STATE_BASES`` are the State classes whose subclass belongs to a widget (``State<X>``);
``STATEFUL_BASES`` are the bases whose widget comes with a State class.
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
STATEFUL_BASES = frozenset({"StatefulWidget", "ConsumerStatefulWidget", "StatefulHookWidget",
                            "StatefulHookConsumerWidget"})
