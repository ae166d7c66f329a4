"""Versioned adapter folders: listing, LATEST, resolving."""

import json

import pytest

from dataset_tools.errors import FlutterTuneError
from trainer.adapters import latest_name, list_adapters, resolve_adapter, set_latest


def _fake_adapter(root, name, created, loss):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "/m"}))
    (folder / "flutter_tune.json").write_text(json.dumps(
        {"created": created, "base": "default", "base_path": "/m", "metrics": {"best_validation_loss": loss}}))
    return folder


def test_list_and_resolve(tmp_path):
    old = _fake_adapter(tmp_path, "20250101-000000-aaaa", "2025-01-01T00:00:00+00:00", 1.5)
    new = _fake_adapter(tmp_path, "20250102-000000-bbbb", "2025-01-02T00:00:00+00:00", 1.2)
    (tmp_path / ".20250103-000000-cccc.tmp").mkdir()  # an unfinished run is never listed
    adapters = list_adapters(tmp_path)
    assert [a.path for a in adapters] == [new, old]
    assert adapters[0].best_validation_loss == 1.2 and adapters[0].base == "default"

    assert resolve_adapter(tmp_path, "latest") == new  # no LATEST file: newest
    set_latest(tmp_path, old)
    assert latest_name(tmp_path) == old.name
    assert resolve_adapter(tmp_path, "latest") == old
    assert resolve_adapter(tmp_path, str(new)) == new.resolve()
    assert resolve_adapter(tmp_path, new.name) == new.resolve()
    assert resolve_adapter(tmp_path, None) is None
    assert resolve_adapter(tmp_path / "empty", "latest") is None
    with pytest.raises(FlutterTuneError, match="not found"):
        resolve_adapter(tmp_path, "missing-adapter")
