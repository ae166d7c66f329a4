"""The one reader of records: the guide's JSON-array files, JSONL files and dataset folders.

Used by dataset building, training (``trainer.training.data``) and everything else that reads records.
JSON-array entries are hand-written pairs ``{"instruction", "input", "output"}``; they become
records with ``instruction_source: "manual"`` (unless they carry their own metadata). Errors name
the file and the entry index (JSON arrays) or line (JSONL) so the user can fix them.
"""

from __future__ import annotations

from pathlib import Path

from .atomic_io import parse_json, read_jsonl_lines, read_text
from .errors import FlutterTuneError

SPLIT_FILES = ("train.jsonl", "validation.jsonl", "test.jsonl")


def _complete(entry: object, where: str, path: Path, index: int, origin: str) -> dict:
    """Check one entry and fill the metadata a harvested record would have."""
    if not isinstance(entry, dict):
        raise FlutterTuneError(f"{where}: expected an object with \"instruction\" and \"output\", "
                               f"got {type(entry).__name__}.")
    for key in ("instruction", "output"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise FlutterTuneError(f"{where}: \"{key}\" must be a non-empty string. Fix or remove this entry.")
    if not isinstance(entry.get("input", ""), str):
        raise FlutterTuneError(f"{where}: \"input\" must be a string (use \"\" when there is none).")
    record = dict(entry)
    record.setdefault("input", "")
    record.setdefault("source", path.name)
    record.setdefault("project", origin)
    record.setdefault("line", index + 1)
    record.setdefault("kind", "manual")
    record.setdefault("name", "")
    record.setdefault("instruction_source", "manual")
    return record


def load_json_array(path: Path) -> list[dict]:
    """Read the guide's ``[{"instruction", "input", "output"}, ...]`` file."""
    path = Path(path)
    data = parse_json(read_text(path, "Pairs file"), str(path))
    if not isinstance(data, list):
        raise FlutterTuneError(f"{path}: expected a JSON array of {{\"instruction\", \"input\", \"output\"}} "
                               f"objects, got {type(data).__name__}.")
    return [_complete(e, f"{path}: entry {i}", path, i, "manual") for i, e in enumerate(data)]


def load_jsonl(path: Path) -> list[dict]:
    """Read a JSONL file of records (harvested or hand-written)."""
    path = Path(path)
    return [_complete(e, f"{path}:{line}", path, i, "jsonl") for i, (line, e) in enumerate(read_jsonl_lines(path))]


def load_file(path: Path) -> list[dict]:
    """Records of one file: a JSON array when its text starts with ``[``, else JSONL."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise FlutterTuneError(f"Dataset file {path} does not exist. Run `flutter-tune harvest` or fix the path.")
    with open(path, encoding="utf-8", errors="replace") as handle:
        head = handle.read(4096).lstrip()[:1]
    return load_json_array(path) if head == "[" else load_jsonl(path)


def load_records(path: Path) -> list[dict]:
    """Records from a dataset folder (its split files), a ``.jsonl`` file or a JSON-array file."""
    path = Path(path).expanduser()
    if path.is_dir():
        files = [path / name for name in SPLIT_FILES if (path / name).is_file()]
        if not files:
            raise FlutterTuneError(f"{path} holds none of {', '.join(SPLIT_FILES)}. "
                                   "Pass a dataset folder, a .jsonl file or a JSON-array file.")
        return [r for f in files for r in load_jsonl(f)]
    if not path.exists():
        raise FlutterTuneError(f"Input {path} does not exist.")
    return load_file(path)
