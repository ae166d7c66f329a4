"""Subcommands of the dataset layer: `harvest` (projects → dataset) and `dataset` (rebuild from files)."""

from __future__ import annotations

import argparse
import sys

from .paths import cli_path


def register(subparsers) -> None:
    h = subparsers.add_parser(
        "harvest", help="harvest Flutter projects into a train/validation/test dataset",
        description="Walk Flutter project roots, extract widgets and Widget-returning code with "
                    "tree-sitter, and write a deduplicated, split dataset folder.")
    h.add_argument("paths", nargs="+", type=cli_path, metavar="PATH", help="Flutter project root(s) or .dart files")
    _common(h)
    h.add_argument("--jobs", type=int, default=1, help="parser processes (0 = all cores; default 1)")
    h.add_argument("--max-file-kb", type=int, default=512, help="skip .dart files bigger than this (default 512)")
    h.add_argument("--max-files", type=int, default=20000,
                   help="stop past this many .dart files, e.g. when given a home folder (default 20000)")
    h.add_argument("--follow-external-symlinks", action="store_true",
                   help="also follow symbolic links that lead outside the folders given (default: skipped)")
    h.add_argument("--extra", action="append", default=[], type=cli_path, metavar="FILE.json",
                   help="merge hand-written pairs from a JSON array of {instruction, input, output}")
    h.set_defaults(handler=run_harvest)

    d = subparsers.add_parser(
        "dataset", help="rebuild a dataset (dedup + split) from existing jsonl/JSON-array files",
        description="Merge dataset folders, .jsonl files and JSON-array pair files, deduplicate "
                    "and split them again.")
    d.add_argument("--from", dest="inputs", nargs="+", required=True, type=cli_path, metavar="DIR_OR_FILE",
                   help="dataset folders, .jsonl files or JSON-array files")
    _common(d)
    d.set_defaults(handler=run_dataset)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default=None, type=cli_path, metavar="DIR",
                        help="dataset folder (default: <FLUTTER_TUNE_HOME or user data dir>/dataset)")
    parser.add_argument("--seed", type=int, default=0, help="split seed (default 0)")
    parser.add_argument("--augment", type=int, default=0, metavar="N",
                        help="add up to N rephrased instructions per sample (default 0 = off)")
    parser.add_argument("--near-dup-threshold", type=float, default=0.9,
                        help="Jaccard similarity at which near-duplicates are dropped (default 0.9)")
    parser.add_argument("--progress-json", action="store_true",
                        help="report progress as JSON lines on stderr instead of a bar")


def _output(args):
    from pathlib import Path

    from .paths import default_dataset_dir

    return Path(args.output) if args.output is not None else default_dataset_dir()


def _dataset_config(args):
    from .dataset import DatasetConfig
    from .dedup import DedupConfig
    from .errors import FlutterTuneError

    if args.augment < 0:
        raise FlutterTuneError(f"--augment must be 0 or more (got {args.augment}).")
    if not 0 < args.near_dup_threshold <= 1:
        raise FlutterTuneError(f"--near-dup-threshold must be in (0, 1] (got {args.near_dup_threshold}).")
    return DatasetConfig(seed=args.seed, augment=args.augment, dedup=DedupConfig(threshold=args.near_dup_threshold))


def _progress(args):
    from .progress import JsonLinesProgress, TqdmProgress

    return JsonLinesProgress(sys.stderr) if args.progress_json else TqdmProgress(disable=None)


def run_harvest(args) -> int:
    from .errors import FlutterTuneError
    from .harvest import HarvestConfig
    from .pipeline import harvest_to_dataset

    if args.jobs < 0:
        raise FlutterTuneError(f"--jobs must be 0 (all cores) or more (got {args.jobs}).")
    if args.max_file_kb <= 0:
        raise FlutterTuneError(f"--max-file-kb must be positive (got {args.max_file_kb}).")
    if args.max_files <= 0:
        raise FlutterTuneError(f"--max-files must be positive (got {args.max_files}).")
    config = HarvestConfig(max_file_kb=args.max_file_kb, jobs=args.jobs, max_files=args.max_files,
                           follow_external_symlinks=args.follow_external_symlinks)
    result = harvest_to_dataset(
        args.paths, _output(args), config,
        _dataset_config(args), extra_files=args.extra, progress=_progress(args))
    print(summary(result.manifest, result.out_dir))
    return 0


def run_dataset(args) -> int:
    from .dataset import build_dataset, check_output_dir
    from .inputs import load_records

    out = check_output_dir(_output(args))
    records = [r for path in args.inputs for r in load_records(path)]
    manifest = build_dataset(records, out, _dataset_config(args),
                             extra={"sources": [str(p) for p in args.inputs], "skips": {}})
    print(summary(manifest, out))
    return 0


def summary(manifest: dict, out_dir) -> str:
    """A short table of what was written."""
    counts = manifest["counts"]
    rows = [("train", counts["train"]), ("validation", counts["validation"]), ("test", counts["test"]),
            ("total", counts["total"])]
    lines = [f"Dataset written to {out_dir}", "", f"  {'split':<12}{'samples':>8}"]
    lines += [f"  {name:<12}{n:>8}" for name, n in rows]
    lines.append("")

    def joined(mapping: dict) -> str:
        return ", ".join(f"{k} {v}" for k, v in mapping.items()) or "none"

    lines.append(f"  kinds:         {joined(manifest['kinds'])}")
    lines.append(f"  instructions:  {joined(manifest['instruction_sources'])}")
    d = manifest["dedup"]
    lines.append(f"  removed:       {d['exact']} exact duplicates, {d['near']} near duplicates")
    if "files_seen" in manifest:
        lines.append(f"  files:         {manifest['files_seen']} read, {manifest['files_harvested']} with samples")
    lines.append(f"  skipped:       {joined(manifest.get('skips', {}))}")
    tl = manifest["token_lengths"]
    if "p50" in tl:
        lines.append(f"  tokens:        p50 {tl['p50']}, p90 {tl['p90']}, max {tl['max']} ({tl['counter']})")
    return "\n".join(lines)
