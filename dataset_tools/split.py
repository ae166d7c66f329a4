"""Deterministic train/validation/test split, grouped by source file.

Every record of one file (``project`` + ``source``) lands in the same split, so near-identical
code in one file cannot leak from train into test. A group's split comes from a hash of the
seed and its key; groups are laid out in hash order and cut where the running share of
*samples* crosses 80% and 90%, so the splits hold about 80/10/10 of the samples even when files
differ in size, and adding files moves only the few groups near a cut. With ≥3 groups,
validation and test are never empty: the highest-hash groups of the biggest split are moved into them.
Hand-written pairs (``instruction_source: manual``) are grouped per entry, not per file.

A dataset written again keeps every group where it was (``known``: the splits of the dataset it
replaces, with the same seed and ratios): a held-out file never moves into training. Only new groups
are placed, each by its own hash (below 80 % of the unit interval: train, below 90 %: validation,
else test), so placing one never moves another.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "validation", "test")


def group_key(record: dict) -> str:
    key = f"{record.get('project', '')}\x00{record.get('source', '')}"
    if record.get("instruction_source") == "manual":
        key += f"\x00{record.get('line', '')}"
    return key


def record_fingerprint(record: dict) -> str:
    """A short hash of what a record teaches (its instruction, input and output): the same widget harvested
    again has the same fingerprint, a changed one another."""
    text = f"{record.get('instruction', '')}\x00{record.get('input', '') or ''}\x00{record.get('output', '')}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _unit(seed: int, key: str) -> float:
    digest = hashlib.sha256(f"{seed}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_groups(keys: list[str], seed: int = 0, ratios=(0.8, 0.1, 0.1)) -> dict[str, str]:
    """Map each distinct group key to "train" | "validation" | "test".

    ``keys`` has one entry per record, so a key's count is its group's size.
    """
    total = sum(ratios)
    cut1, cut2 = ratios[0] / total, (ratios[0] + ratios[1]) / total
    sizes: dict[str, int] = {}
    for key in keys:
        sizes[key] = sizes.get(key, 0) + 1
    units = {k: _unit(seed, k) for k in sizes}
    assigned, seen, n = {}, 0, len(keys)
    for key in sorted(sizes, key=lambda k: (units[k], k)):
        middle = (seen + sizes[key] / 2) / n  # where this group's samples sit in the running share
        assigned[key] = "train" if middle < cut1 else "validation" if middle < cut2 else "test"
        seen += sizes[key]
    if len(units) >= 3:
        for target in ("validation", "test"):
            if target in assigned.values():
                continue
            counts = {s: sum(1 for v in assigned.values() if v == s) for s in SPLITS}
            donor = max((s for s in SPLITS if counts[s] > 1), key=lambda s: counts[s])
            moved = max((k for k, v in assigned.items() if v == donor), key=lambda k: (units[k], k))
            assigned[moved] = target
    return assigned


def place_new_groups(keys: list[str], known: dict[str, str], seed: int = 0,
                     ratios=(0.8, 0.1, 0.1)) -> dict[str, str]:
    """The ``known`` groups where they were; each other group by its own hash against the ratios."""
    total = sum(ratios)
    cut1, cut2 = ratios[0] / total, (ratios[0] + ratios[1]) / total
    assigned = {}
    for key in keys:
        if key not in assigned:
            unit = _unit(seed, key)
            assigned[key] = known.get(key) or ("train" if unit < cut1 else "validation" if unit < cut2 else "test")
    return assigned


def split_records(records: list[dict], seed: int = 0, ratios=(0.8, 0.1, 0.1),
                  known: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """Split records into the three lists, keeping their order inside each split; with ``known``
    (group key → split of the dataset replaced), known groups stay where they were."""
    keys = [group_key(r) for r in records]
    assigned = place_new_groups(keys, known, seed, ratios) if known else assign_groups(keys, seed, ratios)
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for key, record in zip(keys, records):
        out[assigned[key]].append(record)
    return out
