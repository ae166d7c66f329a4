"""The per-file harvest cache: what pass 1 made of each file read before, by path and content hash.

A dataset folder written by a harvest holds ``harvest_cache.jsonl``: for every Dart file read (the
projects' and their packages'), its absolute path, the SHA-256 of its bytes, its skip reason and its
``FileDecls`` (declarations, API, directives), and the MinHash values dedup computed for each record's
output (``dedup.near_dedup``), under the extractor's version (``extractor_version``:
a hash of the code that makes ``FileDecls``, so any change to it reads every file again). The next
harvest into that folder re-reads only files whose hash differs; a file gone from disk is simply not
carried over. The cache is written into the dataset's temp folder with the records and swapped in
with them, so it always describes the dataset beside it. An unreadable cache, or one of another
version, is an empty one.

The file is text (not compressed: writing it again after one file changed costs a join and a write):
a JSON header line (version, size cap, signatures), then one line per file, its path as a JSON string,
a tab, and its entry as JSON. An entry's line is kept beside it (``texts``), read or written, so a cache
written again serialises only the entries that changed. The values are turned into JSON by cattrs (no
pickle: loading the cache runs no code).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cattrs.errors import BaseValidationError
from cattrs.preconf.json import make_converter

from . import __version__
from .extract import FileDecls

CACHE_NAME = "harvest_cache.jsonl"
# The modules whose code decides what pass 1 makes of a file (relative to this package).
EXTRACTOR_MODULES = ("extract.py", "source.py", "dart/api_builder.py", "dart/api.py", "dart/directives.py",
                     "dart/parser.py", "dart/vocabulary.py", "dart/names.py")
_converter = make_converter()


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A hash of the extracting code and of the Dart grammar it parses with."""
    import tree_sitter_dart

    digest = hashlib.sha256(f"{__version__}\x00{getattr(tree_sitter_dart, '__version__', '')}".encode())
    here = Path(__file__).parent
    for rel in EXTRACTOR_MODULES:
        digest.update(rel.encode() + b"\x00" + (here / rel).read_bytes())
    return digest.hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


PROJECT, GENERATED, PACKAGE = "project", "generated", "package"  # what a cached file is


@dataclass
class CachedFile:
    """One file as read: its hash, what it is (``PROJECT``, ``GENERATED``, ``PACKAGE``), why it was
    skipped (None: harvested) and what pass 1 found."""

    sha: str
    kind: str = PROJECT
    skip: str | None = None
    decls: FileDecls | None = None


@dataclass
class HarvestCache:
    """The files of a harvest by absolute path, under one extractor version."""

    version: str = field(default_factory=extractor_version)
    max_file_kb: int = 0  # the size cap files were read under (a file over it is a cached ``too_large``)
    files: dict[str, CachedFile] = field(default_factory=dict)
    signatures: dict[str, bytes] = field(default_factory=dict)  # dedup's MinHash values by output (dedup.signature_key)
    texts: dict[str, tuple[CachedFile, bytes]] = field(default_factory=dict, repr=False, compare=False)  # path → (entry, its line)

    def get(self, path: str, sha: str, kind: str | None = None) -> CachedFile | None:
        """The entry of ``path`` when its content is still ``sha`` (and it was read as ``kind``), else None."""
        found = self.files.get(path)
        if found is None or found.sha != sha or (kind is not None and found.kind != kind):
            return None
        return found

    def keep(self, path: str, entry: CachedFile, source: HarvestCache) -> None:
        """Hold ``entry`` (taken from ``source``) under ``path``, with its line when ``source`` has it."""
        self.files[path] = entry
        text = source.texts.get(path)
        if text is not None and text[0] is entry:
            self.texts[path] = text

    def save(self, path: Path) -> None:
        """Write the cache (the caller writes into its own temp folder): the header line with the
        signatures as their keys and one base64 text of all their values in that order, then a line
        per file; an entry's line is made only when ``texts`` does not hold it."""
        header = {"version": self.version, "max_file_kb": self.max_file_kb,
                  "signatures": {"keys": list(self.signatures),
                                 "values": base64.b64encode(b"".join(self.signatures.values())).decode("ascii")}}
        lines = [json.dumps(header, separators=(",", ":")).encode()]
        for name, entry in self.files.items():
            text = self.texts.get(name)
            if text is None or text[0] is not entry:
                text = (entry, (json.dumps(name, ensure_ascii=False) + "\t" + json.dumps(
                    _converter.unstructure(entry, CachedFile), separators=(",", ":"), ensure_ascii=False)).encode())
                self.texts[name] = text
            lines.append(text[1])
        lines.append(b"")
        path.write_bytes(b"\n".join(lines))

    @classmethod
    def load(cls, path: Path) -> HarvestCache:
        """The cache at ``path``; an empty one when it is missing, unreadable or of another version."""
        try:
            head, *lines = path.read_bytes().rstrip(b"\n").split(b"\n")
            header = json.loads(head)
            if not isinstance(header, dict) or header.get("version") != extractor_version():
                return cls()
            cache = cls(version=header["version"], max_file_kb=int(header["max_file_kb"]))
            for line in lines:
                name, _, text = line.partition(b"\t")
                entry = _converter.structure(json.loads(text), CachedFile)
                name = json.loads(name)
                cache.files[name], cache.texts[name] = entry, (entry, line)
            signed = header.get("signatures") or {"keys": [], "values": ""}
            keys, values = signed["keys"], base64.b64decode(signed["values"])
            width = len(values) // len(keys) if keys else 0
            if width * len(keys) != len(values):
                return cache  # signatures of unequal widths: computed again
            cache.signatures = {key: values[i * width:(i + 1) * width] for i, key in enumerate(keys)}
            return cache
        except (OSError, ValueError, EOFError, TypeError, KeyError, BaseValidationError):
            return cls()  # any damage: read every file again


@dataclass
class FileChanges:
    """The projects' files since the previous harvest, by absolute path."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def file_changes(before: HarvestCache | None, after: HarvestCache) -> FileChanges | None:
    """Which of the projects' own files (not generated ones, not packages') are new or changed in
    ``after`` and which of ``before`` are gone; None without ``before``."""
    if before is None:
        return None
    old = {path: entry.sha for path, entry in before.files.items() if entry.kind == PROJECT}
    new = {path: entry.sha for path, entry in after.files.items() if entry.kind == PROJECT}
    return FileChanges(added=sorted(new.keys() - old.keys()),
                       changed=sorted(path for path in new.keys() & old.keys() if new[path] != old[path]),
                       removed=sorted(old.keys() - new.keys()))
