"""What Flutter's widgets are, for every layer: the base classes of Flutter, Riverpod and flutter_hooks,
and which calls build a widget.

``WIDGET_BASES`` maps a base class to the sample kind of a class extending it directly;
``STATE_BASES`` are the State classes whose subclass belongs to a widget (``State<X>``);
``STATEFUL_BASES`` are the bases whose widget comes with a State class; ``WIDGET_RETURN_TYPES`` the
return types of Widget-building functions; ``is_widget_type`` what a type named like a widget is;
``NOT_WIDGETS``, ``STATIC_LOOKUPS`` and ``is_widget_call`` which capitalised calls build a widget (the
widgets a harvested sample composes, the evaluation's widget vocabulary).
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


# Value classes and helpers called like constructors (`EdgeInsets.all(8)`, `TextStyle(...)`,
# `Duration(...)`): capitalised calls that do not build a widget.
NOT_WIDGETS = frozenset("""
EdgeInsets EdgeInsetsDirectional TextStyle BorderRadius BorderRadiusDirectional Radius BoxDecoration
ShapeDecoration Border BorderSide RoundedRectangleBorder CircleBorder StadiumBorder
BeveledRectangleBorder ContinuousRectangleBorder OutlineInputBorder UnderlineInputBorder Color Colors
Duration Offset Size Key ValueKey ObjectKey GlobalKey UniqueKey PageStorageKey Icons Theme ThemeData
MediaQuery Navigator MaterialPageRoute CupertinoPageRoute PageRouteBuilder Uri DateTime List Map Set
String int double num bool Object TextEditingController ScrollController AnimationController
TabController PageController FocusNode Tween ColorTween CurvedAnimation BoxConstraints
LinearGradient RadialGradient SweepGradient BoxShadow Shadow Alignment AlignmentDirectional
FractionalOffset TextSpan WidgetSpan ButtonStyle InputDecoration NetworkImage AssetImage FileImage
MemoryImage ImageProvider DecorationImage Matrix4 Rect RRect FontWeight Curves ScaffoldMessenger
Future Stream StreamController Completer Timer Exception StateError ArgumentError Error
UnimplementedError FlutterError Localizations IconThemeData
TextTheme ColorScheme AppBarTheme SystemChrome HapticFeedback Clipboard ClipboardData
SliverGridDelegateWithFixedCrossAxisCount SliverGridDelegateWithMaxCrossAxisExtent
SliverChildBuilderDelegate SliverChildListDelegate Provider StateProvider StateNotifierProvider
FutureProvider StreamProvider ChangeNotifierProvider NotifierProvider AsyncValue Ref WidgetRef
GoRouter GoRoute RegExp Random StringBuffer Iterable
""".split())
# Named "constructors" that look something up or convert rather than build: `Scaffold.of(context)`.
STATIC_LOOKUPS = frozenset({"of", "maybeOf", "watch", "read", "select", "lerp", "fromJson", "parse", "tryParse"})


def is_widget_call(name: str, constructor: str | None = None) -> bool:
    """Whether the call ``name(`` (or ``name.constructor(``) builds a widget: a capitalised name that
    is not a value class or helper (``NOT_WIDGETS``), through a constructor that is no lookup."""
    return name not in NOT_WIDGETS and constructor not in STATIC_LOOKUPS
