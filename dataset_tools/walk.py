"""Walk project roots and list the Dart files worth harvesting, counting every skip by reason.

Skip reasons counted here (folders count once, not per file inside): ``build_dir``,
``dart_tool``, ``hidden``, ``test`` (``test/``, ``integration_test/``, ``test_driver/``,
``*_test.dart``), ``generated_suffix`` (``*.g.dart``, ``*.freezed.dart``, ...: not harvested, but
listed in ``generated`` for the user's symbols),
``symlink_loop`` (a folder already walked, reached again through a symlink), ``duplicate``
(a symlinked file already listed under its real path), ``symlink_outside`` (a link whose target
lies outside every folder given to the harvest; followed only with ``follow_external_symlinks``),
``unreadable`` (cannot list/stat). Plain entries are walked before symlinks, so the real path always
wins. Past ``max_files`` candidate files the walk stops with a FlutterTuneError (a home folder or a
disk root given by mistake).
The size cap and the generated *header* check need the file's bytes, so they live in
:mod:`dataset_tools.source`.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FlutterTuneError

GENERATED_SUFFIXES = (".g", ".freezed", ".gr", ".mocks", ".gen", ".config", ".mapper")
TEST_DIRS = frozenset({"test", "integration_test", "test_driver"})


@dataclass
class Candidate:
    """A Dart file to read: its absolute path and its path relative to the project root (posix)."""

    path: str
    rel: str


@dataclass
class WalkResult:
    """The candidate files of one root and the skip counts by reason."""

    root: Path
    candidates: list[Candidate] = field(default_factory=list)
    skips: Counter = field(default_factory=Counter)
    generated: list[Candidate] = field(default_factory=list)  # generated_suffix files: their API is the project's


def file_skip_reason(name: str) -> str | None:
    """Why a ``.dart`` file name alone rules it out (generated or test), or None."""
    stem = name[:-5]  # drop ".dart"
    if stem.endswith("_test"):
        return "test"
    dot = stem.rfind(".")
    if dot >= 0 and stem[dot:] in GENERATED_SUFFIXES:
        return "generated_suffix"
    return None


def dir_skip_reason(name: str) -> str | None:
    """Why a folder is not walked, or None."""
    if name == "build":
        return "build_dir"
    if name == ".dart_tool":
        return "dart_tool"
    if name.startswith("."):
        return "hidden"
    if name in TEST_DIRS:
        return "test"
    return None


@dataclass(frozen=True)
class WalkLimits:
    """Where symlinks may lead (``inside``: real paths of the folders given) and how much to read."""

    inside: tuple[str, ...] = ()  # empty: only the root being walked
    follow_external_symlinks: bool = False
    max_files: int | None = None  # candidate files over all roots; None: no limit


def _within(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def too_many_files_message(root: Path, max_files: int) -> str:
    return (f"More than {max_files} Dart files under {root}: stopped reading. Pass the root of a Flutter "
            "project (not a home or disk folder), or raise the limit (--max-files / harvest setting).")


def walk(root: Path, limits: WalkLimits = WalkLimits(), already: int = 0) -> WalkResult:
    """List the ``.dart`` files under ``root`` (a folder or a single file), sorted by relative path.

    ``already`` counts candidates found under earlier roots (for ``limits.max_files``).
    """
    root = Path(root)
    result = WalkResult(root)
    inside = limits.inside or (os.path.realpath(root),)
    if root.is_file():
        result.candidates.append(Candidate(str(root), root.name))
        return result
    try:
        top = os.stat(root)
    except OSError:
        result.skips["unreadable"] += 1
        return result
    # Folders and files are identified by (device, inode): free from scandir for plain entries,
    # one stat for symlinks. Plain entries are walked first and symlinks last, so a file or
    # folder reached twice keeps its real path and the link is counted as a skip.
    seen_dirs: set[tuple[int, int]] = {(top.st_dev, top.st_ino)}
    seen_files: set[tuple[int, int]] = set()
    stack = [(str(root), "", top.st_dev)]
    links: list[tuple[str, str, tuple[int, int]]] = []  # symlinked folders
    file_links: list[tuple[str, str, tuple[int, int]]] = []  # symlinked files
    while stack or links:
        if stack:
            folder, rel, dev = stack.pop()
        else:
            folder, rel, identity = links.pop()
            if identity in seen_dirs:
                result.skips["symlink_loop"] += 1
                continue
            seen_dirs.add(identity)
            dev = identity[0]
        try:
            entries = list(os.scandir(folder))
        except OSError:
            result.skips["unreadable"] += 1
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # follows symlinks; loops are caught by identity
                is_file = not is_dir and entry.is_file()
                is_link = (is_dir or is_file) and entry.is_symlink()
            except OSError:
                result.skips["unreadable"] += 1
                continue
            if is_dir:
                reason = dir_skip_reason(name)
                if reason:
                    result.skips[reason] += 1
                    continue
            elif not is_file or not name.endswith(".dart"):
                continue
            elif name.startswith("."):
                result.skips["hidden"] += 1
                continue
            elif reason := file_skip_reason(name):
                result.skips[reason] += 1
                if reason == "generated_suffix" and not is_link:
                    result.generated.append(Candidate(entry.path, f"{rel}{name}"))
                continue
            if is_link:
                try:
                    st = entry.stat()
                except OSError:
                    result.skips["unreadable"] += 1
                    continue
                if not limits.follow_external_symlinks and not _within(os.path.realpath(entry.path), inside):
                    result.skips["symlink_outside"] += 1
                    continue
                if is_dir:
                    links.append((entry.path, f"{rel}{name}/", (st.st_dev, st.st_ino)))
                else:
                    file_links.append((entry.path, f"{rel}{name}", (st.st_dev, st.st_ino)))
                continue
            identity = (dev, entry.inode())
            if is_dir:
                if identity not in seen_dirs:
                    seen_dirs.add(identity)
                    stack.append((entry.path, f"{rel}{name}/", dev))
            elif identity not in seen_files:
                seen_files.add(identity)
                result.candidates.append(Candidate(entry.path, f"{rel}{name}"))
                if limits.max_files is not None and already + len(result.candidates) > limits.max_files:
                    raise FlutterTuneError(too_many_files_message(root, limits.max_files))
    for path, rel, identity in file_links:
        if identity in seen_files:
            result.skips["duplicate"] += 1
            continue
        seen_files.add(identity)
        result.candidates.append(Candidate(path, rel))
        if limits.max_files is not None and already + len(result.candidates) > limits.max_files:
            raise FlutterTuneError(too_many_files_message(root, limits.max_files))
    result.candidates.sort(key=lambda c: c.rel)
    result.generated.sort(key=lambda c: c.rel)
    return result
