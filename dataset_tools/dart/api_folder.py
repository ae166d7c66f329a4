"""An API index of a folder of Dart source: every ``.dart`` file below it (hidden folders skipped), in
path order, read, parsed with tree-sitter-dart and passed to ``api_builder.file_api``.

``library`` names the library of each file from its path relative to the folder: the path itself
(a project's files), ``package_library("flutter")`` (``package:flutter/src/widgets/text.dart``) or
``dart_library("ui")`` (every file is a part of ``dart:ui``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..errors import FlutterTuneError
from ..progress import NULL_PROGRESS, Progress
from .api import ApiIndex
from .api_builder import FileApi, file_api, index_of
from .parser import parse


class IndexCancelled(FlutterTuneError):
    """The user cancelled building an API index (progress.cancel()); nothing was written."""


def package_library(package: str) -> Callable[[str], str]:
    """Libraries of a package's ``lib/`` folder: ``package:<package>/<path>``."""
    return lambda rel: f"package:{package}/{rel}"


def dart_library(name: str) -> Callable[[str], str]:
    """Every file of the folder is a part of ``dart:<name>``."""
    return lambda _rel: f"dart:{name}"


def dart_files(root: Path) -> list[str]:
    """The ``.dart`` files below ``root`` as posix paths relative to it, in path order, except that a
    file whose name starts with ``_`` (a platform's implementation behind a conditional import) comes
    after the others, so that the public declaration of a name is the one kept. Hidden folders and
    symbolic links to folders are skipped."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = os.path.relpath(folder, root)
        for name in files:
            if name.endswith(".dart"):
                found.append(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
    return sorted(found, key=lambda rel: (rel.rsplit("/", 1)[-1].startswith("_"), rel))


def read_dart(path: Path, max_bytes: int | None = None) -> bytes | None:
    """A file's bytes as the parser wants them (no BOM, LF line ends); None when it cannot be read
    or is larger than ``max_bytes``."""
    try:
        with open(path, "rb") as handle:
            if max_bytes is not None and os.fstat(handle.fileno()).st_size > max_bytes:
                return None
            data = handle.read()
    except OSError:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.replace(b"\r\n", b"\n") if b"\r" in data else data


def folder_apis(root: Path, library: Callable[[str], str] = str,
                progress: Progress = NULL_PROGRESS) -> list[tuple[str, FileApi]]:
    """``(library, FileApi)`` of every Dart file below ``root``; raises IndexCancelled when cancelled."""
    root = Path(root)
    found = []
    for rel in dart_files(root):
        if progress.is_cancelled:
            raise IndexCancelled("Building the API index was cancelled.")
        data = read_dart(root / rel)
        if data is not None:
            found.append((library(rel), file_api(parse(data).root_node, data)))
        progress.advance(1, rel)
    return found


def index_folder(root: Path, library: Callable[[str], str] = str, source: str = "",
                 progress: Progress = NULL_PROGRESS) -> ApiIndex:
    """The API index of the Dart files below ``root`` (see the module docstring)."""
    return index_of(folder_apis(root, library, progress), source)
