"""Finding the user's Flutter SDK: its framework source (for an API index of their Flutter version) and its
``dart`` executable (the analyzer and the formatter).

``find_sdk(configured)`` looks, in order, at ``configured`` (the SDK path the editor's Dart extension is
set to, passed by our client), ``$FLUTTER_ROOT`` and the ``flutter`` executable on ``PATH``; it returns
None when there is none (everything else still works without one).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FlutterSdk:
    """A Flutter SDK folder (the one holding ``bin/flutter`` and ``packages/flutter``)."""

    root: Path

    @property
    def framework(self) -> Path:
        """The framework's Dart source: ``packages/flutter/lib``."""
        return self.root / "packages" / "flutter" / "lib"

    @property
    def dart_ui(self) -> Path:
        """``dart:ui`` and the Dart libraries as the SDK ships them (``bin/cache/pkg/sky_engine/lib``)."""
        return self.root / "bin" / "cache" / "pkg" / "sky_engine" / "lib"

    @property
    def dart(self) -> Path:
        """The ``dart`` executable (``bin/dart``; ``bin/dart.bat`` on Windows)."""
        name = "dart.bat" if os.name == "nt" else "dart"
        return self.root / "bin" / name

    @property
    def version(self) -> str:
        """The SDK's ``version`` file, else ""."""
        try:
            return (self.root / "version").read_text(encoding="utf-8").strip()
        except OSError:
            return ""


def is_sdk(root: Path) -> bool:
    return (root / "packages" / "flutter" / "lib").is_dir() and (root / "bin").is_dir()


def find_sdk(configured: str | Path | None = None) -> FlutterSdk | None:
    """The user's Flutter SDK (see the module docstring), or None."""
    candidates: list[Path] = []
    if configured:
        candidates.append(Path(configured).expanduser())
    if os.environ.get("FLUTTER_ROOT"):
        candidates.append(Path(os.environ["FLUTTER_ROOT"]).expanduser())
    flutter = shutil.which("flutter")
    if flutter:
        candidates.append(Path(flutter).resolve().parent.parent)  # <root>/bin/flutter
    for root in candidates:
        if is_sdk(root):
            return FlutterSdk(root.resolve())
    return None
