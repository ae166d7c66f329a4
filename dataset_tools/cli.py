"""Subcommands of the dataset layer: `harvest` (projects → dataset) and `dataset` (rebuild from files)."""

from __future__ import annotations

import argparse
import sys

from .flags import add_arguments, from_flags
from .paths import cli_path


def register(subparsers) -> None:
    from .harvest import HarvestConfig

    h = subparsers.add_parser(
        "harvest", help="harvest Flutter projects into a train/validation/test dataset",
        description="Walk Flutter project roots, extract widgets and Widget-returning code with "
                    "tree-sitter, and write a deduplicated, split dataset folder.")
    h.add_argument("paths", nargs="+", type=cli_path, metavar="PATH", help="Flutter project root(s) or .dart files")
    _common(h)
    add_arguments(h, HarvestConfig)
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
    from .dataset import DatasetConfig

    parser.add_argument("-o", "--output", default=None, type=cli_path, metavar="DIR",
                        help="dataset folder (default: <FLUTTER_TUNE_HOME or user data dir>/dataset)")
    add_arguments(parser, DatasetConfig)
    parser.add_argument("--progress-json", action="store_true",
                        help="report progress as JSON lines on stderr instead of a bar")


def _output(args):
    from pathlib import Path

    from .paths import default_dataset_dir

    return Path(args.output) if args.output is not None else default_dataset_dir()


def _progress(args):
    from .progress import JsonLinesProgress, TqdmProgress

    return JsonLinesProgress(sys.stderr) if args.progress_json else TqdmProgress(disable=None)


def run_harvest(args) -> int:
    from .dataset import DatasetConfig
    from .harvest import HarvestConfig
    from .pipeline import harvest_to_dataset

    config, dataset = from_flags(HarvestConfig, args), from_flags(DatasetConfig, args)
    result = harvest_to_dataset(args.paths, _output(args), config, dataset, extra_files=args.extra,
                                progress=_progress(args))
    if result.unchanged:
        print(f"Dataset {result.out_dir} is up to date: no file changed since its harvest of "
              f"{result.manifest.get('created', '?')} (--full reads every file again).")
        return 0
    print(summary(result.manifest, result.out_dir))
    return 0


def run_dataset(args) -> int:
    from .dataset import DatasetConfig, build_dataset, check_output_dir
    from .inputs import load_records

    config = from_flags(DatasetConfig, args)
    out = check_output_dir(_output(args))
    records = [r for path in args.inputs for r in load_records(path)]
    manifest = build_dataset(records, out, config, extra={"sources": [str(p) for p in args.inputs], "skips": {}}).manifest
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
    symbols = manifest.get("symbols")
    if symbols:
        unindexed = symbols.get("unindexed") or []
        lines.append(f"  symbols:       {symbols['classes']} classes, packages {', '.join(symbols['packages']) or 'none'}")
        lines.append("  not indexed:   " + (", ".join(unindexed[:8]) + (" …" if len(unindexed) > 8 else "") if unindexed
                                            else "none: every import is indexed, so a class no index holds is invented"))
    changes = manifest.get("changes")
    if changes:
        files = ", ".join(f"{changes[f'files_{kind}']} {kind}" for kind in ("added", "changed", "removed")
                          if f"files_{kind}" in changes)
        train = changes["train"]
        lines.append(f"  since last:    files {files or 'not compared'}; train records +{train['added']} "
                     f"-{train['removed']} ({manifest.get('files_reread', '?')} files parsed again)")
    tl = manifest["token_lengths"]
    if "p50" in tl:
        lines.append(f"  tokens:        p50 {tl['p50']}, p90 {tl['p90']}, max {tl['max']} ({tl['counter']})")
    return "\n".join(lines)
