"""Exact (whitespace-normalised) and near-duplicate (MinHash LSH) removal, both counted."""

from __future__ import annotations

from dataset_tools.dedup import DedupConfig, dedup

CARD = """class TrailCard extends StatelessWidget {
  const TrailCard({super.key, required this.trail});
  final Trail trail;
  @override
  Widget build(BuildContext context) {
    return Card(
      child: ListTile(
        leading: const Icon(Icons.terrain),
        title: Text(trail.name),
        subtitle: Text('${trail.lengthKm} km, ${trail.elevation} m up'),
        trailing: const Icon(Icons.chevron_right),
        onTap: () => Navigator.of(context).pushNamed('/trail', arguments: trail.id),
      ),
    );
  }
}"""


def rec(output, name="x"):
    return {"instruction": name, "output": output, "name": name}


def test_exact_duplicates_ignore_whitespace():
    records = [rec(CARD, "a"), rec(CARD.replace("\n", "\n\n").replace("  ", "\t"), "b"), rec("Widget x() => Y();", "c")]
    kept, stats = dedup(records)
    assert [r["name"] for r in kept] == ["a", "c"]
    assert stats == {"exact": 1, "near": 0}


def test_near_duplicates_removed_distinct_code_kept():
    near = CARD.replace("Icons.chevron_right", "Icons.arrow_forward")
    other = CARD.replace("Card(", "Container(").replace("ListTile", "Row").replace("trail.name", "trail.region") \
        .replace("Icons.terrain", "Icons.map").replace("km,", "kilometres,").replace("pushNamed", "push")
    kept, stats = dedup([rec(CARD, "a"), rec(near, "b"), rec(other, "c")])
    assert [r["name"] for r in kept] == ["a", "c"]
    assert stats == {"exact": 0, "near": 1}


def test_near_dedup_threshold_and_switch():
    near = CARD.replace("Icons.chevron_right", "Icons.arrow_forward")
    kept, stats = dedup([rec(CARD), rec(near)], DedupConfig(enabled=False))
    assert len(kept) == 2 and stats["near"] == 0
    kept, stats = dedup([rec(CARD), rec(near)], DedupConfig(threshold=0.99))
    assert len(kept) == 2


def test_short_snippets_are_not_collapsed():
    records = [rec(f"Widget w{i}() => Text('{i}');", str(i)) for i in range(20)]
    kept, stats = dedup(records)
    assert len(kept) == 20 and stats == {"exact": 0, "near": 0}


def test_signatures_kept_by_the_caller_are_used_and_give_the_same_result(monkeypatch):
    from datasketch import MinHash

    records = [rec(CARD, "a"), rec(CARD.replace("terrain", "hiking"), "b"), rec("Widget x() => Y(a: 1, b: 2);", "c")]
    signatures: dict[str, bytes] = {}
    first = dedup(records, signatures=signatures)
    assert first == dedup(records) and len(signatures) == 3
    hashed: list[int] = []
    real = MinHash.bulk
    monkeypatch.setattr(MinHash, "bulk", staticmethod(lambda sets, **kw: hashed.append(len(sets)) or real(sets, **kw)))
    again = dedup(records + [rec("Widget z() => Z();", "d")], signatures=signatures)
    assert hashed == [1] and again[0][:2] == first[0] and again[1] == first[1]  # only the new output hashed
