"""Benchmark: loading the shipped Flutter API index and looking names up in it.

Prints the file's size and what it holds, the time to load it (gzip + JSON; classes are decoded
when first asked for), and the time of 10,000 lookups of the kinds a check makes — ``find_class``
of a widget (known or not), ``has_static`` (``Icons.home``, ``Colors.red``) and the problems of a
constructor call — first on a freshly loaded index (each class decoded on its first lookup), then
again on the decoded one. Best of ``--repeat`` runs, wall time.

    .venv/bin/python benchmarks/api_index_speed.py [--repeat 5] [--lookups 10000] [--index FILE]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dataset_tools.dart.api import ApiIndex  # noqa: E402
from dataset_tools.dart.flutter_index import SHIPPED  # noqa: E402


def queries(index: ApiIndex, count: int, seed: int = 0) -> list[tuple]:
    """``count`` lookups: a third ``find_class``, a third ``has_static``, a third constructor calls;
    one in ten of the names unknown (a typo or a class of an unindexed package)."""
    rng = random.Random(seed)
    names = sorted(index.classes)
    out = []
    for i in range(count):
        name = rng.choice(names) if rng.random() > 0.1 else f"Unknown{i}"
        out.append((i % 3, name, rng.choice(["home", "red", "center", "zero", "nope"])))
    return out


def run(index: ApiIndex, lookups: list[tuple]) -> int:
    found = 0
    for kind, name, member in lookups:
        if kind == 0:
            found += index.find_class(name) is not None
        elif kind == 1:
            found += bool(index.has_static(name, member))
        else:
            cls = index.find_class(name)
            signature = cls.constructor() if cls is not None else None
            found += signature is not None and not signature.call_problems(0, ["child", "key"])
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=SHIPPED, help="the index file (default: the shipped one)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement; the best is kept")
    ap.add_argument("--lookups", type=int, default=10_000)
    args = ap.parse_args()

    best_load = best_cold = best_warm = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        index = ApiIndex.load(args.index)
        best_load = min(best_load, time.perf_counter() - start)
        lookups = queries(index, args.lookups)
        start = time.perf_counter()
        run(index, lookups)
        best_cold = min(best_cold, time.perf_counter() - start)
        start = time.perf_counter()
        run(index, lookups)
        best_warm = min(best_warm, time.perf_counter() - start)

    print(f"index: {args.index.name}, {args.index.stat().st_size / 1e6:.3f} MB; {len(index.classes)} classes, "
          f"{len(index.functions)} functions, {len(index.extension_members)} extension members")
    print(f"source: {index.source}")
    print(f"best of {args.repeat} runs, wall time")
    print(f"load (gzip + JSON):                       {best_load * 1e3:8.1f} ms   (target < 200 ms)")
    print(f"{args.lookups} lookups, fresh index (decoding): {best_cold * 1e3:8.1f} ms   "
          f"({best_cold / args.lookups * 1e6:.2f} µs each)")
    print(f"{args.lookups} lookups, decoded index:          {best_warm * 1e3:8.1f} ms   "
          f"({best_warm / args.lookups * 1e6:.2f} µs each)")


if __name__ == "__main__":
    main()
