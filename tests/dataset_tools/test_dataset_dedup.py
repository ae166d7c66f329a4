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


def test_the_bands_propose_what_datasketchs_lsh_proposes():
    """near_dedup bands the signatures' bytes itself: on variants of one widget it keeps exactly what
    datasketch's MinHashLSH (the same bands) with the same exact-Jaccard check keeps."""
    import random

    from datasketch import MinHash, MinHashLSH

    from dataset_tools.dedup import near_dedup, shingles

    rng = random.Random(7)
    lines = [f"        {w}(key: k{i}, child: Text('{w} {i}'))," for i, w in
             enumerate(["Card", "Row", "Column", "Icon", "Padding", "Center", "Expanded", "SizedBox"] * 4)]
    outputs = []
    for i in range(80):
        if outputs and rng.random() < 0.5:  # a near copy of an earlier one: one line changed
            body = rng.choice(outputs).splitlines()[1:-1]
            body[rng.randrange(len(body))] = rng.choice(lines)
        else:
            body = rng.sample(lines, 12)
        outputs.append("Widget build() => Stack(children: [\n" + "\n".join(body) + "\n]);")
    records = [rec(o, str(i)) for i, o in enumerate(outputs)]
    config = DedupConfig(threshold=0.8)
    kept, _ = near_dedup(records, config)

    lsh = MinHashLSH(threshold=0.7, num_perm=config.num_perm)
    reference = []
    for index, record in enumerate(records):
        mh = MinHash(num_perm=config.num_perm)
        mh.update_batch(list(shingles(record["output"])))
        mine = shingles(record["output"])
        if not any(len(mine & shingles(records[o]["output"])) / len(mine | shingles(records[o]["output"])) >= 0.8
                   for o in lsh.query(mh)):
            lsh.insert(index, mh)
            reference.append(record)
    assert [r["name"] for r in kept] == [r["name"] for r in reference]
    assert 10 < len(kept) < len(records) - 10  # many kept, many dropped: the test compares something
