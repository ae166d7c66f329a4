"""What a Dart API declares, for checking calls: classes with their constructors and static members,
enums, extensions and top-level functions — Flutter's (the shipped index, or one built from the user's
Flutter SDK) and the user's own (built by harvest).

An ``ApiIndex`` answers "does ``Text`` have a named parameter ``style``", "does ``Icons.hom`` exist" and
"what must a call of ``Padding(...)`` pass". Names it does not hold are *unknown*, never wrong: a
package that is imported but not indexed may declare them. Indexes combine (``combined``): the user's
symbols over Flutter's. ``save``/``load`` write a compact gzipped JSON file.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Parameter:
    """One parameter of a constructor or function: ``named`` ones are passed as ``name: value``;
    ``required`` is a named parameter marked ``required`` or a positional one outside ``[...]``."""

    name: str
    named: bool = False
    required: bool = False
    type: str = ""  # as written; "" when not written (``this.x``, ``super.key``)


@dataclass(frozen=True)
class Signature:
    """The parameters of one constructor (``name`` "" for the unnamed one) or top-level function."""

    name: str = ""
    parameters: tuple[Parameter, ...] = ()

    @property
    def named(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parameters if p.named)

    @property
    def required_named(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parameters if p.named and p.required)

    @property
    def positional(self) -> tuple[int, int]:
        """(fewest, most) positional arguments a call may pass."""
        positional = [p for p in self.parameters if not p.named]
        return sum(1 for p in positional if p.required), len(positional)

    def call_problems(self, positional: int, named: Iterable[str]) -> list[str]:
        """What is wrong with a call passing ``positional`` positional arguments and these named ones
        (each problem a short phrase: "no parameter 'text'", "missing required 'child'", ...)."""
        named = list(named)
        problems = [f"no parameter '{name}'" for name in named if name not in self.named]
        problems += [f"missing required '{name}'" for name in sorted(self.required_named - set(named))]
        low, high = self.positional
        if not low <= positional <= high:
            expected = str(low) if low == high else f"{low}–{high}"
            problems.append(f"{positional} positional argument{'s' if positional != 1 else ''}, expected {expected}")
        return problems

    def merged(self, other: "Signature") -> "Signature":
        """A signature that accepts every call either accepts (two declarations of one name in different
        libraries: a call fits one of them): the named parameters of both, required only where both
        require them; positional parameters up to the longer list, required where both require them."""
        mine = [p for p in self.parameters if not p.named]
        theirs = [p for p in other.parameters if not p.named]
        longer = mine if len(mine) >= len(theirs) else theirs
        positional = [replace(p, required=i < len(mine) and i < len(theirs) and mine[i].required and theirs[i].required)
                      for i, p in enumerate(longer)]
        named_mine = {p.name: p for p in self.parameters if p.named}
        named_theirs = {p.name: p for p in other.parameters if p.named}
        named = [replace(p, required=p.required and name in named_theirs and named_theirs[name].required)
                 for name, p in named_mine.items()]
        named += [replace(p, required=False) for name, p in named_theirs.items() if name not in named_mine]
        return Signature(self.name, tuple(positional + named))


@dataclass(frozen=True)
class DartClass:
    """A public class, mixin, enum or extension type: what a call or ``extends`` can name."""

    name: str
    kind: str = "class"  # class | abstract class | mixin | enum | extension type
    superclass: str | None = None
    type_parameters: tuple[str, ...] = ()
    constructors: Mapping[str, Signature] = field(default_factory=dict)  # "" = unnamed; factories too
    static_members: frozenset[str] = frozenset()  # static fields, getters, methods; an enum's values
    library: str = ""  # where it is declared: "package:flutter/material.dart", or a file of the project

    def merged(self, other: "DartClass") -> "DartClass":
        """This class and another of the same name declared elsewhere as one: the constructors of both
        (one named alike in both accepts what either accepts), the static members of both (an enum's
        ``values`` too when the other is not one: a class and an enum named alike merge as a class)."""
        constructors = dict(self.constructors)
        for name, signature in other.constructors.items():
            constructors[name] = constructors[name].merged(signature) if name in constructors else signature
        statics = self.static_members | other.static_members
        if self.kind == other.kind:
            return replace(self, constructors=constructors, static_members=statics)
        statics |= {"values"} if "enum" in (self.kind, other.kind) else set()
        return replace(self, kind="class", constructors=constructors, static_members=statics)

    def constructor(self, name: str = "") -> Signature | None:
        return self.constructors.get(name)


class _Decoded(dict):
    """Classes by name, decoded from their JSON form the first time each is asked for (a loaded index
    holds thousands; a check asks for a few)."""

    def __init__(self, raw: Mapping[str, Mapping]) -> None:
        super().__init__()
        self.raw = dict(raw)

    def __missing__(self, name: str) -> DartClass:
        found = _class_from_json(self.raw[name])  # KeyError when not indexed
        self[name] = found
        return found

    def get(self, name, default=None):
        return self[name] if name in self else default

    def __contains__(self, name) -> bool:
        return dict.__contains__(self, name) or name in self.raw

    def __iter__(self):
        return iter(set(self.raw) | set(dict.keys(self)))

    def __len__(self) -> int:
        return len(set(self.raw) | set(dict.keys(self)))

    def keys(self):
        return list(iter(self))

    def values(self):
        return [self[name] for name in self]

    def items(self):
        return [(name, self[name]) for name in self]


@dataclass
class ApiIndex:
    """Classes and top-level functions by name, and extension members; ``source`` says what was indexed.

    ``unindexed`` names the libraries the indexed code imports that no index here holds (``dart:ffi``,
    ``package:url_launcher``, a generated ``lib/l10n.g.dart``); None when that is not known (an index
    built from a framework alone). When it is known and empty the index is ``closed``: a class it does
    not hold is one the code invented, not one a library left out declares."""

    classes: dict[str, DartClass] = field(default_factory=dict)
    functions: dict[str, Signature] = field(default_factory=dict)
    extension_members: frozenset[str] = frozenset()  # getters and methods extensions add (context.colors)
    source: str = ""
    unindexed: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self.classes) + len(self.functions)

    def find_class(self, name: str) -> DartClass | None:
        return self.classes.get(name)

    def has_static(self, owner: str, member: str) -> bool | None:
        """Whether ``owner.member`` exists (``Icons.home``); None when ``owner`` is not indexed."""
        found = self.classes.get(owner)
        return None if found is None else member in found.static_members

    @property
    def closed(self) -> bool:
        """Every library the indexed code imports is indexed (see the class docstring)."""
        return self.unindexed == ()

    @staticmethod
    def combined(*indexes: "ApiIndex", merge: bool = False) -> "ApiIndex":
        """One index of several; a name in a later one replaces the same name in an earlier one, or, with
        ``merge``, is merged with it (``DartClass.merged``, ``Signature.merged``: a call or member that
        fits either declaration fits — a package's ``Colors`` beside Flutter's). The libraries left
        unindexed are those any index says it left (None when none says)."""
        raw: dict[str, Mapping] = {}
        decoded: dict[str, DartClass] = {}
        functions: dict[str, Signature] = {}
        for index in indexes:
            for name, entry in _entries(index.classes):
                earlier = decoded.pop(name, None)
                earlier_raw = raw.pop(name, None)
                if merge and (earlier is not None or earlier_raw is not None):
                    first = earlier if earlier is not None else _class_from_json(earlier_raw)
                    entry = first.merged(entry if isinstance(entry, DartClass) else _class_from_json(entry))
                if isinstance(entry, DartClass):
                    decoded[name] = entry
                else:
                    raw[name] = entry
            for name, signature in index.functions.items():
                functions[name] = functions[name].merged(signature) if merge and name in functions else signature
        classes = _Decoded(raw)
        dict.update(classes, decoded)
        members = frozenset().union(*(index.extension_members for index in indexes))
        known = [index.unindexed for index in indexes if index.unindexed is not None]
        unindexed = tuple(sorted(set().union(*known))) if known else None
        return ApiIndex(classes, functions, members, " + ".join(i.source for i in indexes if i.source), unindexed)

    # --- the file ---------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {"format": FORMAT_VERSION, "source": self.source,
                "classes": [_class_json(self.classes[name]) for name in sorted(self.classes)],
                "functions": {name: _params_json(s) for name, s in sorted(self.functions.items())},
                "extension_members": sorted(self.extension_members),
                **({} if self.unindexed is None else {"unindexed": list(self.unindexed)})}

    @classmethod
    def from_json(cls, data: Mapping) -> "ApiIndex":
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"API index format {data.get('format')!r}, expected {FORMAT_VERSION}")
        classes = _Decoded({c["name"]: c for c in data.get("classes", [])})
        functions = {name: Signature(name, _params_from_json(p)) for name, p in data.get("functions", {}).items()}
        unindexed = data.get("unindexed")
        return cls(classes, functions, frozenset(data.get("extension_members", [])), data.get("source", ""),
                   None if unindexed is None else tuple(unindexed))

    def save(self, path: Path) -> None:
        """Write the index as gzipped JSON at ``path`` (the caller writes it into its own temp folder)."""
        text = json.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False)
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
            handle.write(text)

    @classmethod
    def load(cls, path: Path) -> "ApiIndex":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls.from_json(json.load(handle))


def _entries(classes: Mapping[str, DartClass]):
    """(name, JSON form or DartClass) of every class, without decoding what is not decoded yet."""
    if isinstance(classes, _Decoded):
        yield from classes.raw.items()
        yield from dict.items(classes)
    else:
        yield from classes.items()


# Compact JSON: a parameter is [name, flags, type] with flags "n" named, "r" required.
def _params_json(signature: Signature) -> list:
    return [[p.name, ("n" if p.named else "") + ("r" if p.required else ""), p.type] for p in signature.parameters]


def _params_from_json(items: list) -> tuple[Parameter, ...]:
    return tuple(Parameter(name, "n" in flags, "r" in flags, kind) for name, flags, kind in items)


def _class_json(c: DartClass) -> dict:
    data: dict = {"name": c.name}
    if c.kind != "class":
        data["kind"] = c.kind
    if c.superclass:
        data["extends"] = c.superclass
    if c.type_parameters:
        data["typeParameters"] = list(c.type_parameters)
    if c.constructors:
        data["constructors"] = {name: _params_json(s) for name, s in sorted(c.constructors.items())}
    if c.static_members:
        data["static"] = sorted(c.static_members)
    if c.library:
        data["library"] = c.library
    return data


def _class_from_json(data: Mapping) -> DartClass:
    constructors = {name: Signature(name, _params_from_json(p)) for name, p in data.get("constructors", {}).items()}
    return DartClass(data["name"], data.get("kind", "class"), data.get("extends"),
                     tuple(data.get("typeParameters", ())), constructors, frozenset(data.get("static", ())),
                     data.get("library", ""))
