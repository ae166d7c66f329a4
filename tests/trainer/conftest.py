"""Small datasets and helpers for the trainer tests (the tiny random model comes from tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

WIDGETS = [
    ("GreetingText", "Text('Hello, $name')"),
    ("RedBox", "Container(color: Colors.red, width: 40, height: 40)"),
    ("TitleRow", "Row(children: [Icon(Icons.star), Text(title)])"),
    ("PaddedCard", "Padding(padding: EdgeInsets.all(8), child: Card(child: child))"),
    ("CenterLabel", "Center(child: Text(label))"),
    ("BlueButton", "ElevatedButton(onPressed: onTap, child: Text('Go'))"),
    ("AvatarChip", "Chip(avatar: CircleAvatar(child: Text(initial)), label: Text(name))"),
    ("SpacedColumn", "Column(mainAxisSize: MainAxisSize.min, children: children)"),
    ("DividerLine", "Divider(height: 1, thickness: 1)"),
    ("LoadingSpinner", "Center(child: CircularProgressIndicator())"),
]


def widget_record(name: str, body: str) -> dict:
    code = (f"class {name} extends StatelessWidget {{\n  const {name}({{super.key}});\n\n  @override\n"
            f"  Widget build(BuildContext context) {{\n    return {body};\n  }}\n}}")
    return {"instruction": f"Create a StatelessWidget named {name}.", "input": "", "output": code,
            "source": f"lib/{name.lower()}.dart", "project": "demo", "line": 1, "kind": "stateless",
            "name": name, "instruction_source": "synthesized"}


def write_dataset(folder: Path, train: list[dict], validation: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in train), encoding="utf-8")
    (folder / "validation.jsonl").write_text("".join(json.dumps(r) + "\n" for r in validation), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"counts": {"train": len(train)}}), encoding="utf-8")
    return folder


@pytest.fixture
def records() -> list[dict]:
    return [widget_record(n, b) for n, b in WIDGETS]


@pytest.fixture
def dataset_dir(tmp_path, records) -> Path:
    """8 training and 2 validation samples of ~80 tokens."""
    return write_dataset(tmp_path / "dataset", records[:8], records[8:])


@pytest.fixture
def tiny_config(tiny_model_dir, dataset_dir, tmp_path):
    """A fast TrainConfig on the tiny model: unquantized, short sequences, 1 epoch."""
    from trainer.training.config import TrainConfig

    return TrainConfig(base=str(tiny_model_dir), data_dir=str(dataset_dir), adapters_dir=str(tmp_path / "adapters"),
                       quantization="none", device="cpu", epochs=1, max_length=256, batch_size=4)
