"""The benchmarks are not run by the test suite (they need a quiet machine and minutes each), so
their imports would rot silently when modules move: every name they import from this project,
at module level or inside a function, must exist."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PACKAGES = ("dataset_tools", "trainer", "server")
BENCHMARKS = sorted((ROOT / "benchmarks").glob("*.py"))


def project_imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] in PROJECT_PACKAGES:
            for alias in node.names:
                yield node.lineno, node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PROJECT_PACKAGES:
                    yield node.lineno, alias.name, None


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_benchmark_imports_resolve(path):
    missing = []
    for line, module_name, name in project_imports(path):
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            missing.append(f"{path.name}:{line}: {module_name} ({error})")
            continue
        if name is not None and not hasattr(module, name):
            try:
                importlib.import_module(f"{module_name}.{name}")
            except ImportError:
                missing.append(f"{path.name}:{line}: {module_name}.{name}")
    assert not missing, "\n".join(missing)
