"""The API index generated widgets are checked against and decoded with: the one place the CLI, the
server, evaluation and the demo ask for it.

``generation_index(dataset_dir, flutter_sdk)`` is Flutter's index (the user's SDK's, built once and
cached, else the one shipped in the package: ``dataset_tools.dart.flutter_index``) with the user's
symbols stored in the dataset folder (``dataset_tools.symbols``: their classes, enums, extensions and
the packages they depend on) merged into it: a name both declare accepts what either declaration
accepts (a package's ``Colors`` or ``Navigator`` does not hide Flutter's). A dataset without symbols
(none harvested yet, or written from pairs files alone) gives Flutter's index alone. The combined
index is kept while the symbols file stays the same, so a re-harvest is picked up by the next request.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from dataset_tools.dart.api import ApiIndex
from dataset_tools.dart.flutter_index import flutter_index
from dataset_tools.symbols import SYMBOLS_NAME, load_symbols

_lock = threading.Lock()
_combined: dict[tuple, ApiIndex] = {}
KEPT = 4  # combined indexes kept (one per dataset folder and SDK in use)


def generation_index(dataset_dir: str | Path | None, flutter_sdk: str | Path | None = None) -> ApiIndex:
    """Flutter's API (of ``flutter_sdk``, else the SDK found on this machine, else the shipped index)
    merged with the symbols of the dataset in ``dataset_dir``. Raises FlutterTuneError when the
    symbols file is damaged (it says to harvest again)."""
    flutter = flutter_index(flutter_sdk)
    if dataset_dir is None:
        return flutter
    path = Path(dataset_dir) / SYMBOLS_NAME
    try:
        stat = os.stat(path)
    except OSError:
        return flutter
    key = (id(flutter), str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        found = _combined.get(key)
    if found is not None:
        return found
    symbols = load_symbols(dataset_dir)
    combined = flutter if symbols is None else ApiIndex.combined(flutter, symbols, merge=True)
    with _lock:
        while len(_combined) >= KEPT:
            _combined.pop(next(iter(_combined)))
        _combined[key] = combined
    return combined
