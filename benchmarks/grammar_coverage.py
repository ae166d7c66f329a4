"""Benchmark: the share of real widgets the Dart grammar (trainer/generation/decoding/dart_widget.lark) accepts whole.

Each dataset folder's records (train, validation and test .jsonl; the widget's code in ``output``) are
tokenized by the default model's tokenizer as a completion is (``trainer.prompt.format_completion`` without EOS) and fed to
the grammar's matcher with every token allowed; a widget is accepted when every token is taken and the
grammar accepts the text at the end. For each failure, the first rejected spot: the line, with ``⟦`` where
the rejected token starts.

``--broken N`` also measures how tight the grammar is: per widget, N copies with one token deleted
(seeded), those tree-sitter no longer parses kept; the share of them the grammar rejects.

    .venv/bin/python benchmarks/grammar_coverage.py DATASET_DIR [DATASET_DIR ...] [--show 20] [--broken 5]

Prints a table (dataset, widgets, accepted, share, mean ms per token to feed, broken copies rejected)
and the failures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SPLITS = ("train", "validation", "test")


def widgets(folder: Path) -> list[tuple[str, str]]:
    """(where, code) of every record in the folder's splits."""
    from dataset_tools.atomic_io import read_jsonl

    found = []
    for split in SPLITS:
        path = folder / f"{split}.jsonl"
        if path.exists():
            for i, record in enumerate(read_jsonl(path)):
                found.append((f"{split}:{i} {record.get('source', '')}", record["output"]))
    return found


def rejected_spot(tokenizer, ids: list[int], consumed: int) -> str:
    """The line holding the first token the grammar rejected, ``⟦`` where it starts (or the end)."""
    before = tokenizer.decode(ids[:consumed])
    after = tokenizer.decode(ids[consumed:consumed + 1]) if consumed < len(ids) else "<end>"
    start = before.rfind("\n") + 1
    line_no = before.count("\n") + 1
    return f"line {line_no}: {before[start:].strip()}⟦{after}"


def broken_rejected(grammar, tokenizer, ids: list[int], copies: int, rng) -> tuple[int, int]:
    """Of ``copies`` copies of ``ids`` with one token deleted, those tree-sitter finds broken, and how
    many of them the grammar rejects (takes not every token, or does not accept at the end)."""
    from dataset_tools.dart import parse

    broken = rejected = 0
    for at in rng.choice(len(ids), size=min(copies, len(ids)), replace=False):
        cut = ids[:at] + ids[at + 1:]
        if not parse(tokenizer.decode(cut).encode()).root_node.has_error:
            continue
        broken += 1
        rejected += not grammar.accepts(cut).whole
    return broken, rejected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--show", type=int, default=30, help="failures listed per dataset")
    parser.add_argument("--broken", type=int, default=0, help="copies per widget with one token deleted")
    args = parser.parse_args()

    from transformers import AutoTokenizer

    from trainer.default_model import converted_dir
    from trainer.generation.decoding.grammar import DartGrammar

    tokenizer = AutoTokenizer.from_pretrained(converted_dir())
    started = time.perf_counter()
    grammar = DartGrammar(tokenizer)
    print(f"grammar compiled for the tokenizer in {time.perf_counter() - started:.2f} s")
    import numpy as np

    rng = np.random.default_rng(0)
    rows = []
    for folder in map(Path, args.datasets):
        found = widgets(folder)
        failures, tokens, seconds, broken, rejected = [], 0, 0.0, 0, 0
        for where, code in found:
            text = code.strip("\n")  # what format_completion writes before its EOS
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
            started = time.perf_counter()
            result = grammar.accepts(ids)
            seconds += time.perf_counter() - started
            tokens += len(ids)
            if not result.whole:
                failures.append((where, rejected_spot(tokenizer, ids, result.consumed), result.error))
            elif args.broken:
                counts = broken_rejected(grammar, tokenizer, ids, args.broken, rng)
                broken, rejected = broken + counts[0], rejected + counts[1]
        accepted = len(found) - len(failures)
        tight = f"{rejected}/{broken} = {100 * rejected / broken:.0f} %" if broken else "-"
        rows.append((folder.name, len(found), accepted, 100 * accepted / max(1, len(found)),
                     1000 * seconds / max(1, tokens), tight))
        print(f"\n## {folder} — {accepted}/{len(found)} accepted")
        for where, spot, error in failures[:args.show]:
            print(f"- {where}\n    {spot}\n    {error.splitlines()[0][:160] if error else ''}")
    print("\n| dataset | widgets | accepted whole | share | ms per token fed | broken copies rejected |"
          "\n|---|---:|---:|---:|---:|---:|")
    for name, total, accepted, share, ms, tight in rows:
        print(f"| {name} | {total} | {accepted} | {share:.1f} % | {ms:.3f} | {tight} |")


if __name__ == "__main__":
    main()
