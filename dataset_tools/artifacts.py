"""Artifact folders: the only folders Flutter Tune ever replaces or deletes are ones it wrote itself.

Every folder this tool writes as a whole (dataset, retrieval index, adapter, merged export,
evaluation report, converted model, serving model, a training run's checkpoints, an SDK's API
index) holds ``MARKER_NAME``, a small JSON file ``{"tool": "flutter-tune", "kind": "dataset",
"version": …, "files": [...]}``, written first and completed, with the names of the entries we
wrote, just before the folder is put in place. A marked folder is ours only for those entries (and the few a kind adds
later: a dataset's retrieval index, a run's checkpoints); anything else in it is the user's.

``artifact_dir(final, kind)`` builds the new content in a hidden temp folder beside ``final`` and
puts it in place only when it is complete:

- Before anything is written, and again just before the swap, ``final`` must be missing, an empty
  folder, or our artifact of the same ``kind`` holding nothing but what we wrote (a marker without
  a list of files, or none, from an earlier version: only the names that version wrote for that
  kind). Anything else is the user's: FlutterTuneError naming the foreign files, and nothing is
  touched. ``remove_artifact`` follows the same rule.
- The swap is one atomic ``renameat2(RENAME_EXCHANGE)`` where the OS offers it (Linux), so
  ``final`` always holds either the complete old or the complete new artifact, even if the process
  is killed. Elsewhere it is two renames; if the second fails the old artifact is put back, and a
  later write restores it if the process died between the two.
- A disk error (ENOSPC, EACCES, ...) becomes a FlutterTuneError naming the folder; the previous
  artifact is unchanged and the temp folder is removed. Temp folders left by a killed process are
  removed by the next write of the same artifact (only when they carry our marker and their
  process is gone).
"""

from __future__ import annotations

import ctypes
import fnmatch
import json
import os
import re
import shutil
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import __version__
from .errors import FlutterTuneError
from .processes import pid_alive

TOOL = "flutter-tune"
MARKER_NAME = ".flutter-tune.json"
_MARKER_TEMP = MARKER_NAME + ".tmp"  # the marker while it is being written
KINDS = {
    "dataset": "dataset folder",
    "retrieval-index": "retrieval index folder",
    "adapter": "adapter folder",
    "merged-model": "merged model folder",
    "report": "evaluation report folder",
    "model": "converted model folder",
    "serving-model": "serving model folder",
    "checkpoints": "checkpoint folder",
    "api-index": "API index folder",
}
# Entries a kind gains after it was put in place (fnmatch patterns): a dataset's retrieval index
# (with the temp folders of its own swap), a training run's checkpoints and the Trainer's model card.
_ADDED_LATER = {
    "dataset": ("retrieval", ".retrieval.tmp-*", ".retrieval.old-*"),
    "checkpoints": ("checkpoint-*", "tmp-checkpoint-*", "README.md"),
}
# The names earlier versions wrote for each kind, for folders whose marker lists no files (or that
# have no marker: version 0.1). Anything else in such a folder is the user's.
_TOKENIZER_FILES = ("tokenizer*", "special_tokens_map.json", "vocab.json", "merges.txt", "added_tokens.json",
                    "chat_template.*")
_HF_MODEL_FILES = ("*.safetensors", "model.safetensors.index.json", "config.json", "generation_config.json",
                   *_TOKENIZER_FILES)
_UNLISTED = {
    "dataset": ("train.jsonl", "validation.jsonl", "test.jsonl", "manifest.json"),
    "retrieval-index": ("meta.json", "*.index.npy", "*.index.json", "corpus.jsonl"),
    "adapter": ("adapter_model.safetensors", "adapter_config.json", "README.md", "flutter_tune.json",
                *_TOKENIZER_FILES),
    "merged-model": (*_HF_MODEL_FILES, "flutter_tune_export.json"),
    "report": ("eval.json", "report.md", "report.html", "metrics.png", "loss_curve.png"),
    "model": (*_HF_MODEL_FILES, "source.json"),
    "serving-model": ("genai_config.json", "model.onnx", "model.onnx.data", "export.log",
                      "flutter_tune_serving.json", *_TOKENIZER_FILES),
    "checkpoints": ("run.json",),
}
# What version 0.1 wrote before markers existed: the file that proves it, for the kinds it wrote.
_LEGACY_PROOF = {"dataset": "manifest.json", "retrieval-index": "meta.json", "merged-model": "flutter_tune_export.json",
                 "report": "eval.json"}
