"""Benchmark: what the ``resolves`` check costs per widget, on the example app's widgets.

Harvests examples/trail_journal (each sample is one widget, the unit a candidate is), parses each once,
then times per widget (CPU time, best of ``--repeat``):
  resolve:            trainer.generation.resolve.resolve(root, index) on the parsed tree — what the check adds;
  checks:             check_widget(code) without an index (the checks as they were, parse included);
  checks + resolves:  check_widget(code, api=index).
The index is built here, saved and loaded back as an index file is (gzipped JSON, classes decoded
on first use): the app's own declarations (``trainer.generation.declared`` over every lib file, as
the user's symbols would be), every other class the widgets name (with one unnamed constructor and
no parameters, so every call with arguments runs the whole path and writes its phrases), and
``--filler`` classes more, for a Flutter-sized index. The first pass over the widgets (classes decoded
as they are first looked up) is timed apart.

    .venv/bin/python benchmarks/resolve_speed.py [--repeat 7] [--filler 5000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dataset_tools.dart import parse  # noqa: E402
from dataset_tools.dart.api import ApiIndex, DartClass, Signature  # noqa: E402
from dataset_tools.harvest import harvest  # noqa: E402
from trainer.generation.checks import check_widget  # noqa: E402
from trainer.generation.declared import declared  # noqa: E402
from trainer.generation.resolve import resolve  # noqa: E402

EXAMPLE = ROOT / "examples" / "trail_journal"


def build_index(widgets: list[str], filler: int, folder: Path) -> ApiIndex:
    """The app's own classes, every other class the widgets name, ``filler`` more; saved and loaded."""
    classes: dict[str, DartClass] = {}
    for path in sorted((EXAMPLE / "lib").rglob("*.dart")):
        classes.update(declared(parse(path.read_bytes()).root_node).classes)
    index = ApiIndex(dict(classes))
    for code in widgets:
        for phrase in resolve(parse(code).root_node, index).unknown:
            name = phrase.removeprefix("unknown class ")
            if " " not in name:
                classes[name] = DartClass(name, constructors={"": Signature("")})
        index = ApiIndex(dict(classes))
    for i in range(filler):
        classes[f"Filler{i}"] = DartClass(f"Filler{i}", constructors={"": Signature("")},
                                          static_members=frozenset(f"m{k}" for k in range(20)))
    path = folder / "api.json.gz"
    ApiIndex(classes, source="benchmark").save(path)
    return ApiIndex.load(path)


def cpu_per_widget(fn, items, repeat: int) -> list[float]:
    """Per item, the best CPU seconds of ``repeat`` calls of ``fn(item)``."""
    best = [float("inf")] * len(items)
    for _ in range(repeat):
        for i, item in enumerate(items):
            start = time.process_time_ns()
            fn(item)
            best[i] = min(best[i], (time.process_time_ns() - start) / 1e9)
    return best


def describe(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return (f"{name:<20} mean {statistics.mean(ms):6.3f} ms   median {statistics.median(ms):6.3f} ms   "
            f"p95 {p95:6.3f} ms   max {ms[-1]:6.3f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--filler", type=int, default=5000)
    args = ap.parse_args()

    widgets = [s["output"] for s in harvest([EXAMPLE]).samples]
    lines = [len(w.splitlines()) for w in widgets]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        index = build_index(widgets, args.filler, Path(tmp))
        built = time.perf_counter() - start
    roots = [parse(w).root_node for w in widgets]
    start = time.process_time()
    first = [resolve(root, index) for root in roots]
    cold = time.process_time() - start
    print(f"widgets: {len(widgets)} harvested from {EXAMPLE.relative_to(ROOT)}, lines per widget "
          f"median {statistics.median(lines):.0f}, max {max(lines)}")
    print(f"index: {len(index.classes)} classes (built, saved and loaded in {built:.2f} s); "
          f"CPU time, best of {args.repeat} per widget")
    print(f"phrases per widget: {statistics.mean(len(r.wrong) + len(r.unknown) for r in first):.1f} "
          f"(wrong {sum(len(r.wrong) for r in first)}, unknown {sum(len(r.unknown) for r in first)} in all)")
    print(f"first pass, classes decoded on first use: {1000 * cold / len(roots):.3f} ms per widget")
    print(describe("resolve", cpu_per_widget(lambda root: resolve(root, index), roots, args.repeat)))
    plain = cpu_per_widget(check_widget, widgets, args.repeat)
    both = cpu_per_widget(lambda code: check_widget(code, api=index), widgets, args.repeat)
    print(describe("checks", plain))
    print(describe("checks + resolves", both))
    print(f"checks + resolves ÷ checks: {sum(both) / sum(plain):.2f}×")


if __name__ == "__main__":
    main()
