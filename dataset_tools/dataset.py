"""Build a dataset folder from records: sort, dedup, augment, split, write atomically with a manifest.

The folder holds ``train.jsonl``, ``validation.jsonl``, ``test.jsonl`` (loadable with
``datasets.load_dataset("json", data_files=...)``), ``manifest.json`` and, for a harvest, the user's
symbols (``symbols.json.gz``: ``dataset_tools.symbols``) and the harvest's per-file cache
(``harvest_cache.jsonl``: ``dataset_tools.harvest_cache``).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import __version__
from .artifacts import artifact_dir, check_replaceable
from .atomic_io import jsonl_text
from .dart.api import ApiIndex
from .dedup import TOKEN, DedupConfig, dedup, signature_key
from .errors import FlutterTuneError
from .harvest_cache import CACHE_NAME, HarvestCache
from .instructions import REPHRASINGS, augment_instructions
from .settings import setting
from .split import SPLITS, split_records
from .symbols import SYMBOLS_NAME

_ORIGIN_RANK = {"manual": 0, "doc": 1, "synthesized": 2}
PERCENTILES = (50, 90, 95, 99)


@dataclass
class DatasetConfig:
    """How records become a dataset folder."""

    seed: int = setting(0, low=0, high=2**32 - 1, flag="--seed", help="split seed")
    ratios: tuple[float, float, float] = (0.8, 0.1, 0.1)  # train/validation/test
    augment: int = setting(0, low=0, high=REPHRASINGS, flag="--augment",
                           help="add up to N rephrased instructions per sample, 0 for none")
    dedup: DedupConfig = field(default_factory=DedupConfig)


OUTPUT_HINT = " (-o, or the flutterTune.datasetDir setting)"


def check_output_dir(out_dir: Path) -> Path:
    """Refuse, before any work is done, an output path that is not new, empty or one of our datasets."""
    out_dir = Path(out_dir).expanduser()
    check_replaceable(out_dir, "dataset", OUTPUT_HINT)
    return out_dir


def sort_key(record: dict) -> tuple:
    """Deterministic order; hand-written and documented samples first so dedup keeps them."""
    return (_ORIGIN_RANK.get(record.get("instruction_source"), 3), str(record.get("project", "")),
            str(record.get("source", "")), _int(record.get("line")), str(record.get("name", "")),
            record["output"])


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def augment(records: list[dict], n: int) -> list[dict]:
    """Each record followed by up to ``n`` copies with rephrased instructions (``augmented``)."""
    if n <= 0:
        return records
    out = []
    for record in records:
        out.append(record)
        for text in augment_instructions(record, n):
            out.append({**record, "instruction": text, "instruction_source": "augmented"})
    return out


def token_lengths(records: list[dict], tokenizer: Callable | None = None) -> dict:
    """Percentiles of instruction+output length in tokens (regex tokens, or ``tokenizer.encode``)."""
    if tokenizer is not None:
        encode = getattr(tokenizer, "encode", tokenizer)
        lengths = sorted(len(encode(r["instruction"] + "\n" + r["output"])) for r in records)
        counter = "tokenizer"
    else:
        lengths = sorted(_regex_tokens(r["instruction"]) + _regex_tokens(r["output"]) for r in records)
        counter = "regex"
    stats: dict = {"counter": counter}
    if lengths:
        for p in PERCENTILES:
            stats[f"p{p}"] = lengths[min(len(lengths) - 1, max(0, -(-p * len(lengths) // 100) - 1))]
        stats["max"] = lengths[-1]
    return stats


@lru_cache(maxsize=16384)
def _regex_tokens(text: str) -> int:
    return len(TOKEN.findall(text))


def _counts(records: list[dict], key: str) -> dict:
    return dict(sorted(Counter(str(r.get(key, "")) for r in records).items()))


def build_manifest(splits: dict[str, list[dict]], config: DatasetConfig, dedup_stats: dict,
                   extra: dict, tokenizer=None) -> dict:
    everything = [r for s in SPLITS for r in splits[s]]
    return {
        "tool": "flutter-tune",
        "version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seed": config.seed,
        "ratios": list(config.ratios),
        "counts": {**{s: len(splits[s]) for s in SPLITS}, "total": len(everything)},
        "kinds": _counts(everything, "kind"),
        "kinds_per_split": {s: _counts(splits[s], "kind") for s in SPLITS},
        "instruction_sources": _counts(everything, "instruction_source"),
        "dedup": dedup_stats,
        "augment": config.augment,
        "token_lengths": token_lengths(everything, tokenizer),
        **extra,
    }


def write_dataset(out_dir: Path, splits: dict[str, list[dict]], manifest: dict,
                  symbols: ApiIndex | None = None, cache: HarvestCache | None = None) -> None:
    """Write the split files, the manifest, the symbols and the harvest cache (when given) into a temp
    folder, then swap it in."""
    with artifact_dir(out_dir, "dataset", hint=OUTPUT_HINT) as tmp:
        for name in SPLITS:
            (tmp / f"{name}.jsonl").write_text(jsonl_text(splits[name]), encoding="utf-8")
        if symbols is not None:
            symbols.save(tmp / SYMBOLS_NAME)
        if cache is not None:
            cache.save(tmp / CACHE_NAME)
        _write_manifest(tmp, manifest)


def _write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")


@dataclass
class Written:
    """A dataset folder as written: its manifest and its records by split."""

    manifest: dict
    splits: dict[str, list[dict]]


def build_dataset(records: list[dict], out_dir: Path, config: DatasetConfig | None = None, *,
                  extra: dict | None = None, tokenizer=None, symbols: ApiIndex | None = None,
                  cache: HarvestCache | None = None, known_splits: dict[str, str] | None = None,
                  changes: Callable[[dict[str, list[dict]]], dict | None] | None = None) -> Written:
    """Dedup, augment, split and write ``records`` (and the harvest's ``symbols`` and ``cache``) to
    ``out_dir``; returns the manifest and the splits written. The manifest's ``write_id`` is new
    every time (``warm`` knows a folder it wrote by it).

    ``extra`` is merged into the manifest (skip counts, sources, files seen, ...); ``known_splits``
    keeps groups where the dataset replaced had them (``split.split_records``); ``changes(splits)``
    gives the manifest's ``changes`` from the splits written.
    """
    config = config or DatasetConfig()
    out_dir = check_output_dir(out_dir)
    if not records:
        raise FlutterTuneError("No samples to write: nothing was harvested or loaded.")
    ordered = sorted(records, key=sort_key)
    kept, dedup_stats = dedup(ordered, config.dedup, cache.signatures if cache is not None else None)
    if cache is not None:  # only the outputs of this dataset's records are kept for the next one
        wanted = {signature_key(r["output"], config.dedup) for r in ordered}
        cache.signatures = {key: value for key, value in cache.signatures.items() if key in wanted}
    splits = split_records(augment(kept, config.augment), config.seed, config.ratios, known_splits)
    manifest = build_manifest(splits, config, dedup_stats, extra or {}, tokenizer)
    if changes is not None and (changed := changes(splits)) is not None:
        manifest["changes"] = changed
    manifest["write_id"] = uuid.uuid4().hex
    write_dataset(out_dir, splits, manifest, symbols, cache)
    return Written(manifest, splits)
