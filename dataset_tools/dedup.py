"""Duplicate removal: exact (whitespace-normalised output) then near-duplicates (MinHash LSH).

The first record in the given order wins; callers sort records deterministically first.
Near-duplicates are confirmed with the exact Jaccard similarity of the token 3-shingles,
so an LSH false positive never removes a record.

Computing a MinHash is most of the cost; ``signatures`` (an output's key → its MinHash values, kept
by the caller: the harvest cache) lets a dataset written again compute only those of new outputs,
and the shingles are made only for the records the LSH proposes. The LSH is datasketch's banding
(its band ranges for the threshold) over the signatures' bytes, without a MinHash object per record.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import MutableMapping

from .settings import setting

TOKEN = re.compile(r"\w+|[^\w\s]")
_SPACE = re.compile(r"\s+")
# Outputs whose normalised text (every record's) and shingles (those the bands propose) a harvest
# again in the same process takes from memory.
NORMALIZED_MEMO, SHINGLES_MEMO = 8192, 2048


@dataclass
class DedupConfig:
    """Near-duplicate settings."""

    threshold: float = setting(0.9, low=0.01, high=1.0, flag="--near-dup-threshold",
                               help="Jaccard similarity of token 3-shingles at which near-duplicates are dropped")
    num_perm: int = 64  # MinHash permutations
    shingle: int = 3  # tokens per shingle
    enabled: bool = True  # near-dup removal (exact dedup always runs)


@lru_cache(maxsize=NORMALIZED_MEMO)
def normalize(code: str) -> str:
    return _SPACE.sub(" ", code).strip()


@lru_cache(maxsize=SHINGLES_MEMO)
def shingles(code: str, k: int = 3) -> frozenset[bytes]:
    tokens = TOKEN.findall(code)
    if len(tokens) <= k:
        return frozenset({" ".join(tokens).encode()})
    return frozenset(" ".join(tokens[i:i + k]).encode() for i in range(len(tokens) - k + 1))


def exact_dedup(records: list[dict]) -> tuple[list[dict], int]:
    """Drop records whose whitespace-normalised ``output`` was seen before; returns (kept, dropped)."""
    seen: set[str] = set()
    kept = []
    for record in records:
        key = normalize(record["output"])
        if key in seen:
            continue
        seen.add(key)
        kept.append(record)
    return kept, len(records) - len(kept)


def signature_key(output: str, config: DedupConfig) -> str:
    """The key an output's MinHash values are kept under (they depend on the permutations and shingles)."""
    return _signature_key(output, config.num_perm, config.shingle)


@lru_cache(maxsize=NORMALIZED_MEMO)
def _signature_key(output: str, num_perm: int, shingle: int) -> str:
    return f"{num_perm}:{shingle}:" + hashlib.sha1(output.encode("utf-8")).hexdigest()


@lru_cache(maxsize=16)
def _bands(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """The byte ranges of a MinHash signature (``num_perm`` uint64 values) that datasketch's LSH would
    band it into for ``threshold``: records sharing one band's bytes are candidates."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return tuple((start * 8, end * 8) for start, end in lsh.hashranges)


def near_dedup(records: list[dict], config: DedupConfig | None = None,
               signatures: MutableMapping[str, bytes] | None = None) -> tuple[list[dict], int]:
    """Drop records whose output is a near-duplicate of an earlier kept one; returns (kept, dropped).
    The MinHash values of outputs in ``signatures`` are taken from it, the others added to it."""
    config = config or DedupConfig()
    if not config.enabled or len(records) < 2:
        return list(records), 0
    import numpy as np
    from datasketch import MinHash

    known = signatures if signatures is not None else {}
    keys = [signature_key(r["output"], config) for r in records]
    missing = [i for i, key in enumerate(keys) if key not in known]
    minhashes = MinHash.bulk([shingles(records[i]["output"], config.shingle) for i in missing], num_perm=config.num_perm)
    for index, minhash in zip(missing, minhashes):
        known[keys[index]] = minhash.hashvalues.astype(np.uint64).tobytes()
    # The bands only propose candidates; a lower bar than the real one raises recall (and keeps the
    # band count ≥ 2 for thresholds near 1), the exact Jaccard below decides.
    bands = _bands(max(0.05, min(config.threshold, 0.9) - 0.1), config.num_perm)
    buckets: list[dict[bytes, list[int]]] = [{} for _ in bands]
    kept = []
    for index, (record, key) in enumerate(zip(records, keys)):
        signature = known[key]
        parts = [signature[start:end] for start, end in bands]
        mine = None
        duplicate = False
        candidates = {other for bucket, part in zip(buckets, parts) for other in bucket.get(part, ())}
        for other in sorted(candidates):
            mine = mine if mine is not None else shingles(record["output"], config.shingle)
            theirs = shingles(records[other]["output"], config.shingle)
            union = len(mine | theirs)
            if union and len(mine & theirs) / union >= config.threshold:
                duplicate = True
                break
        if not duplicate:
            for bucket, part in zip(buckets, parts):
                bucket.setdefault(part, []).append(index)
            kept.append(record)
    return kept, len(records) - len(kept)


def dedup(records: list[dict], config: DedupConfig | None = None,
          signatures: MutableMapping[str, bytes] | None = None) -> tuple[list[dict], dict]:
    """Exact then near dedup; returns the kept records and ``{"exact": n, "near": m}``."""
    kept, exact = exact_dedup(records)
    kept, near = near_dedup(kept, config, signatures)
    return kept, {"exact": exact, "near": near}
