"""The Flutter API index to check code against: built once from the user's Flutter SDK, else the one
shipped in the package.

``flutter_index(configured_sdk)`` answers "which index": with an SDK (``sdk.find_sdk``) the index of
its framework (``packages/flutter/lib``, with ``flutter_localizations`` and ``flutter_test`` beside it) and of the Dart
libraries Flutter code imports (``dart:core``, ``dart:async``, ``dart:ui``, ``dart:io``, …:
``SKY_ENGINE_LIBRARIES``) from its ``bin/cache/pkg/sky_engine/lib``, built on first use and kept in
``<cache home>/api-index/<SDK version>-<hash>/`` (an artifact folder of kind ``api-index`` holding
``flutter_api.json.gz``; the hash covers the builder's and the file format's versions, the libraries indexed and
whether sky_engine was there, and for an SDK without a ``version`` file its path and the framework folder's
modification time); without one, ``data/flutter_api.json.gz``. Each answer is kept for the life of
the process. When the cache cannot be written the index built is still used, and the next process
builds it again. An SDK whose ``bin/cache`` has no sky_engine yet (``flutter`` never run) takes
the Dart libraries from the shipped index.

``build_flutter_index`` is the one recipe, used here and by ``scripts/build_flutter_index.py``.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from ..artifacts import artifact_dir, is_artifact
from ..errors import FlutterTuneError
from ..paths import default_cache_home
from ..progress import NULL_PROGRESS, Progress
from .api import FORMAT_VERSION, ApiIndex
from .api_builder import BUILDER_VERSION, index_of
from .api_folder import dart_files, dart_library, folder_apis, package_library
from .sdk import FlutterSdk, find_sdk

DATA = Path(__file__).parent / "data"
SHIPPED = DATA / "flutter_api.json.gz"
INDEX_NAME = "flutter_api.json.gz"
KIND = "api-index"
# The Dart libraries indexed from sky_engine/lib, in order: a later one's name wins, and the framework
# wins over them all (its TextStyle, Image and Gradient are the ones Flutter code means).
SKY_ENGINE_LIBRARIES = ("io", "isolate", "developer", "typed_data", "collection", "convert",
                        "core", "async", "math", "ui")
# The SDK's packages indexed beside the framework (each ``packages/<name>/lib`` next to ``packages/flutter``).
SDK_PACKAGES = ("flutter_localizations", "flutter_test")
# What the index holds, as code imports it: a library outside these is one the index does not cover.
COVERED_LIBRARIES = frozenset({"package:flutter", *(f"package:{name}" for name in SDK_PACKAGES),
                               *(f"dart:{name}" for name in SKY_ENGINE_LIBRARIES)})

_lock = threading.Lock()
_answers: dict[Path | None, ApiIndex] = {}


def build_flutter_index(framework: Path, sky_engine: Path | None, source: str,
                        progress: Progress = NULL_PROGRESS) -> ApiIndex:
    """The index of a Flutter framework (``packages/flutter/lib``) and the SDK packages beside it
    (``SDK_PACKAGES``, where present) over the Dart libraries of ``sky_engine`` (its ``lib`` folder;
    None: the framework alone)."""
    beside = [(Path(framework).parent.parent / name / "lib", package_library(name)) for name in SDK_PACKAGES]
    folders = [(folder, library) for folder, library in beside if folder.is_dir()]
    folders.append((Path(framework), package_library("flutter")))
    if sky_engine is not None:
        folders = [(Path(sky_engine) / name, dart_library(name)) for name in SKY_ENGINE_LIBRARIES] + folders
    progress.start("Indexing Flutter's API", total=sum(len(dart_files(f)) for f, _ in folders))
    parts = [index_of(folder_apis(folder, library, progress)) for folder, library in folders]
    index = ApiIndex.combined(*parts)
    index.source = source
    progress.finish(f"{len(index.classes)} classes, {len(index.functions)} functions")
    return index


def shipped_index() -> ApiIndex:
    """The index shipped in the package (its ``source`` says what it was built from)."""
    with _lock:
        if None not in _answers:
            _answers[None] = ApiIndex.load(SHIPPED)
        return _answers[None]


def flutter_index(configured_sdk: str | Path | None = None, progress: Progress = NULL_PROGRESS) -> ApiIndex:
    """The index of the user's Flutter SDK (found from ``configured_sdk``, ``$FLUTTER_ROOT`` or
    ``flutter`` on PATH; built on first use), else the shipped one."""
    sdk = find_sdk(configured_sdk)
    if sdk is None:
        return shipped_index()
    with _lock:
        found = _answers.get(sdk.root)
    if found is None:
        found = sdk_index(sdk, progress)
        with _lock:
            found = _answers.setdefault(sdk.root, found)
    return found


def cache_key(sdk: FlutterSdk) -> str:
    """``<version>-<hash>``: a new folder for another SDK version, builder or file format."""
    has_sky = sdk.dart_ui.is_dir()
    parts = [f"builder {BUILDER_VERSION}", f"format {FORMAT_VERSION}", f"sky_engine {has_sky}",
             f"libraries {SKY_ENGINE_LIBRARIES} {SDK_PACKAGES}"]
    version = sdk.version
    if not version:
        try:
            parts += [str(sdk.root), str(sdk.framework.stat().st_mtime_ns)]
        except OSError:
            parts.append(str(sdk.root))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
    safe = "".join(c if c.isalnum() or c in ".+-_" else "_" for c in version.split()[0]) if version else "unversioned"
    return f"{safe}-{digest}"


def sdk_index_dir(sdk: FlutterSdk) -> Path:
    return default_cache_home() / "api-index" / cache_key(sdk)


def sdk_index(sdk: FlutterSdk, progress: Progress = NULL_PROGRESS) -> ApiIndex:
    """The SDK's index from the cache, built and cached when missing or unreadable."""
    folder = sdk_index_dir(sdk)
    if is_artifact(folder, KIND):
        try:
            return ApiIndex.load(folder / INDEX_NAME)
        except (OSError, ValueError, EOFError):
            pass  # a damaged cache: built again below
    sky_engine = sdk.dart_ui if sdk.dart_ui.is_dir() else None
    source = f"flutter {sdk.version or 'SDK'} at {sdk.root}" + (
        " + " + ", ".join(f"dart:{name}" for name in SKY_ENGINE_LIBRARIES) + " of its sky_engine" if sky_engine
        else " + the Dart libraries of the shipped index")
    index = build_flutter_index(sdk.framework, sky_engine, source, progress)
    if sky_engine is None:
        index = ApiIndex.combined(shipped_index(), index)
        index.source = source
    try:
        with artifact_dir(folder, KIND) as tmp:
            index.save(tmp / INDEX_NAME)
    except FlutterTuneError:
        pass  # used from memory this time (see the module docstring)
    return index