_TEMP_TAG = ".tmp-"
_OLD_TAG = ".old-"


def describe(kind: str) -> str:
    return KINDS.get(kind, f"{kind} folder")


def marker(kind: str, files: list[str] | None = None) -> dict:
    found = {"tool": TOOL, "kind": kind, "version": __version__}
    return found if files is None else {**found, "files": sorted(files)}


def read_marker(folder: Path) -> dict | None:
    """The folder's marker, or None when it has none (or an unreadable one)."""
    try:
        data = json.loads((Path(folder) / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == TOOL else None


def write_marker(folder: Path, kind: str, files: list[str] | tuple[str, ...] = ()) -> None:
    """Mark ``folder`` as our ``kind`` artifact whose own entries are ``files`` (and the marker)."""
    text = json.dumps(marker(kind, list(files))) + "\n"
    path = Path(folder) / MARKER_NAME
    tmp = path.with_name(_MARKER_TEMP)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _legacy_artifact(folder: Path, kind: str) -> bool:
    """A folder written by version 0.1 (no marker): its proof file says so."""
    proof = _LEGACY_PROOF.get(kind)
    if proof is None:
        return False
    try:
        data = json.loads((folder / proof).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    if kind == "dataset" and data.get("tool") != TOOL:
        return False
    if kind == "retrieval-index" and "source_sha256" not in data:
        return False
    return not foreign_entries(folder, kind)


def is_artifact(folder: Path, kind: str) -> bool:
    """Whether ``folder`` is a Flutter Tune artifact of ``kind`` (marker, or a 0.1 folder of that kind)."""
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return False
    found = read_marker(folder)
    if found is not None:
        return found.get("kind") == kind
    return _legacy_artifact(folder, kind)


def _matches(name: str, patterns) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def foreign_entries(folder: Path, kind: str) -> list[str]:
    """The names in our ``kind`` artifact ``folder`` that we did not write (sorted): the user's files.

    Ours are the marker, the entries its ``files`` list names (or, without a list, the names
    earlier versions wrote for ``kind``) and what the kind adds later (``_ADDED_LATER``).
    """
    found = read_marker(folder)
    listed = found.get("files") if found is not None else None
    own = set(listed) if isinstance(listed, list) else set()
    patterns = _ADDED_LATER.get(kind, ()) + (() if isinstance(listed, list) else _UNLISTED.get(kind, ()))
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return []
    return sorted(name for name in names if name != MARKER_NAME and name not in own
                  and not _matches(name, patterns))


def _name_some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _is_empty_dir(folder: Path) -> bool:
    try:
        return not any(os.scandir(folder))
    except OSError:
        return False


def check_replaceable(final: Path, kind: str, hint: str = "") -> None:
    """Raise FlutterTuneError unless writing ``kind`` at ``final`` can only replace our own artifact."""
    final = Path(final)
    what = describe(kind)
    if final.is_symlink():
        raise FlutterTuneError(f"The {what} {final} is a symbolic link; nothing was written. "
                               f"Choose a plain folder path{hint}.")
    if not final.exists():
        return
    if not final.is_dir():
        raise FlutterTuneError(f"The {what} {final} is a file, not a folder; nothing was written. "
                               f"Choose another path{hint}.")
    if _is_empty_dir(final):
        return
    if is_artifact(final, kind):
        foreign = foreign_entries(final, kind)
        if foreign:
            raise FlutterTuneError(
                f"The {what} {final} holds files Flutter Tune did not write ({_name_some(foreign)}); nothing "
                f"was written. Move them out of it, or choose another folder{hint}.")
        return
    found = read_marker(final)
    if found is not None:
        raise FlutterTuneError(
            f"{final} holds a Flutter Tune {describe(str(found.get('kind')))}, not a {what}; nothing was "
            f"written. Choose another folder{hint}.")
    raise FlutterTuneError(
        f"{final} already exists and is not a Flutter Tune {what}, so it was left untouched (nothing was "
        f"written). Choose a new or empty folder{hint}.")


# --- the swap --------------------------------------------------------------------------------------
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_EXCHANGE = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False when the OS or file system cannot."""
    if _EXCHANGE is None:
        return False
    if _EXCHANGE(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95, 18):  # EINVAL, ENOSYS, EOPNOTSUPP, EXDEV: not supported here
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(tmp: Path, final: Path) -> Path | None:
    """Put ``tmp`` at ``final``; return the folder now holding the previous content (or None)."""
    if not final.exists():
        os.rename(tmp, final)  # fails (ENOTEMPTY) if someone filled ``final`` meanwhile
        return None
    if exchange(tmp, final):
        return tmp
    old = final.with_name(f".{final.name}{_OLD_TAG}{os.getpid()}-{uuid.uuid4().hex[:8]}")
    os.rename(final, old)
    try:
        os.rename(tmp, final)
    except BaseException:
        os.rename(old, final)  # put the previous artifact back
        raise
    return old


_LEFTOVER = re.compile(r"^\.(?P<final>.+?)(?P<tag>\.tmp-|\.old-)(?P<pid>\d+)-")


def recover(parent: Path, kind: str) -> None:
    """Clean up after killed writes of ``kind`` artifacts in ``parent``: put back a previous artifact
    left aside (if its final name is empty), and remove temp folders of processes that are gone."""
    try:
        entries = [p for p in Path(parent).iterdir() if p.name.startswith(".")]
    except OSError:
        return
    for path in entries:
        match = _LEFTOVER.match(path.name)
        if match is None or pid_alive(int(match["pid"])):
            continue  # not a leftover, or a write still under way (this process included)
        if not (is_artifact(path, kind) or match["tag"] == _TEMP_TAG and _only_marker(path)):
            continue  # not ours
        final = path.with_name(match["final"])
        if match["tag"] == _OLD_TAG and not final.exists():
            os.rename(path, final)  # died between the two renames: the old artifact comes back
        else:
            shutil.rmtree(path, ignore_errors=True)


def _only_marker(folder: Path) -> bool:
    """A temp folder killed before or while its marker (always the first file) was written."""
    try:
        return folder.is_dir() and not folder.is_symlink() and \
            {p.name for p in folder.iterdir()} <= {MARKER_NAME, _MARKER_TEMP}
    except OSError:
        return False


def _fsync_tree(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        dir_fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def disk_error(what: str, folder: Path, exc: OSError, hint: str = "") -> FlutterTuneError:
    reason = exc.strerror or str(exc)
    return FlutterTuneError(f"Could not write the {what} {folder}: {reason}. Nothing was changed there; "
                            f"free disk space or check permissions{hint}.")


@contextmanager
def artifact_dir(final: Path, kind: str, *, hint: str = "", mode: int = 0o755) -> Iterator[Path]:
    """Yield a fresh temp folder (holding our marker) beside ``final``; on success swap it into place.

    ``hint`` ends the error messages (e.g. " with -o"). See the module docstring for the guarantees.
    """
    final = Path(final).expanduser().absolute()
    what = describe(kind)
    check_replaceable(final, kind, hint)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        recover(final.parent, kind)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}{_TEMP_TAG}{os.getpid()}-", dir=final.parent))
    except OSError as exc:
        raise disk_error(what, final, exc, hint) from exc
    try:
        tmp.chmod(mode)
        write_marker(tmp, kind)
        yield tmp
        write_marker(tmp, kind, [entry.name for entry in os.scandir(tmp) if entry.name != MARKER_NAME])
        _fsync_tree(tmp)
        check_replaceable(final, kind, hint)  # it may have changed while we were writing
        previous = _swap_in(tmp, final)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)  # ours: checked just before the swap
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise disk_error(what, final, exc, hint) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_artifact(folder: Path, kind: str) -> bool:
    """Delete ``folder`` only if it is our artifact of ``kind`` holding nothing but what we wrote;
    True when it was removed (a folder with the user's files in it stays whole)."""
    folder = Path(folder)
    if not is_artifact(folder, kind) or foreign_entries(folder, kind):
        return False
    shutil.rmtree(folder)
    return True
