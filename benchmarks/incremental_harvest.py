"""Benchmark: an incremental harvest (into the dataset an earlier harvest wrote) against a full one.

For each project (copied to a temp folder first) it times, best of ``--repeat``:
  full:      ``harvest_to_dataset(full=True)`` into a new folder (walk, read, parse, extract, classify,
             dedup, split, write),
  unchanged: the same call again with nothing changed (the default, incremental),
  one file:  one file changed (a comment added), then the incremental call,
and prints unchanged and one-file time as a fraction of the full one (target: full ÷ unchanged ≥ 20),
beside what parsing that one file alone costs. CPU time of this process (the machine is shared) and
wall time.

    .venv/bin/python benchmarks/incremental_harvest.py [--project NAME=DIR ...] [--repeat 3]

Default projects: the example app (``examples/``), and, where present, Flutter's API examples
(``/tmp/flutter_src/examples``: flutter/flutter's examples/api, ~1,000 widgets) and Flutter's gallery app
(``/tmp/exg/flutter_gallery``). Writes benchmarks/results/incremental_harvest.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dataset_tools.dart import parse  # noqa: E402
from dataset_tools.harvest import HarvestConfig  # noqa: E402
from dataset_tools.pipeline import harvest_to_dataset  # noqa: E402

DEFAULTS = [("example app", ROOT / "examples"), ("Flutter API examples", Path("/tmp/flutter_src/examples")),
            ("flutter_gallery", Path("/tmp/exg/flutter_gallery"))]


def timed(fn) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    value = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, value


def best(runs: list[tuple[float, float, object]]) -> tuple[float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs)


def measure(name: str, source: Path, repeat: int, scratch: Path) -> dict:
    tree = scratch / name.replace(" ", "_")
    shutil.copytree(source, tree, symlinks=True)
    full_runs = []
    for i in range(repeat):
        out = scratch / f"full-{name}-{i}".replace(" ", "_")
        full_runs.append(timed(lambda: harvest_to_dataset([tree], out, HarvestConfig(full=True))))
    out = scratch / f"full-{name}-0".replace(" ", "_")
    manifest = full_runs[0][2].manifest
    unchanged_runs = [timed(lambda: harvest_to_dataset([tree], out)) for _ in range(repeat)]
    assert all(r[2].unchanged for r in unchanged_runs)
    target = max((p for p in tree.rglob("*.dart") if "/lib/" in str(p) and not p.name.endswith(".g.dart")),
                 key=lambda p: p.stat().st_size)
    one_runs, parse_runs = [], []
    for i in range(repeat):
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"\n// edit {i}\n")
        one_runs.append(timed(lambda: harvest_to_dataset([tree], out)))
        assert one_runs[-1][2].manifest["files_reread"] == 1
        data = target.read_bytes()
        parse_runs.append(timed(lambda: parse(data)))
    full, unchanged, one, one_parse = best(full_runs), best(unchanged_runs), best(one_runs), best(parse_runs)
    return {"name": name, "source": str(source), "records": manifest["counts"]["total"],
            "files": manifest["files_seen"], "full": full, "unchanged": unchanged, "one_file": one,
            "one_parse": one_parse, "one_file_kb": target.stat().st_size / 1024}


def markdown(rows: list[dict], repeat: int) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    lines = ["# Incremental harvest", "",
             f"`.venv/bin/python benchmarks/incremental_harvest.py --repeat {repeat}` — {time.strftime('%Y-%m-%d')}, "
             f"{cpu}, {os.cpu_count()} cores; best of {repeat}; CPU time of the process (wall time in brackets). "
             "*full*: `harvest_to_dataset(full=True)` into a new folder; *unchanged*: the same call again, "
             "incremental; *one file*: the largest lib/ file changed, then the incremental call (parsing that "
             "file alone: *its parse*).", "",
             "| project | records | files | full s | unchanged s | full ÷ unchanged | one file s | its parse s | full ÷ one file |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['records']} | {r['files']} | {r['full'][0]:.3f} ({r['full'][1]:.3f}) | "
                     f"{r['unchanged'][0]:.3f} ({r['unchanged'][1]:.3f}) | **{r['full'][0] / r['unchanged'][0]:.0f}×** | "
                     f"{r['one_file'][0]:.3f} ({r['one_file'][1]:.3f}) | {r['one_parse'][0]:.3f} "
                     f"({r['one_file_kb']:.0f} KB) | {r['full'][0] / r['one_file'][0]:.1f}× |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", default=[], help="NAME=DIR (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    projects = [(p.partition("=")[0], Path(p.partition("=")[2])) for p in args.project] or \
        [(name, path) for name, path in DEFAULTS if path.is_dir()]
    with tempfile.TemporaryDirectory() as scratch:
        rows = []
        for name, path in projects:
            rows.append(measure(name, path, args.repeat, Path(scratch)))
            print(rows[-1], flush=True)
    text = markdown(rows, args.repeat)
    (ROOT / "benchmarks" / "results" / "incremental_harvest.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
