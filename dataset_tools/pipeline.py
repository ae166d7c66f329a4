"""Harvest project roots and write the dataset in one go (used by the CLI and the language server).

Incremental by default: when the output folder is a dataset an earlier harvest wrote, the roots are
first surveyed (walked and every file hashed, ``harvest.survey``); if the files and settings are the
ones that dataset was written from (its manifest's ``inputs``), nothing is read or written. Otherwise
files whose content the dataset's harvest cache holds are not parsed again, every file stays in the
split it had (``split.split_records``'s ``known``), and the manifest's ``changes`` says what changed
since that harvest. ``HarvestConfig.full`` (``--full``) reads everything again; files keep their
splits all the same.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .artifacts import is_artifact
from .atomic_io import read_jsonl
from .dataset import DatasetConfig, build_dataset, check_output_dir
from .errors import FlutterTuneError
from .harvest import HarvestConfig, HarvestResult, harvest_survey, survey
from .harvest_cache import CACHE_NAME, FileChanges, HarvestCache, content_hash, file_changes
from .inputs import load_json_array
from .progress import NULL_PROGRESS, Progress
from .split import SPLITS, group_key
from .symbols import summary
from .warm import WarmDataset, recall, remember

CHANGED_PATHS_LISTED = 20  # paths named per kind of change in the manifest; the counts are whole


@dataclass
class PipelineResult:
    """The harvest's findings and the manifest of the dataset written from them; ``harvest`` is None
    and ``unchanged`` True when nothing had changed, and the dataset was left as it was."""

    harvest: HarvestResult | None
    manifest: dict
    out_dir: Path
    unchanged: bool = False


def harvest_to_dataset(roots: Iterable[Path | str], out_dir: Path,
                       harvest_config: HarvestConfig | None = None,
                       dataset_config: DatasetConfig | None = None,
                       extra_files: Iterable[Path | str] = (),
                       progress: Progress = NULL_PROGRESS, tokenizer=None) -> PipelineResult:
    """Harvest ``roots``, merge hand-written pairs from ``extra_files``, write ``out_dir`` (with the
    user's symbols and the harvest cache) atomically; see the module docstring for what is kept."""
    harvest_config, dataset_config = harvest_config or HarvestConfig(), dataset_config or DatasetConfig()
    roots, extra_files = list(roots), list(extra_files)
    out_dir = check_output_dir(out_dir)
    manual = [r for f in extra_files for r in load_json_array(Path(f))]  # fail fast on bad pairs
    found = survey(roots, harvest_config)
    inputs = found.fingerprint(_harvest_settings(harvest_config), dataset_config, _tokenizer_name(tokenizer),
                               [(str(f), content_hash(Path(f).read_bytes())) for f in extra_files])
    previous = previous_manifest(out_dir)
    if previous is not None and previous.get("inputs") == inputs and not harvest_config.full:
        return PipelineResult(None, previous, out_dir, unchanged=True)
    known = recall(out_dir, previous)  # what this process wrote there, while it is still there
    if previous is None:
        cache = None
    elif known is not None:
        cache = known.cache
    else:
        cache = HarvestCache.load(out_dir / CACHE_NAME)
    result = harvest_survey(found, harvest_config, progress, None if harvest_config.full else cache)
    if cache is not None and harvest_config.full:
        result.changes = file_changes(cache, result.cache)
    elif cache is not None:
        result.cache.signatures = dict(cache.signatures)  # dedup computes only those of new outputs
    if not result.samples:
        where = ", ".join(result.roots)
        raise FlutterTuneError(
            f"No widgets found in {where} ({result.files_seen} Dart files read). "
            "Pass the root of a Flutter project whose lib/ defines widgets or Widget-returning functions.")
    before = previous_splits(out_dir, previous, dataset_config, known)
    extra = {
        "sources": result.roots,
        "projects": result.projects,
        "files_seen": result.files_seen,
        "files_harvested": result.files_harvested,
        "files_reread": result.files_reread,
        "harvested_samples": len(result.samples),
        "manual_samples": len(manual),
        "extra_files": [str(Path(f)) for f in extra_files],
        "skips": dict(sorted(result.skips.items())),
        "symbols": summary(result.symbols, result.packages),
        "inputs": inputs,
    }
    placed = {group_key(r): split for split, records in before.items() for r in records}
    written = build_dataset(result.samples + manual, out_dir, dataset_config, extra=extra, tokenizer=tokenizer,
                            symbols=result.symbols, cache=result.cache, known_splits=placed,
                            changes=lambda splits: changes_summary(previous, result.changes, before, splits))
    remember(out_dir, WarmDataset(written.manifest["write_id"], result.cache, written.splits))
    return PipelineResult(result, written.manifest, out_dir)


def _harvest_settings(config: HarvestConfig) -> tuple:
    """The harvest settings that change what is read (not how fast, not ``full``)."""
    return config.max_file_kb, config.max_files, config.follow_external_symlinks


def _tokenizer_name(tokenizer) -> str:
    return "" if tokenizer is None else str(getattr(tokenizer, "name_or_path", type(tokenizer).__name__))


def previous_manifest(out_dir: Path) -> dict | None:
    """The manifest of the dataset ``out_dir`` holds (None: no dataset of ours there, or unreadable)."""
    if not is_artifact(out_dir, "dataset"):
        return None
    try:
        manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def dataset_config_of(manifest: dict) -> DatasetConfig:
    """The split seed, ratios and augmentation a dataset was written with (its manifest), so that a harvest
    started on its own (after a save) writes it again the same way."""
    config = DatasetConfig()
    seed, ratios, augment = manifest.get("seed"), manifest.get("ratios"), manifest.get("augment")
    return dataclasses.replace(
        config, seed=seed if isinstance(seed, int) else config.seed,
        ratios=tuple(ratios) if isinstance(ratios, list) and len(ratios) == 3 else config.ratios,
        augment=augment if isinstance(augment, int) else config.augment)


def previous_splits(out_dir: Path, manifest: dict | None, config: DatasetConfig,
                    known: WarmDataset | None = None) -> dict[str, list[dict]]:
    """The records of the dataset being replaced, by split (from ``known`` when this process has them);
    empty when there is none or it was split with another seed or other ratios (then every group is
    placed afresh)."""
    if manifest is None or manifest.get("seed") != config.seed or manifest.get("ratios") != list(config.ratios):
        return {}
    if known is not None:
        return known.splits
    try:
        return {split: read_jsonl(out_dir / f"{split}.jsonl") for split in SPLITS}
    except (OSError, ValueError, FlutterTuneError):
        return {}


def changes_summary(previous: dict | None, files: FileChanges | None, before: dict[str, list[dict]],
                    after: dict[str, list[dict]]) -> dict | None:
    """What the manifest records of the changes since the dataset replaced: the projects' files added,
    changed and removed (counts, and the first paths), and per split the records added and removed
    (a record changed counts once each way). None for a first harvest."""
    if previous is None:
        return None
    out: dict = {"since": previous.get("created")}
    if files is not None:
        for kind in ("added", "changed", "removed"):
            paths = getattr(files, kind)
            out[f"files_{kind}"] = len(paths)
            out[f"files_{kind}_paths"] = paths[:CHANGED_PATHS_LISTED]
    for split in SPLITS:
        old = {_record_key(r) for r in before.get(split, [])}
        new = {_record_key(r) for r in after.get(split, [])}
        out[split] = {"added": len(new - old), "removed": len(old - new)}
    return out


def _record_key(record: dict) -> tuple:
    return group_key(record), record.get("instruction", ""), record.get("input", ""), record["output"]
