"""Build the Flutter API index shipped in the package (``dataset_tools/dart/data/flutter_api.json.gz``)
from Flutter source, with the licence notices of what went in beside it (``FLUTTER_LICENSE``,
``SKY_ENGINE_LICENSE``).

From a Flutter SDK (its framework, the sky_engine of its ``bin/cache`` and their LICENSE files):

    .venv/bin/python scripts/build_flutter_index.py --sdk ~/flutter --source "flutter 3.22.0 + dart:ui …"

or from separate trees:

    .venv/bin/python scripts/build_flutter_index.py --framework FLUTTER/packages/flutter/lib \\
        --flutter-license FLUTTER/LICENSE --sky-engine SKY_ENGINE/lib --sky-engine-license SKY_ENGINE/LICENSE \\
        --source "what went in, said exactly"

The recipe (which folders, in which order) is ``dataset_tools.dart.flutter_index.build_flutter_index``,
the same one that indexes a user's SDK.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dataset_tools.dart.flutter_index import SHIPPED, build_flutter_index  # noqa: E402
from dataset_tools.dart.sdk import FlutterSdk  # noqa: E402
from dataset_tools.progress import TqdmProgress  # noqa: E402


SECTION = "-" * 80  # the line between sky_engine's LICENSE sections; each starts with the names it covers
KEPT_SECTIONS = frozenset({"dart", "engine", "sky_engine"})  # what the index reads: dart:core/async/math/ui


def write_atomic(text: str, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


def dart_sections(license_text: str) -> str:
    """The sections of sky_engine's LICENSE that cover the Dart SDK's and the engine's own libraries
    (its other sections are the third-party C/C++ code compiled into the engine, which the index does
    not read)."""
    sections = [s.strip("\n") for s in license_text.split(SECTION)]
    kept = [s for s in sections if s and s.split("\n", 1)[0].strip() in KEPT_SECTIONS]
    return f"\n{SECTION}\n".join(kept) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sdk", type=Path, help="a Flutter SDK folder (sets the four paths below)")
    ap.add_argument("--framework", type=Path, help="the framework's Dart source: packages/flutter/lib")
    ap.add_argument("--flutter-license", type=Path, help="the Flutter repository's LICENSE")
    ap.add_argument("--sky-engine", type=Path, help="sky_engine's lib folder (dart:ui, dart:core, ...)")
    ap.add_argument("--sky-engine-license", type=Path, help="sky_engine's LICENSE")
    ap.add_argument("--source", required=True, help="what went in, as the index's `source` says it")
    ap.add_argument("-o", "--out", type=Path, default=SHIPPED,
                    help="the index file; the licences are written beside it (default: the shipped one)")
    args = ap.parse_args()
    if args.sdk:
        sdk = FlutterSdk(args.sdk.expanduser().resolve())
        args.framework = args.framework or sdk.framework
        args.flutter_license = args.flutter_license or sdk.root / "LICENSE"
        args.sky_engine = args.sky_engine or sdk.dart_ui
        args.sky_engine_license = args.sky_engine_license or sdk.dart_ui.parent / "LICENSE"
    for name in ("framework", "flutter_license", "sky_engine", "sky_engine_license"):
        path = getattr(args, name)
        if path is None or not path.exists():
            ap.error(f"--{name.replace('_', '-')}: {path or 'not given'} does not exist")

    start = time.perf_counter()
    index = build_flutter_index(args.framework, args.sky_engine, args.source, TqdmProgress())
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    index.save(tmp)
    os.replace(tmp, out)
    write_atomic(args.flutter_license.read_text(encoding="utf-8"), out.parent / "FLUTTER_LICENSE")
    write_atomic(dart_sections(args.sky_engine_license.read_text(encoding="utf-8")), out.parent / "SKY_ENGINE_LICENSE")
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, {len(index.classes)} classes, {len(index.functions)} "
          f"functions, {len(index.extension_members)} extension members ({time.perf_counter() - start:.1f} s)")
    print(f"source: {index.source}")


if __name__ == "__main__":
    main()
