"""Benchmark: an incremental harvest (into the dataset an earlier harvest wrote) against a full one.

For each project (copied to a temp folder first) it times, best of ``--repeat``, each step both in a new
process (the CLI: everything read from the disk) and in this process after the step before (the
language server's harvest after a save: ``dataset_tools.warm``'s memory of the files and the dataset):
  full:      ``harvest_to_dataset(full=True)`` into a new folder (walk, read, parse, extract, classify,
             dedup, split, write), in a new process,
  unchanged: the same call again with nothing changed (the default, incremental),
  one file:  one file changed (a comment added), then the incremental call,
and prints full ÷ unchanged (target ≥ 20) and full ÷ one file, beside what parsing that one file alone
costs (the issue's target: a one-file change costs about one file's parse). CPU time of the process
doing the harvest (the machine is shared), wall time in brackets.

    .venv/bin/python benchmarks/incremental_harvest.py [--project NAME=DIR ...] [--repeat 3]

Default projects: the example app (``examples/``), and, where present, Flutter's API examples
(``/tmp/flutter_src/examples``: flutter/flutter's examples/api, ~1,000 widgets) and Flutter's gallery app
(``/tmp/exg/flutter_gallery``). Writes benchmarks/results/incremental_harvest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
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


NEW_PROCESS = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from dataset_tools.harvest import HarvestConfig
from dataset_tools.pipeline import harvest_to_dataset
import datasketch, numpy  # imported once per process whatever is harvested: not counted
from dataset_tools.dart import parse
parse(b"class A {}")
cpu, wall = time.process_time(), time.perf_counter()
result = harvest_to_dataset([Path(sys.argv[2])], Path(sys.argv[3]), HarvestConfig(full=sys.argv[4] == "full"))
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps([cpu, wall, result.unchanged, result.manifest.get("files_reread"), result.manifest["counts"]["total"],
                  result.manifest.get("files_seen")]))
"""


def in_new_process(tree: Path, out: Path, full: bool = False) -> tuple[float, float, dict]:
    """The harvest's CPU and wall time in a fresh interpreter (its imports and the grammar's loading not
    counted)."""
    done = subprocess.run([sys.executable, "-c", NEW_PROCESS, str(ROOT), str(tree), str(out),
                           "full" if full else "incremental"], check=True, capture_output=True, text=True,
                          env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    cpu, wall, unchanged, reread, total, files = json.loads(done.stdout.strip().splitlines()[-1])
    return cpu, wall, {"unchanged": unchanged, "files_reread": reread, "total": total, "files": files}


def best(runs: list[tuple]) -> tuple[float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs)


def measure(name: str, source: Path, repeat: int, scratch: Path) -> dict:
    tree = scratch / name.replace(" ", "_")
    shutil.copytree(source, tree, symlinks=True)
    full_runs = [in_new_process(tree, scratch / f"full-{name}-{i}".replace(" ", "_"), full=True) for i in range(repeat)]
    out = scratch / f"full-{name}-0".replace(" ", "_")
    found = full_runs[0][2]
    unchanged_cold = [in_new_process(tree, out) for _ in range(repeat)]
    assert all(r[2]["unchanged"] for r in unchanged_cold)
    harvest_to_dataset([tree], out)  # this process now knows the files and the dataset, as the server does
    unchanged_warm = [timed(lambda: harvest_to_dataset([tree], out)) for _ in range(repeat)]
    assert all(r[2].unchanged for r in unchanged_warm)
    target = max((p for p in tree.rglob("*.dart") if "/lib/" in str(p) and not p.name.endswith(".g.dart")),
                 key=lambda p: p.stat().st_size)
    one_cold, one_warm, parse_runs = [], [], []
    for i in range(repeat):
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"\n// edit {i}\n")
        one_cold.append(in_new_process(tree, out))
        assert one_cold[-1][2]["files_reread"] == 1
        for again in ("again", "once more"):  # the first learns the dataset the new process wrote
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(f"\n// edit {i} {again}\n")
            run = timed(lambda: harvest_to_dataset([tree], out))
        one_warm.append(run)
        assert one_warm[-1][2].manifest["files_reread"] == 1
        data = target.read_bytes()
        parse_runs.append(timed(lambda: parse(data)))
    return {"name": name, "source": str(source), "records": found["total"], "files": found["files"],
            "full": best(full_runs), "unchanged_cold": best(unchanged_cold), "unchanged_warm": best(unchanged_warm),
            "one_cold": best(one_cold), "one_warm": best(one_warm), "one_parse": best(parse_runs),
            "one_file_kb": target.stat().st_size / 1024}


def markdown(rows: list[dict], repeat: int) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    lines = ["# Incremental harvest", "",
             f"`.venv/bin/python benchmarks/incremental_harvest.py --repeat {repeat}` — {time.strftime('%Y-%m-%d')}, "
             f"{cpu}, {os.cpu_count()} cores; best of {repeat}; CPU seconds of the harvest (wall in brackets). "
             "*full*: `harvest_to_dataset(full=True)` into a new folder, in a new process; *unchanged*: the "
             "same call again, incremental; *one file*: the largest lib/ file changed, then the incremental "
             "call; each in a **new process** (the CLI: read from the disk) and **in process** after the harvest "
             "before (the language server after a save); *its parse*: tree-sitter parsing that file alone.", "",
             "| project | records | files | full s | unchanged s: new process / in process | full ÷ unchanged "
             "| one file s: new process / in process | full ÷ one file | its parse s | one file ÷ its parse (in process) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        full = r["full"][0]
        lines.append(
            f"| {r['name']} | {r['records']} | {r['files']} | {full:.3f} ({r['full'][1]:.3f}) | "
            f"{r['unchanged_cold'][0]:.3f} / {r['unchanged_warm'][0]:.3f} | "
            f"**{full / r['unchanged_cold'][0]:.0f}× / {full / r['unchanged_warm'][0]:.0f}×** | "
            f"{r['one_cold'][0]:.3f} ({r['one_cold'][1]:.3f}) / {r['one_warm'][0]:.3f} ({r['one_warm'][1]:.3f}) | "
            f"{full / r['one_cold'][0]:.1f}× / **{full / r['one_warm'][0]:.1f}×** | "
            f"{r['one_parse'][0]:.4f} ({r['one_file_kb']:.0f} KB) | {r['one_warm'][0] / r['one_parse'][0]:.0f}× |")
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
