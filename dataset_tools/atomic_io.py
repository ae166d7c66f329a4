"""Writes that never leave a half-written file or folder behind, and JSONL reads that name the bad line."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from .errors import FlutterTuneError


def ensure_dir(path: Path, what: str = "output folder") -> Path:
    """Create ``path`` as a folder or explain why it cannot be one."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise FlutterTuneError(f"The {what} {path} is a file, not a folder. Choose another path.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FlutterTuneError(f"Cannot create the {what} {path}: {exc.strerror or exc}") from exc
    return path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync, then rename over it."""
    path = Path(path)
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """``write_bytes_atomic`` for text, as UTF-8 with the newlines given."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, data) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def jsonl_text(records: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


@contextmanager
def atomic_dir(final: Path) -> Iterator[Path]:
    """Yield a fresh temp folder beside ``final``; on success swap it into place, else delete it.

    An interrupted run leaves the previous ``final`` untouched (or no ``final`` at all).
    """
    final = Path(final)
    if final.exists() and not final.is_dir():
        raise FlutterTuneError(f"The output folder {final} is a file, not a folder. Choose another path.")
    ensure_dir(final.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        yield tmp
        old = None
        if final.exists():
            old = final.with_name(f".{final.name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(final, old)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_jsonl(path: Path) -> list[dict]:
    """Read a JSONL file; a bad line raises FlutterTuneError naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise FlutterTuneError(f"Dataset file {path} does not exist. Run `flutter-tune harvest` first.")
    records = []
    with open(path, encoding="utf-8", errors="strict") as handle:
        try:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise FlutterTuneError(f"{path}:{lineno}: not valid JSON ({exc.msg}).") from None
                if not isinstance(value, dict):
                    raise FlutterTuneError(f"{path}:{lineno}: expected a JSON object, got {type(value).__name__}.")
                records.append(value)
        except UnicodeDecodeError as exc:
            raise FlutterTuneError(f"{path}: not valid UTF-8 ({exc.reason}).") from None
    return records
