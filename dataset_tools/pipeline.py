"""Harvest project roots and write the dataset in one go (used by the CLI and the language server)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .dataset import DatasetConfig, build_dataset, check_output_dir
from .errors import FlutterTuneError
from .harvest import HarvestConfig, HarvestResult, harvest
from .inputs import load_json_array
from .progress import NULL_PROGRESS, Progress
from .symbols import summary


@dataclass
class PipelineResult:
    """The harvest's findings and the manifest of the dataset written from them."""

    harvest: HarvestResult
    manifest: dict
    out_dir: Path


def harvest_to_dataset(roots: Iterable[Path | str], out_dir: Path,
                       harvest_config: HarvestConfig | None = None,
                       dataset_config: DatasetConfig | None = None,
                       extra_files: Iterable[Path | str] = (),
                       progress: Progress = NULL_PROGRESS, tokenizer=None) -> PipelineResult:
    """Harvest ``roots``, merge hand-written pairs from ``extra_files``, write ``out_dir`` (with the
    user's symbols) atomically."""
    roots, extra_files = list(roots), list(extra_files)
    out_dir = check_output_dir(out_dir)
    manual = [r for f in extra_files for r in load_json_array(Path(f))]  # fail fast on bad pairs
    result = harvest(roots, harvest_config, progress)
    if not result.samples:
        where = ", ".join(result.roots)
        raise FlutterTuneError(
            f"No widgets found in {where} ({result.files_seen} Dart files read). "
            "Pass the root of a Flutter project whose lib/ defines widgets or Widget-returning functions.")
    extra = {
        "sources": result.roots,
        "projects": result.projects,
        "files_seen": result.files_seen,
        "files_harvested": result.files_harvested,
        "harvested_samples": len(result.samples),
        "manual_samples": len(manual),
        "extra_files": [str(Path(f)) for f in extra_files],
        "skips": dict(sorted(result.skips.items())),
        "symbols": summary(result.symbols, result.packages),
    }
    manifest = build_dataset(result.samples + manual, out_dir, dataset_config, extra=extra, tokenizer=tokenizer,
                             symbols=result.symbols)
    return PipelineResult(result, manifest, out_dir)
