"""Benchmark: from a saved Dart file to its widget being a retrieval example (continuous learning).

The projects are copied to a temp folder and harvested into a dataset, and its retrieval index is built.
Then, ``--repeat`` times, a new widget is written into a file of the train split and what the language
server does after ``didSave`` is timed (``server.features.learning``: the incremental harvest into the
dataset, the retrieval index rebuilt from it), until a search for the widget's description returns it.
Wall and CPU time of this process; the full harvest of the same projects is timed once for scale.

    .venv/bin/python benchmarks/save_to_example.py [--project DIR ...] [--repeat 5]

Default projects: the example app, Flutter's API examples (``/tmp/flutter_src/examples``) and Flutter's
gallery app (``/tmp/exg/flutter_gallery``) where present, harvested together (~1,200 widgets). Target:
under 1 s on 2 cores. Writes benchmarks/results/save_to_example.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dataset_tools.harvest import HarvestConfig  # noqa: E402
from dataset_tools.pipeline import harvest_to_dataset  # noqa: E402
from trainer.retrieval.examples import load_or_build  # noqa: E402

DEFAULTS = [ROOT / "examples", Path("/tmp/flutter_src/examples"), Path("/tmp/exg/flutter_gallery")]
WIDGET = ("\n/// Shows the {topic} banner of hike {i}.\nclass SavedBanner{i} extends StatelessWidget {{\n"
          "  const SavedBanner{i}({{super.key}});\n\n  @override\n  Widget build(BuildContext context) =>\n"
          "      Card(child: Text('{topic} {i}', maxLines: 2));\n}}\n")
TOPICS = ["avalanche", "glacier", "moraine", "scree", "cornice", "serac", "crevasse", "bergschrund"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", action="append", default=[], type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    projects = args.project or [p for p in DEFAULTS if p.is_dir()]
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        roots = []
        for i, project in enumerate(projects):
            roots.append(scratch / f"p{i}" / project.name)
            shutil.copytree(project, roots[-1], symlinks=True)
        dataset = scratch / "dataset"
        wall, cpu = time.perf_counter(), time.process_time()
        manifest = harvest_to_dataset(roots, dataset, HarvestConfig(full=True)).manifest
        full = (time.perf_counter() - wall, time.process_time() - cpu)
        load_or_build(dataset)
        train_files = sorted({(r["project"], r["source"]) for r in map(json.loads, (dataset / "train.jsonl")
                                                                       .read_text().splitlines())})
        by_name = {name: Path(source) for name, source in zip(manifest["projects"], manifest["sources"])}
        walls, cpus = [], []
        for i in range(args.repeat):
            project, source = train_files[(i * 37) % len(train_files)]
            target = by_name[project] / source
            topic = TOPICS[i % len(TOPICS)]
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(WIDGET.format(i=i, topic=topic))
            wall, cpu = time.perf_counter(), time.process_time()
            harvest_to_dataset(roots, dataset)
            found = load_or_build(dataset).search(f"the {topic} banner of hike {i}", k=1)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            assert found and found[0]["name"] == f"SavedBanner{i}", found[:1]
    cpu_name = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name")), "") if Path("/proc/cpuinfo").exists() else ""
    text = "\n".join([
        "# Saved file → retrieval example", "",
        f"`.venv/bin/python benchmarks/save_to_example.py --repeat {args.repeat}` — {time.strftime('%Y-%m-%d')}, "
        f"{cpu_name}, {os.cpu_count()} cores. Projects: {', '.join(p.name for p in projects)} harvested together "
        f"({manifest['counts']['total']} widgets, {manifest['counts']['train']} in train, "
        f"{manifest['files_seen']} files). Each time a new widget is appended to a file of the train split, then "
        "the incremental harvest and the retrieval index rebuild run (what the server does after `didSave`) until "
        "a search for the widget's description returns it. Target: < 1 s.", "",
        "| | wall s | CPU s |", "|---|---|---|",
        f"| saved → example, median of {args.repeat} | **{statistics.median(walls):.2f}** | {statistics.median(cpus):.2f} |",
        f"| saved → example, slowest | {max(walls):.2f} | {max(cpus):.2f} |",
        f"| full harvest of the same projects (for scale) | {full[0]:.2f} | {full[1]:.2f} |", ""])
    (ROOT / "benchmarks" / "results" / "save_to_example.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
