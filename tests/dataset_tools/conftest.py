"""Helpers for the dataset_tools tests: small Dart projects written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create ``files`` (relative path → text or bytes) under ``root`` and return ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path):
    """``make_project({"lib/a.dart": "..."}, name="app")`` → the project root."""

    def make(files: dict[str, str | bytes], name: str = "app") -> Path:
        return write_tree(tmp_path / name, files)

    return make


STATELESS = """\
import 'package:flutter/material.dart';

/// Shows a [Peak] as a tappable card.
class PeakTile extends StatelessWidget {
  const PeakTile({super.key, required this.peak, this.onTap});

  final Peak peak;
  final VoidCallback? onTap;

  @override
  Widget build(BuildContext context) {
    return Card(child: ListTile(leading: const Icon(Icons.terrain), title: Text(peak.name), onTap: onTap));
  }
}
"""


@pytest.fixture
def stateless_src() -> str:
    """A documented stateless widget with two constructor parameters."""
    return STATELESS
