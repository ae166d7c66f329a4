"""Duplicate removal: exact (whitespace-normalised output) then near-duplicates (MinHash LSH).

The first record in the given order wins; callers sort records deterministically first.
Near-duplicates are confirmed with the exact Jaccard similarity of the token 3-shingles,
so an LSH false positive never removes a record.

Computing a MinHash is most of the cost; ``signatures`` (an output's key → its MinHash values, kept
by the caller: the harvest cache) lets a dataset written again compute only those of new outputs,
and the shingles are made only for the records the LSH proposes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import MutableMapping

from .settings import setting

TOKEN = re.compile(r"\w+|[^\w\s]")
_SPACE = re.compile(r"\s+")


@dataclass
class DedupConfig:
    """Near-duplicate settings."""

    threshold: float = setting(0.9, low=0.01, high=1.0, flag="--near-dup-threshold",
                               help="Jaccard similarity of token 3-shingles at which near-duplicates are dropped")
    num_perm: int = 64  # MinHash permutations
    shingle: int = 3  # tokens per shingle
    enabled: bool = True  # near-dup removal (exact dedup always runs)


def normalize(code: str) -> str:
    return _SPACE.sub(" ", code).strip()


def shingles(code: str, k: int = 3) -> set[bytes]:
    tokens = TOKEN.findall(code)
    if len(tokens) <= k:
        return {" ".join(tokens).encode()}
    return {" ".join(tokens[i:i + k]).encode() for i in range(len(tokens) - k + 1)}


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
    return f"{config.num_perm}:{config.shingle}:" + hashlib.sha1(output.encode("utf-8")).hexdigest()


def near_dedup(records: list[dict], config: DedupConfig | None = None,
               signatures: MutableMapping[str, bytes] | None = None) -> tuple[list[dict], int]:
    """Drop records whose output is a near-duplicate of an earlier kept one; returns (kept, dropped).
    The MinHash values of outputs in ``signatures`` are taken from it, the others added to it."""
    config = config or DedupConfig()
    if not config.enabled or len(records) < 2:
        return list(records), 0
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    sets: dict[int, set[bytes]] = {}

    def items(index: int) -> set[bytes]:
        if index not in sets:
            sets[index] = shingles(records[index]["output"], config.shingle)
        return sets[index]

    known = signatures if signatures is not None else {}
    keys = [signature_key(r["output"], config) for r in records]
    missing = [i for i, key in enumerate(keys) if key not in known]
    for index, minhash in zip(missing, MinHash.bulk([items(i) for i in missing], num_perm=config.num_perm)):
        known[keys[index]] = minhash.hashvalues.astype(np.uint64).tobytes()
    # The LSH only proposes candidates; a lower bar than the real one raises recall (and keeps
    # datasketch's band count ≥ 2 for thresholds near 1), the exact Jaccard below decides.
    lsh = MinHashLSH(threshold=max(0.05, min(config.threshold, 0.9) - 0.1), num_perm=config.num_perm)
    permutations = MinHash(num_perm=config.num_perm).permutations  # made once, not per record
    kept = []
    for index, (record, key) in enumerate(zip(records, keys)):
        mh = MinHash(hashvalues=np.frombuffer(known[key], dtype=np.uint64), scheme="affine32",
                     permutations=permutations)
        duplicate = False
        for other in lsh.query(mh):
            mine, theirs = items(index), items(other)
            union = len(mine | theirs)
            if union and len(mine & theirs) / union >= config.threshold:
                duplicate = True
                break
        if not duplicate:
            lsh.insert(index, mh)
            kept.append(record)
    return kept, len(records) - len(kept)


def dedup(records: list[dict], config: DedupConfig | None = None,
          signatures: MutableMapping[str, bytes] | None = None) -> tuple[list[dict], dict]:
    """Exact then near dedup; returns the kept records and ``{"exact": n, "near": m}``."""
    kept, exact = exact_dedup(records)
    kept, near = near_dedup(kept, config, signatures)
    return kept, {"exact": exact, "near": near}
