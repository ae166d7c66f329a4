"""Retrieval latency over 10,000 synthetic widget records (issue 8: < 20 ms per request).

Generates varied but realistic harvested records from templates (names, doc-comment style
instructions, widget trees), then measures:
- index build time (tokenize + bm25s), save, load from disk, and the cached ``load_or_build`` call;
- per-query latency of ``RetrievalIndex.search`` (description, and description + cursor code);
- per-query latency of ``select_examples`` (search + token budget measured with the SmolLM2 tokenizer);
- the same queries on a baseline measured in this run: a plain-Python BM25 over an inverted index,
  with the same tokens, so the ratio shows what bm25s buys (and the top-1 agreement shows they rank alike).

Run: ``.venv/bin/python benchmarks/retrieval_speed.py [--records 10000 --queries 200]``
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dataset_tools.atomic_io import jsonl_text, write_text_atomic  # noqa: E402
from trainer.retrieval import examples as retrieval  # noqa: E402
from trainer.retrieval.index import RetrievalIndex, document_tokens, text_tokens  # noqa: E402

SUBJECTS = ["User", "Profile", "Order", "Product", "Cart", "Invoice", "Message", "Chat", "Weather", "Task",
            "Todo", "Event", "Calendar", "Payment", "Wallet", "Recipe", "Workout", "Playlist", "Song", "Photo",
            "Album", "Contact", "Notification", "Settings", "Account", "Booking", "Ticket", "Flight", "Hotel",
            "Review", "Comment", "Post", "Story", "Article", "Category", "Coupon", "Delivery", "Address", "Map",
            "Course", "Lesson", "Quiz", "Score", "Team", "Match", "Stock", "Portfolio", "Device", "Sensor"]
PARTS = ["Card", "Tile", "List", "Page", "Screen", "Header", "Footer", "Badge", "Chip", "Avatar", "Dialog",
         "Sheet", "Form", "Field", "Button", "Banner", "Grid", "Row", "Summary", "Details", "Editor", "Picker",
         "Tab", "Section", "Placeholder", "Skeleton", "Indicator", "Counter", "Toggle", "Menu"]
ADJECTIVES = ["", "", "", "Compact", "Animated", "Expandable", "Selectable", "Swipeable", "Rounded",
              "Empty", "Loading", "Error", "Featured", "Recent", "Favorite", "Primary"]
VERBS = ["Shows", "Displays", "Renders", "Lists", "Lets the user edit", "Presents", "Summarizes"]
DETAILS = ["with an icon and a title", "with a trailing chevron", "inside a rounded card", "with a delete action",
           "with pull to refresh", "with a search field", "as a horizontal carousel", "with a progress bar",
           "with an avatar and subtitle", "with a floating action button", "with a badge count",
           "with a date and time", "with a price and discount", "grouped by day", "with a hero animation",
           "with a shimmer placeholder", "with a confirm dialog", "with swipe to dismiss", "in two columns"]
FIELDS = ["title", "subtitle", "name", "price", "date", "count", "status", "imageUrl", "description", "rating",
          "amount", "email", "phone", "duration", "progress", "label", "total", "author", "location"]
LEAVES = ["Text({o}.{f})", "Icon(Icons.{icon})", "CircleAvatar(backgroundImage: NetworkImage({o}.imageUrl))",
          "Chip(label: Text({o}.{f}))", "LinearProgressIndicator(value: {o}.progress)",
          "IconButton(icon: const Icon(Icons.{icon}), onPressed: on{F})",
          "ElevatedButton(onPressed: on{F}, child: const Text('{F}'))", "const SizedBox(height: 8)",
          "Image.network({o}.imageUrl, fit: BoxFit.cover)", "Switch(value: {o}.enabled, onChanged: on{F})",
          "TextField(controller: {f}Controller, decoration: const InputDecoration(labelText: '{F}'))",
          "Badge(label: Text('${{{o}.count}}'))"]
CONTAINERS = ["Column(crossAxisAlignment: CrossAxisAlignment.start, children: [{c}])", "Row(children: [{c}])",
              "Card(child: Padding(padding: const EdgeInsets.all(16), child: Column(children: [{c}])))",
              "ListTile(leading: {c0}, title: {c1}, trailing: {c2})", "Wrap(spacing: 8, children: [{c}])",
              "ListView(children: [{c}])", "Stack(children: [{c}])",
              "Container(decoration: BoxDecoration(borderRadius: BorderRadius.circular(12)), "
              "child: Row(children: [{c}]))"]
ICONS = ["star", "delete", "edit", "share", "favorite", "chevron_right", "add", "close", "search", "person",
         "shopping_cart", "calendar_today", "notifications", "settings", "check", "wb_sunny", "location_on"]
KINDS = ["stateless", "stateful", "consumer", "hook"]


def _leaf(rng: random.Random, obj: str) -> str:
    f = rng.choice(FIELDS)
    return rng.choice(LEAVES).format(o=obj, f=f, F=f[:1].upper() + f[1:], icon=rng.choice(ICONS))


def make_record(rng: random.Random, i: int) -> dict:
    subject, part, adjective = rng.choice(SUBJECTS), rng.choice(PARTS), rng.choice(ADJECTIVES)
    name = f"{adjective}{subject}{part}"
    obj = subject[:1].lower() + subject[1:]
    leaves = [_leaf(rng, obj) for _ in range(rng.randint(3, 7))]
    tree = rng.choice(CONTAINERS).format(c=", ".join(leaves), c0=leaves[0], c1=leaves[1], c2=leaves[2])
    words = " ".join(w.lower() for w in (adjective, subject, part) if w)
    instruction = f"{rng.choice(VERBS)} a {words} {rng.choice(DETAILS)}."
    output = (f"class {name} extends StatelessWidget {{\n  const {name}({{super.key, required this.{obj}}});\n\n"
              f"  final {subject} {obj};\n\n  @override\n  Widget build(BuildContext context) {{\n"
              f"    return {tree};\n  }}\n}}\n")
    return {"instruction": instruction, "input": "", "output": output, "name": name, "kind": rng.choice(KINDS),
            "source": f"lib/widgets/{obj}_{part.lower()}.dart", "project": f"app{i % 7}", "line": 1 + i % 400,
            "instruction_source": "synthesized"}


def make_query(rng: random.Random) -> tuple[str, str]:
    """A description as a user would type it, and some code around the cursor."""
    subject, part = rng.choice(SUBJECTS).lower(), rng.choice(PARTS).lower()
    description = rng.choice([f"a {subject} {part} {rng.choice(DETAILS)}", f"{part} for the {subject}",
                              f"show the {subject} {rng.choice(FIELDS)} in a {part}"])
    context = _leaf(rng, subject) + ",\n" + _leaf(rng, subject)
    return description, context


class PlainBM25:
    """Baseline: textbook BM25 (k1=1.5, b=0.75, Lucene idf) over a Python inverted index."""

    def __init__(self, corpus: list[list[str]], k1: float = 1.5, b: float = 0.75):
        self.n = len(corpus)
        avg = sum(len(d) for d in corpus) / max(self.n, 1)
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc_id, doc in enumerate(corpus):
            norm = k1 * (1 - b + b * len(doc) / avg)
            for term, tf in Counter(doc).items():
                self.postings[term].append((doc_id, tf * (k1 + 1) / (tf + norm)))
        self.idf = {t: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def top(self, tokens: list[str], k: int) -> list[int]:
        scores: dict[int, float] = defaultdict(float)
        for term in dict.fromkeys(tokens):
            idf = self.idf.get(term)
            for doc_id, weight in self.postings.get(term, ()):
                scores[doc_id] += idf * weight
        return sorted(scores, key=lambda d: (-scores[d], d))[:k]


def timed_ms(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def load_tokenizer():
    from transformers import AutoTokenizer

    from trainer.default_model import gguf_path

    path = gguf_path()
    return AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-tokenizer", action="store_true", help="skip the select_examples timing")
    args = parser.parse_args()

    rng = random.Random(8)
    records = [make_record(rng, i) for i in range(args.records)]
    queries = [make_query(rng) for _ in range(args.queries)]
    rows: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        dataset = Path(tmp)
        write_text_atomic(dataset / "train.jsonl", jsonl_text(records))
        start = time.perf_counter()
        index = retrieval.load_or_build(dataset)  # read + hash + tokenize + bm25s index + save
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        RetrievalIndex.build(records)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        retrieval.load_or_build(dataset)
        cached_ms = (time.perf_counter() - start) * 1000
        retrieval.clear_cache()
        start = time.perf_counter()
        retrieval.load_or_build(dataset)
        disk_s = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in (dataset / "retrieval").iterdir()) / 1e6

    rows += [("records indexed", f"{len(index):,}"),
             ("first load_or_build (read, hash, tokenize, index, save)", f"{cold_s:.2f} s"),
             ("RetrievalIndex.build alone (tokenize + bm25s)", f"{build_s:.2f} s"),
             ("load_or_build in a new process (hash + read + load saved index)", f"{disk_s:.2f} s"),
             ("load_or_build again in the same process (cached)", f"{cached_ms:.3f} ms"),
             ("saved index size", f"{size_mb:.1f} MB")]

    desc_ms = timed_ms(lambda q: index.search(q[0], k=2, exclude=records[0]), queries)
    ctx_ms = timed_ms(lambda q: index.search(q[0], k=2, context_code=q[1], exclude=records[0]), queries)

    start = time.perf_counter()
    baseline = PlainBM25([document_tokens(r) for r in records])
    base_build_s = time.perf_counter() - start
    base_ms = timed_ms(lambda q: baseline.top(text_tokens(q[0]), 2), queries)
    agree = sum(
        bool(index.ranked(q, 1)) and baseline.top(text_tokens(q), 1) == [index.ranked(q, 1)[0][0]]
        for q, _ in queries
    )
    rows += [(f"search, description only: p50 / p95 ({args.queries} queries)",
              f"{pct(desc_ms, 50):.2f} / {pct(desc_ms, 95):.2f} ms"),
             ("search, description + cursor code: p50 / p95",
              f"{pct(ctx_ms, 50):.2f} / {pct(ctx_ms, 95):.2f} ms"),
             ("baseline plain-Python BM25: build; query p50 / p95",
              f"{base_build_s:.2f} s; {pct(base_ms, 50):.2f} / {pct(base_ms, 95):.2f} ms"),
             ("speed-up of bm25s search over the baseline (p50)", f"{pct(base_ms, 50) / pct(desc_ms, 50):.1f}x"),
             ("top-1 agreement with the baseline", f"{agree}/{len(queries)}")]

    if not args.no_tokenizer:
        tokenizer = load_tokenizer()
        sel_ms = timed_ms(lambda q: retrieval.select_examples(index, tokenizer, q[0], k=2, token_budget=1024,
                                                              context_code=q[1]), queries)
        rows.append(("select_examples (search + token budget with SmolLM2 tokenizer): p50 / p95",
                     f"{pct(sel_ms, 50):.2f} / {pct(sel_ms, 95):.2f} ms"))

    verdict = "PASS" if pct(ctx_ms, 95) < 20 else "FAIL"
    rows.append(("target: one retrieval < 20 ms over 10,000 widgets (p95, with cursor code)", verdict))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
