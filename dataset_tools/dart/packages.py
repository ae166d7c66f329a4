"""The packages a Dart project depends on, where their source lies on this machine: read from the
project's ``.dart_tool/package_config.json`` (written by ``flutter pub get``).

Each entry's ``rootUri`` is a ``file:`` URI or a URI relative to the config file, and its
``packageUri`` (``lib/`` unless said otherwise) relative to that root. Packages whose folder is
missing (the pub cache cleaned, another machine's config), packages inside the given ``inside``
folders (the project itself and its path dependencies under the harvested roots) and the packages of
a Flutter SDK (``flutter``, ``sky_engine``, ``flutter_test``, …: the Flutter index covers the
framework) are left out. A config that cannot be read gives no packages.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from .sdk import is_sdk

CONFIG = Path(".dart_tool") / "package_config.json"
SDK_DEPTH = 5  # <sdk>/bin/cache/pkg/sky_engine/lib: how deep below its SDK a package's library folder can lie


@dataclass(frozen=True)
class DartPackage:
    """A package's name and its library folder (the one ``package:<name>/`` names)."""

    name: str
    lib: Path


def project_packages(project: Path, inside: tuple[Path, ...] = ()) -> list[DartPackage]:
    """The packages of ``project``'s package config that have source on disk (see the module docstring)."""
    config = Path(project) / CONFIG
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries = data.get("packages") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    inside = tuple(os.path.realpath(p) for p in inside)
    found = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        root = _folder(entry.get("rootUri"), config.parent)
        if root is None:
            continue
        lib = _folder(entry.get("packageUri", "lib/"), root)
        if lib is None or not lib.is_dir() or _within(str(lib), inside) or _in_sdk(lib):
            continue
        found.append(DartPackage(entry["name"], lib))
    return found


def _folder(uri, base: Path) -> Path | None:
    """The folder a ``file:`` or relative URI names, relative ones resolved against ``base``."""
    if not isinstance(uri, str) or not uri:
        return None
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(os.path.realpath(url2pathname(parsed.path)))
    if parsed.scheme:
        return None  # another scheme: nothing on this disk
    return Path(os.path.realpath(base / unquote(parsed.path)))


def _within(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def _in_sdk(lib: Path) -> bool:
    return any(is_sdk(parent) for parent in list(lib.parents)[:SDK_DEPTH])
