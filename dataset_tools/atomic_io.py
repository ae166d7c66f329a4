"""Writes that never leave a half-written file behind, and JSONL reads that name the bad line.

Whole folders are written with :func:`dataset_tools.artifacts.artifact_dir`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

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


def read_jsonl(path: Path) -> list[dict]:
    """Read a JSONL file; a bad line raises FlutterTuneError naming the file and line."""
    return [record for _, record in read_jsonl_lines(path)]


def read_jsonl_lines(path: Path) -> list[tuple[int, dict]]:
    """``(line number, object)`` of every non-blank line of a JSONL file (errors name file:line)."""
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
                except RecursionError:
                    raise FlutterTuneError(f"{path}:{lineno}: JSON nested too deeply to be a record. "
                                           "Remove or fix this line.") from None
                if not isinstance(value, dict):
                    raise FlutterTuneError(f"{path}:{lineno}: expected a JSON object, got {type(value).__name__}.")
                records.append((lineno, value))
        except UnicodeDecodeError as exc:
            raise FlutterTuneError(f"{path}: not valid UTF-8 ({exc.reason}).") from None
    return records
