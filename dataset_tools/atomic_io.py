"""Writes that never leave a half-written file behind, and JSON reads that name the bad file and line.

Whole folders are written with :func:`dataset_tools.artifacts.artifact_dir`.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
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


def _file_mode(path: Path) -> int:
    """The mode a replaced file keeps, or what a new file gets under this process's umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_UMASK


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back (at import)
    os.umask(mask)
    return mask


_UMASK = _umask()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync, then rename over it. The file gets the mode
    a plain write would give it (mkstemp's temp files are private: 0600)."""
    path = Path(path)
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # POSIX
            os.fchmod(fd, _file_mode(path))
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
    return "".join(_json_line(r) for r in records)


def _json_line(record: dict) -> str:
    try:  # the types too: True == 1 and 1 == 1.0, but their JSON differs
        return _json_line_of(tuple((key, value, type(value)) for key, value in record.items()))
    except TypeError:  # a value that is not hashable (a list in a hand-written pair)
        return json.dumps(record, ensure_ascii=False) + "\n"


@lru_cache(maxsize=16384)  # a dataset written again in the same process holds mostly the same records
def _json_line_of(items: tuple) -> str:
    return json.dumps({key: value for key, value, _ in items}, ensure_ascii=False) + "\n"


def read_text(path: Path, what: str = "File") -> str:
    """A user's UTF-8 text file; FlutterTuneError naming it when it is missing or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise FlutterTuneError(f"{what} {path} does not exist.")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FlutterTuneError(f"{path}: not valid UTF-8 ({exc.reason}).") from None


def parse_json(text: str, where: str, *, lines: bool = True):
    """``json.loads(text)``, with every way a user's file can fail it raised as a FlutterTuneError that
    starts with ``where`` (``path`` or ``path:line``); ``lines`` adds the line of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = f"{where}:{exc.lineno}" if lines else where
        raise FlutterTuneError(f"{at}: not valid JSON ({exc.msg}).") from None
    except RecursionError:
        raise FlutterTuneError(f"{where}: JSON nested too deeply to read. Remove or fix it.") from None
    except ValueError as exc:  # a number too long to convert (over sys.get_int_max_str_digits() digits)
        detail = str(exc).split(";")[0]
        raise FlutterTuneError(f"{where}: a number in it cannot be read ({detail}). Remove or fix it.") from None


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
                value = parse_json(line, f"{path}:{lineno}", lines=False)
                if not isinstance(value, dict):
                    raise FlutterTuneError(f"{path}:{lineno}: expected a JSON object, got {type(value).__name__}.")
                records.append((lineno, value))
        except UnicodeDecodeError as exc:
            raise FlutterTuneError(f"{path}: not valid UTF-8 ({exc.reason}).") from None
    return records
