"""A BM25 index over harvested widget records (the user's own code), for retrieval of examples.

Each record becomes one document: the words of its instruction, the words of its widget name and
the identifiers in its code (widget types, properties, callbacks), each identifier kept whole and
also split into its camelCase/snake_case words. ``bm25s`` does the scoring. The index is saved in
a folder (``bm25s`` arrays + ``meta.json`` recording the SHA-256 of the records file it was built
from), so a later process can load it instead of re-tokenizing. Searching never returns records
named in ``exclude`` (by id or by identical code), so an evaluated sample is never its own example.

Loading/caching per dataset folder lives in :mod:`trainer.retrieval`; this module is pure.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from dataset_tools.artifacts import artifact_dir
from dataset_tools.atomic_io import write_json_atomic
from dataset_tools.dart.names import identifier_words

# Bumped whenever the document/query tokenization changes, so saved indexes get rebuilt.
TOKENIZER_VERSION = 1
META_NAME = "meta.json"
CONTEXT_WEIGHT = 0.25  # the code around the cursor adds at most a quarter of the best description score

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")

# English filler and Dart boilerplate that every widget shares; BM25's IDF would make them
# nearly worthless anyway, dropping them keeps queries short and scores clean.
STOPWORDS = frozenset(
    """a an and are as at be by for from has have in into is it its of on or that the this to
    was were will with which when where who show shows showing displays display displaying
    renders widget widgets build context key super class extends final const return override
    new var void this null true false import package dart material flutter library part of
    get set static late required async await else if""".split()
)


def _normalize(word: str) -> str | None:
    """Lower-case a word and strip a plural ``s``; None for noise (1 letter, stopword)."""
    word = word.lower()
    if len(word) < 2 or word in STOPWORDS:
        return None
    if len(word) > 3:
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    return word


def identifier_tokens(identifier: str) -> list[str]:
    """``_MyHomePageState`` → ``myhomepagestate``, ``my``, ``home``, ``page``, ``state``."""
    parts = identifier_words(identifier.replace("$", ""), numbers=False)
    tokens = [t for t in (_normalize(p) for p in parts) if t]
    whole = identifier.strip("_$").replace("_", "").lower()
    if len(parts) > 1 and len(whole) > 1 and whole not in STOPWORDS:
        tokens.insert(0, whole)
    return tokens


def text_tokens(text: str) -> list[str]:
    """Tokens of free text or code: every identifier-like word, whole and split."""
    out: list[str] = []
    for identifier in _IDENTIFIER.findall(text or ""):
        out.extend(identifier_tokens(identifier))
    return out


def document_tokens(record: dict) -> list[str]:
    """What a record is indexed under: instruction words, name words, code identifiers."""
    return list(_document_tokens(str(record.get("instruction", "")), str(record.get("name", "")),
                                 str(record.get("input", "")), str(record.get("output", ""))))


@lru_cache(maxsize=1 << 15)
def _document_tokens(instruction: str, name: str, input: str, output: str) -> tuple[str, ...]:
    """Kept per record text: an index rebuilt after one file changed tokenizes only that file's records."""
    return tuple(text_tokens(instruction) + text_tokens(name) + text_tokens(input) + text_tokens(output))


def _unique(tokens: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tokens))


