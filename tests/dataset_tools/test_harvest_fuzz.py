"""Fuzz: random bytes and mutated real Dart never make the harvester raise."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataset_tools.extract import extract_source
from dataset_tools.harvest import harvest
from dataset_tools.source import clean_bytes

SEED = """\
/// A [Trail] card.
@immutable
class TrailTile extends StatelessWidget {
  const TrailTile({super.key, required this.trail, this.onTap});
  final Trail trail;
  final VoidCallback? onTap;
  @override
  Widget build(BuildContext context) => Card(child: ListTile(title: Text('${trail.name} \\u00b7'), onTap: onTap));
  Widget get badge => const Icon(Icons.star);
}

class Counter extends StatefulWidget {
  const Counter({super.key});
  @override
  State<Counter> createState() => _CounterState();
}

class _CounterState extends State<Counter> {
  int n = 0;
  @override
  Widget build(BuildContext context) => TextButton(onPressed: () => setState(() => n++), child: Text('$n'));
}

Widget buildRow(BuildContext context, {required List<Widget> children}) => Row(children: children);
""".encode()

TOKENS = [b"{", b"}", b"(", b")", b";", b"class ", b"extends ", b"State<", b">", b"Widget ", b"///", b"/*",
          b"'", b'"', b"\r\n", b"\xef\xbb\xbf", b"\x00", b"\xff", b"=>", b"@override", b"part of 'x.dart';"]


@st.composite
def mutated_dart(draw) -> bytes:
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "token"]))
        if op == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        else:
            data[pos:pos] = draw(st.sampled_from(TOKENS))
    return bytes(data)


def check(data: bytes) -> None:
    cleaned = clean_bytes(data)
    if cleaned.skip is None:
        decls = extract_source(cleaned.data)
        for decl in decls.classes:
            assert isinstance(decl.text, str)
            for member in decl.members:
                assert isinstance(member.widgets, list)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "lib").mkdir()
        (Path(tmp) / "lib" / "fuzz.dart").write_bytes(data)
        (Path(tmp) / "lib" / "fuzz_part.dart").write_bytes(data[len(data) // 2:])
        result = harvest([tmp])
        assert result.files_seen == 2
        for sample in result.samples:
            assert sample["output"] and sample["instruction"] and sample["kind"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_dart())
def test_mutated_dart_never_crashes(data):
    check(data)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(data):
    check(data)


def test_unmutated_seed_is_fully_harvested():
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "seed.dart").write_bytes(SEED)
        names = sorted(s["name"] for s in harvest([tmp]).samples)
    assert names == ["Counter", "TrailTile", "TrailTile.badge", "buildRow"]
