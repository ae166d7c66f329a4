"""Pass 2 of the harvest: resolve superclass chains across a project and turn declarations into records.

Decisions:
- A class is a widget when its `extends` chain reaches a Flutter/Riverpod/hooks widget base.
  Directly → that base's kind; through one of the project's own classes → ``custom_widget``.
- A `State<X>` / `ConsumerState<X>` subclass (directly or through project classes) is folded into
  the sample of widget ``X`` (same file preferred, then anywhere in the project): output is
  the widget class, a blank line, then the state class. A lone State class is not a sample.
- `build` of a widget or State class is part of that widget's sample only. Every other
  Widget-returning method or getter (in any class, mixin or extension) is also a sample of its own
  (kind ``method``/``getter``); it lands in the same split as its class because splits group by file.
- A declaration whose own subtree has a syntax error is dropped and counted as ``syntax_error``.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from .extract import ClassDecl, FileDecls, FuncDecl
from .instructions import doc_to_instruction, synthesize
from .dart.vocabulary import STATE_BASES, WIDGET_BASES

MAX_CHAIN = 32


class Project:
    """All declarations of one project root, keyed for superclass lookups."""

    def __init__(self, name: str, files: dict[str, FileDecls]) -> None:
        self.name = name
        self.files = files
        self.by_name: dict[str, tuple[str, ClassDecl]] = {}
        self.local: dict[tuple[str, str], tuple[str, ClassDecl]] = {}
        for source, decls in files.items():
            for decl in decls.classes:
                entry = (source, decl)
                self.local.setdefault((source, decl.name), entry)
                self.by_name.setdefault(decl.name, entry)

    def lookup(self, name: str, source: str) -> tuple[str, ClassDecl] | None:
        """The class called ``name`` as seen from ``source``: same file first, then the project."""
        return self.local.get((source, name)) or self.by_name.get(name)

    def classify(self, decl: ClassDecl, source: str) -> str | None:
        """``stateless``…``hook_consumer``, ``custom_widget``, ``state`` or None (not a widget)."""
        name, direct, seen = decl.superclass, True, set()
        while name and len(seen) < MAX_CHAIN:
            if name in WIDGET_BASES:
                return WIDGET_BASES[name] if direct else "custom_widget"
            if name in STATE_BASES:
                return "state"
            entry = self.lookup(name, source)
            if entry is None or name in seen:
                return None
            seen.add(name)
            source, decl = entry
            name, direct = decl.superclass, False
        return None


def project_records(project: Project, skips: Counter) -> list[dict]:
    """Records (flat dicts, see ARCHITECTURE.md) for every sample of ``project``; counts syntax errors."""
    kinds = {(src, id(d)): project.classify(d, src)
             for src, decls in project.files.items() for d in decls.classes}
    states: dict[tuple[str, str], ClassDecl] = {}
    states_any: dict[str, ClassDecl] = {}
    for src, decls in project.files.items():
        for d in decls.classes:
            if kinds[(src, id(d))] == "state" and d.type_arg:
                states.setdefault((src, d.type_arg), d)
                states_any.setdefault(d.type_arg, d)

    records: list[dict] = []
    for src, decls in project.files.items():
        skips["syntax_error"] += decls.syntax_errors
        for d in decls.classes:
            kind = kinds[(src, id(d))]
            widget = kind not in (None, "state")
            if widget:
                state = states.get((src, d.name)) or states_any.get(d.name)
                if d.has_error or (state is not None and state.has_error):
                    skips["syntax_error"] += 1
                    continue
                records.append(_class_record(project.name, src, d, kind, state))
            for m in d.members:
                if m.name == "build" and kind is not None:
                    continue
                if d.has_error and widget:
                    continue
                if m.has_error:
                    skips["syntax_error"] += 1
                    continue
                records.append(_func_record(project.name, src, m, owner=d.name or None))
        for f in decls.functions:
            records.append(_func_record(project.name, src, f))
    return records


def _record(project: str, source: str, line: int, kind: str, name: str, output: str,
            doc: str, describe: Callable[[], str]) -> dict:
    """A record; ``describe`` synthesizes the instruction, called only when there is no usable doc."""
    instruction = doc_to_instruction(doc) if doc else ""
    origin = "doc"
    if not instruction:
        instruction, origin = describe(), "synthesized"
    return {
        "instruction": instruction, "input": "", "output": output, "source": source,
        "project": project, "line": line, "kind": kind, "name": name, "instruction_source": origin,
    }


_RECORDS: dict[tuple, dict] = {}  # a record by all it is made from: a harvest again in one process makes it once
RECORDS_MEMO = 16384


def _remembered(key: tuple, make: Callable[[], dict]) -> dict:
    """A copy of the record made for ``key`` before, or of a new one from ``make``."""
    found = _RECORDS.get(key)
    if found is None:
        if len(_RECORDS) >= RECORDS_MEMO:
            _RECORDS.clear()
        found = _RECORDS[key] = make()
    return dict(found)


def _class_record(project: str, source: str, d: ClassDecl, kind: str, state: ClassDecl | None) -> dict:
    key = (project, source, kind, d.line, d.name, d.superclass, tuple(d.params), d.text, d.doc,
           state.text if state else None, state.doc if state else None)
    return _remembered(key, lambda: _make_class_record(project, source, d, kind, state))


def _make_class_record(project: str, source: str, d: ClassDecl, kind: str, state: ClassDecl | None) -> dict:
    output = d.text if state is None else f"{d.text}\n\n{state.text}"

    def describe() -> str:
        build = next((m for m in d.members if m.name == "build"), None)
        if build is None and state is not None:
            build = next((m for m in state.members if m.name == "build"), None)
        return synthesize(kind, d.name, d.params, build.widgets if build else [],
                          base=d.superclass if kind == "custom_widget" else None)

    return _record(project, source, d.line, kind, d.name, output, d.doc or (state.doc if state else ""),
                   describe)


def _func_record(project: str, source: str, f: FuncDecl, owner: str | None = None) -> dict:
    key = (project, source, owner, f.line, f.kind, f.name, tuple(f.params), f.text, f.doc)
    name = f"{owner}.{f.name}" if owner else f.name
    return _remembered(key, lambda: _record(project, source, f.line, f.kind, name, f.text, f.doc,
                                            lambda: synthesize(f.kind, f.name, f.params, f.widgets, owner=owner)))
