"""Duplicate removal: exact (whitespace-normalised output) then near-duplicates (MinHash LSH).

The first record in the given order wins; callers sort records deterministically first.
Near-duplicates are confirmed with the exact Jaccard similarity of the token 3-shingles,
so an LSH false positive never removes a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def near_dedup(records: list[dict], config: DedupConfig | None = None) -> tuple[list[dict], int]:
    """Drop records whose output is a near-duplicate of an earlier kept one; returns (kept, dropped)."""
    config = config or DedupConfig()
    if not config.enabled or len(records) < 2:
        return list(records), 0
    from datasketch import MinHash, MinHashLSH

    sets = [shingles(r["output"], config.shingle) for r in records]
    hashes = MinHash.bulk(sets, num_perm=config.num_perm)
    # The LSH only proposes candidates; a lower bar than the real one raises recall (and keeps
    # datasketch's band count ≥ 2 for thresholds near 1), the exact Jaccard below decides.
    lsh = MinHashLSH(threshold=max(0.05, min(config.threshold, 0.9) - 0.1), num_perm=config.num_perm)
    kept = []
    for index, (record, items, mh) in enumerate(zip(records, sets, hashes)):
        duplicate = False
        for other in lsh.query(mh):
            other_items = sets[other]
            union = len(items | other_items)
            if union and len(items & other_items) / union >= config.threshold:
                duplicate = True
                break
        if not duplicate:
            lsh.insert(index, mh)
            kept.append(record)
    return kept, len(records) - len(kept)


def dedup(records: list[dict], config: DedupConfig | None = None) -> tuple[list[dict], dict]:
    """Exact then near dedup; returns the kept records and ``{"exact": n, "near": m}``."""
    kept, exact = exact_dedup(records)
    kept, near = near_dedup(kept, config)
    return kept, {"exact": exact, "near": near}
