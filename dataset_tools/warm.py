"""What this process already knows of the files and datasets a harvest reads: kept in memory so that the
next harvest in the same process (the language server's harvest after every save) starts from it.

- ``file_sha(path)``: a file's content hash, hashed again only when its size, modification time or inode
  changed — and always when it was modified less than ``RACY_S`` before it was hashed (a write in the
  same clock tick could keep the same time; git's "racy" rule).
- ``remember(folder, warm)`` / ``recall(folder, manifest)``: the harvest cache and the split records of
  the dataset this process last wrote into ``folder``, valid while the folder's manifest still carries
  the ``write_id`` they were written under (any other writer gives a new one).

A new process (the CLI) starts empty and reads everything from disk, as before.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .harvest_cache import HarvestCache, content_hash

RACY_S = 2.0  # a file modified this close to its hashing is hashed again next time
MAX_FILES = 200_000  # remembered hashes; past it the memory starts again
MAX_DATASETS = 4  # dataset folders remembered

_lock = threading.Lock()
_shas: dict[str, tuple[int, int, int, str]] = {}  # path → (size, mtime_ns, inode, sha)
_datasets: dict[str, "WarmDataset"] = {}


def file_sha(path: str) -> str | None:
    """The SHA-256 of ``path``'s bytes (None: unreadable), from memory when the file is unchanged."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    with _lock:
        known = _shas.get(path)
    if known is not None and known[:3] == (stat.st_size, stat.st_mtime_ns, stat.st_ino):
        return known[3]
    hashed_at = time.time_ns()
    try:
        with open(path, "rb") as handle:
            sha = content_hash(handle.read())
    except OSError:
        return None
    with _lock:
        if len(_shas) >= MAX_FILES:
            _shas.clear()
        if stat.st_mtime_ns < hashed_at - int(RACY_S * 1e9):
            _shas[path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, sha)
        else:
            _shas.pop(path, None)
    return sha


@dataclass
class WarmDataset:
    """A dataset folder as this process wrote it: its manifest's ``write_id``, its harvest cache and its
    split records (neither is changed after it is remembered)."""

    write_id: str
    cache: HarvestCache
    splits: dict[str, list[dict]]


def _key(folder: Path) -> str:
    return os.path.realpath(folder)


def recall(folder: Path, manifest: dict | None) -> WarmDataset | None:
    """What this process remembers of ``folder`` when its manifest is still the one it remembers."""
    write_id = (manifest or {}).get("write_id")
    with _lock:
        warm = _datasets.get(_key(folder))
    return warm if warm is not None and write_id and warm.write_id == write_id else None


def remember(folder: Path, warm: WarmDataset) -> None:
    with _lock:
        _datasets.pop(_key(folder), None)
        while len(_datasets) >= MAX_DATASETS:
            _datasets.pop(next(iter(_datasets)))
        _datasets[_key(folder)] = warm


def forget() -> None:
    """Start again from the disk (as a new process would)."""
    with _lock:
        _shas.clear()
        _datasets.clear()
