"""The user's own symbols: an API index of the harvested projects (their classes with constructors and
parameters, enums, mixins, static members, extensions' members and top-level functions — private
top-level ones too, as a widget may use the ``_Header`` beside it; a name two files declare accepts
what either declaration accepts) and of the public API of the packages they depend on whose source
is on this machine (the pub cache, read through each project's ``.dart_tool/package_config.json``:
``dart.packages``).

Harvest builds it in the same pass as the records (``api_builder.file_api`` on each file's tree)
and the dataset folder stores it as ``symbols.json.gz``, written and replaced with the records.
A project's classes carry their file's path as ``library``, a package's ``package:<name>/<path>``;
a project's own declaration of a name wins over a package's. A package that is imported but has
no source here is simply not in the index: its names are unknown, never wrong.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Iterable, Mapping

from .dart.api import ApiIndex
from .dart.api_folder import dart_files
from .dart.directives import library_of
from .dart.flutter_index import COVERED_LIBRARIES
from .dart.packages import DartPackage, project_packages
from .errors import FlutterTuneError

SYMBOLS_NAME = "symbols.json.gz"
_PUBSPEC_NAME = re.compile(r"^name:\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


def project_dirs(root: Path, rels: Iterable[str]) -> list[Path]:
    """Where a root's package configs may lie: the root, and each folder holding the ``lib/`` of a
    harvested file (the projects of a monorepo)."""
    found = {root: None}
    for rel in rels:
        parts = rel.split("/")
        if "lib" in parts[1:]:
            found.setdefault(root.joinpath(*parts[:parts.index("lib", 1)]), None)
    return list(found)


def dependencies(projects: Iterable[Path], inside: tuple[Path, ...]) -> list[DartPackage]:
    """The packages of these projects with source on disk, each name once (the first project's)."""
    found: dict[str, DartPackage] = {}
    for project in projects:
        for package in project_packages(project, inside):
            found.setdefault(package.name, package)
    return list(found.values())


def package_files(packages: Iterable[DartPackage]) -> list[tuple[DartPackage, str]]:
    """Every Dart file of each package's library folder, as ``(package, path relative to it)``."""
    return [(package, rel) for package in packages for rel in dart_files(package.lib)]


def own_packages(root: Path, projects: Iterable[Path]) -> dict[str, str]:
    """Where each project's ``lib/`` lies relative to ``root`` (posix), by the package name its
    ``pubspec.yaml`` gives (``"<n>?"``, no package name, for a project without a readable one);
    projects outside ``root`` are left out."""
    found: dict[str, str] = {}
    for project in projects:
        try:
            rel = (Path(project) / "lib").relative_to(root).as_posix()
        except ValueError:
            continue
        try:
            name = _PUBSPEC_NAME.search((Path(project) / "pubspec.yaml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            name = None
        found.setdefault(name.group(1) if name else f"{len(found)}?", rel)
    return found


def unindexed_libraries(files: Mapping[str, Iterable[str]], own: Mapping[str, str],
                        indexed_packages: Iterable[str]) -> set[str]:
    """The libraries the files import, export or take parts from that no index covers.

    ``files`` maps each file read into the index (posix path relative to its root) to the URIs of its
    directives (``dart.directives.directive_uris``); ``own`` is ``own_packages``; ``indexed_packages``
    the packages whose source was indexed. A ``dart:`` library or a package counts as covered when
    Flutter's index (``COVERED_LIBRARIES``) or the symbols hold it; a file of the projects (a relative
    URI, ``package:<own>/…``, or ``package:<any>/<path>`` where a project's ``lib/<path>`` was read:
    a project without a pubspec) when it was read: a generated part harvest skips (``x.g.dart``) is
    named by its path."""
    covered = set(COVERED_LIBRARIES) | {f"package:{name}" for name in indexed_packages}
    missing: set[str] = set()
    for rel, uris in files.items():
        for uri in uris:
            library = library_of(uri)
            if library is None:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), uri))
                if target not in files:
                    missing.add(target)
            elif library.startswith("package:") and library not in covered:
                name, _, path = uri[len("package:"):].partition("/")
                libs = [own[name]] if name in own else own.values()
                if not any(posixpath.join(lib, path) in files for lib in libs):
                    missing.add(uri if name in own else library)
            elif library not in covered:
                missing.add(library)
    return missing


def unexported_libraries(exports: Iterable[str], indexed_packages: Iterable[str]) -> set[str]:
    """The libraries packages' files export (``exports``: their export URIs; a package's own files are
    read whole) that no index covers: the names they pass on to the code that imports the package are
    not known (``package:url_launcher`` exporting ``package:url_launcher_platform_interface``)."""
    covered = set(COVERED_LIBRARIES) | {f"package:{name}" for name in indexed_packages}
    libraries = {library_of(uri) for uri in exports}
    return {library for library in libraries if library is not None and library not in covered}


def summary(index: ApiIndex, packages: list[str]) -> dict:
    """What the manifest records of the symbols: counts, the packages indexed and the libraries imported
    that are not."""
    return {"file": SYMBOLS_NAME, "classes": len(index.classes), "functions": len(index.functions),
            "extension_members": len(index.extension_members), "packages": sorted(packages),
            "unindexed": list(index.unindexed or ())}


def load_symbols(dataset_dir: Path | str) -> ApiIndex | None:
    """The symbols stored with a dataset; None when it has none (written before they were, or
    from record files alone)."""
    path = Path(dataset_dir) / SYMBOLS_NAME
    if not path.is_file():
        return None
    try:
        return ApiIndex.load(path)
    except (OSError, ValueError, EOFError) as exc:
        raise FlutterTuneError(f"{path} cannot be read ({exc}); harvest again to write it anew.") from exc
