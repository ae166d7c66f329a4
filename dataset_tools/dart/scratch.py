"""A scratch copy of a Dart project, outside it: where a changed file is analysed and formatted while the
user's project is only read.

``project_root(path)`` is the nearest folder at or above ``path`` that holds ``pubspec.yaml``.
``scratch_copy(project)`` (a context manager; the copy is deleted on exit) lays out in a new temporary folder
what ``dart analyze`` and ``dart format`` read of the project:

- ``pubspec.yaml`` and ``analysis_options.yaml``, copied: the package's name, its lints and language
  options, the formatter's page width;
- ``.dart_tool/package_config.json`` (the project's, else that of a pub workspace above it), every
  package's ``rootUri`` made absolute except the project's own package, which points at the copy: a
  ``package:`` import resolves to the same files as in the project, and every file keeps its language version;
- a copy of every ``.dart`` file of the project (hidden folders, ``build/`` and links skipped), so that the
  changed file's relative and ``package:`` imports of the project's own files resolve.

Copies, not links: ``dart format`` rewrites the files it is given, and a link would lead it back into the
project. A project of more than ``MAX_FILES`` Dart files or ``MAX_BYTES`` is not copied (``ScratchError``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlparse
from urllib.request import url2pathname

PUBSPEC = "pubspec.yaml"
ANALYSIS_OPTIONS = "analysis_options.yaml"
PACKAGE_CONFIG = Path(".dart_tool") / "package_config.json"
SKIPPED_FOLDERS = frozenset({"build"})
MAX_FILES = 20_000
MAX_BYTES = 128 * 1024 * 1024


class ScratchError(Exception):
    """The project cannot be copied (too large, unreadable, a package config that is not JSON)."""


def project_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that holds ``pubspec.yaml``, or None."""
    path = Path(path).absolute()
    for folder in (path, *path.parents):
        if (folder / PUBSPEC).is_file():
            return folder
    return None


def package_config_of(project: Path) -> Path | None:
    """The package config the project resolves with: its own, else a pub workspace's above it."""
    for folder in (project, *project.parents):
        if (folder / PACKAGE_CONFIG).is_file():
            return folder / PACKAGE_CONFIG
    return None


@dataclass(frozen=True)
class ScratchProject:
    """The copy (``root``) of the project ``source``; ``resolves``: a package config was written."""

    root: Path
    source: Path
    resolves: bool

    def place(self, path: Path) -> Path:
        """Where the project's file ``path`` lies in the copy."""
        try:
            relative = Path(path).absolute().relative_to(self.source)
        except ValueError as exc:
            raise ScratchError(f"{path} is not inside the project {self.source}") from exc
        return self.root / relative

    def write(self, path: Path, text: str) -> Path:
        """Write ``text`` as the copy of the project's file ``path``; returns where it was written."""
        target = self.place(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
        return target


def rewritten_package_config(config: Path, project: Path) -> str:
    """The package config ``config`` for a copy of ``project`` at ``<copy>/.dart_tool/``: every ``rootUri``
    absolute (resolved against the config file, as pub writes them), the project's own package ``../``."""
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        packages = data["packages"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ScratchError(f"cannot read {config}: {exc}") from exc
    own = project.resolve()
    for package in packages:
        if not isinstance(package, dict) or not isinstance(package.get("rootUri"), str):
            continue
        uri = urljoin(config.absolute().as_uri(), package["rootUri"])
        parsed = urlparse(uri)
        if parsed.scheme != "file":
            continue
        root = Path(url2pathname(parsed.path))
        package["rootUri"] = "../" if root.resolve() == own else root.as_uri()
    return json.dumps(data, indent=2) + "\n"


def _dart_files(project: Path) -> Iterator[Path]:
    """The project's ``.dart`` files, outside hidden folders and ``build/``, links not followed."""
    for folder, subfolders, files in os.walk(project):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in SKIPPED_FOLDERS]
        for name in files:
            path = Path(folder) / name
            if name.endswith(".dart") and not path.is_symlink():
                yield path


def _copy_project(project: Path, copy: Path) -> bool:
    for name in (PUBSPEC, ANALYSIS_OPTIONS):
        if (project / name).is_file():
            shutil.copyfile(project / name, copy / name)
    count, size = 0, 0
    for path in _dart_files(project):
        count += 1
        size += path.stat().st_size
        if count > MAX_FILES or size > MAX_BYTES:
            raise ScratchError(f"the project {project} has more than {MAX_FILES} Dart files or "
                               f"{MAX_BYTES // 2**20} MB of them")
        target = copy / path.relative_to(project)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    config = package_config_of(project)
    if config is None:
        return False
    (copy / PACKAGE_CONFIG).parent.mkdir(parents=True, exist_ok=True)
    (copy / PACKAGE_CONFIG).write_text(rewritten_package_config(config, project), encoding="utf-8")
    return True


@contextmanager
def scratch_copy(project: Path) -> Iterator[ScratchProject]:
    """A scratch copy of ``project`` (see the module docstring), deleted when the block ends."""
    project = Path(project).absolute()
    parent = Path(tempfile.mkdtemp(prefix="flutter-tune-dart-"))
    try:
        copy = parent / (project.name or "project")
        copy.mkdir()
        try:
            resolves = _copy_project(project, copy)
        except OSError as exc:
            raise ScratchError(f"cannot copy the project {project}: {exc}") from exc
        yield ScratchProject(root=copy, source=project, resolves=resolves)
    finally:
        shutil.rmtree(parent, ignore_errors=True)