def record_id(record: dict) -> str:
    """A stable id for a record: where it came from plus its code."""
    key = json.dumps(
        [record.get("project"), record.get("source"), record.get("line"), record.get("name"), record.get("output")],
        ensure_ascii=False,
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _code_key(record: dict) -> str:
    return " ".join(str(record.get("output", "")).split())


def codes_overlap(a: str, b: str) -> bool:
    """One piece of code inside the other (a method harvested on its own and its whole class)."""
    a, b = a.strip(), b.strip()
    return a in b or b in a


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class RetrievalIndex:
    """BM25 over a list of records; ``records[i]`` is document ``i``.

    ``source_sha256`` is the hash of the file the records came from ("" when built from memory).
    """

    def __init__(self, bm25, records: Sequence[dict], source_sha256: str = ""):
        self.bm25 = bm25
        self.records = list(records)
        self.source_sha256 = source_sha256
        self._ids = {record_id(r): i for i, r in enumerate(self.records)}
        self._by_code: dict[str, list[int]] = {}
        for i, r in enumerate(self.records):
            self._by_code.setdefault(_code_key(r), []).append(i)

    def __len__(self) -> int:
        return len(self.records)

    @classmethod
    def build(cls, records: Sequence[dict], source_sha256: str = "") -> "RetrievalIndex":
        import bm25s

        bm25 = bm25s.BM25()
        corpus = [document_tokens(r) or [""] for r in records]
        bm25.index(corpus, show_progress=False)
        return cls(bm25, records, source_sha256)

    def save(self, folder: Path) -> None:
        """Write the index atomically into ``folder`` (replacing an older one)."""
        with artifact_dir(Path(folder), "retrieval-index") as tmp:
            self.bm25.save(str(tmp), show_progress=False)
            write_json_atomic(
                tmp / META_NAME,
                {"source_sha256": self.source_sha256, "documents": len(self.records),
                 "tokenizer_version": TOKENIZER_VERSION},
            )

    @classmethod
    def load(cls, folder: Path, records: Sequence[dict], source_sha256: str) -> "RetrievalIndex | None":
        """The saved index if it was built from exactly these records, else None (rebuild it)."""
        import bm25s

        folder = Path(folder)
        try:
            meta = json.loads((folder / META_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (meta.get("source_sha256") != source_sha256 or meta.get("documents") != len(records)
                or meta.get("tokenizer_version") != TOKENIZER_VERSION):
            return None
        bm25 = bm25s.BM25.load(str(folder), show_progress=False)
        if int(bm25.scores["num_docs"]) != len(records):
            return None
        return cls(bm25, records, source_sha256)

    # -- searching ---------------------------------------------------------------------------

    def _scores(self, tokens: list[str]) -> np.ndarray | None:
        ids = self.bm25.get_tokens_ids(_unique(tokens))
        if not ids:
            return None
        return self.bm25.get_scores_from_ids(ids)

    def excluded_indices(self, exclude) -> set[int]:
        """Documents to leave out: ``exclude`` is a record, a record id, or an iterable of those.

        A record also excludes every indexed record with the same code (whitespace ignored),
        so a duplicate in another split cannot stand in for the sample itself.
        """
        if exclude is None:
            return set()
        items = [exclude] if isinstance(exclude, (dict, str)) else list(exclude)
        out: set[int] = set()
        for item in items:
            if isinstance(item, dict):
                item_id = record_id(item)
                out.update(self._by_code.get(_code_key(item), ()))
            else:
                item_id = str(item)
            if item_id in self._ids:
                out.add(self._ids[item_id])
        return out

    def ranked(self, query: str, k: int, *, context_code: str = "", exclude=None) -> list[tuple[int, float]]:
        """The ``k`` best (document index, score) pairs, best first; only scores above zero."""
        if k <= 0 or not self.records or not (query or "").strip():
            return []  # an empty description asks for nothing
        desc = self._scores(text_tokens(query))
        ctx = self._scores(text_tokens(context_code)) if context_code else None
        if desc is None and ctx is None:
            return []
        scores = np.zeros(len(self.records), dtype=np.float32)
        if desc is not None:
            scores += desc
        if ctx is not None and ctx.max() > 0:
            # BM25 sums over query terms, so a whole file's identifiers would outscore a one-line
            # description many times over and every request would get the same examples: the
            # context is scaled to add at most CONTEXT_WEIGHT x the best description score.
            ceiling = float(desc.max()) if desc is not None and desc.max() > 0 else 1.0
            scores += (CONTEXT_WEIGHT * ceiling / float(ctx.max())) * ctx
        drop = self.excluded_indices(exclude)
        if drop:
            scores[list(drop)] = 0.0
        take = min(k, len(scores))
        top = np.argpartition(-scores, take - 1)[:take] if take < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]  # best first, ties by index (stable)
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0.0]

    def search(self, query: str, k: int = 2, *, context_code: str = "", exclude=None) -> list[dict]:
        """The ``k`` records nearest to the description ``query`` (and the code around the cursor)."""
        return [self.records[i] for i, _ in self.ranked(query, k, context_code=context_code, exclude=exclude)]
