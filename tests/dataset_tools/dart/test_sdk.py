"""Finding a Flutter SDK: the configured path, then $FLUTTER_ROOT, then `flutter` on PATH."""

from __future__ import annotations

import os

from dataset_tools.dart.sdk import find_sdk


def make_sdk(root):
    (root / "packages" / "flutter" / "lib").mkdir(parents=True)
    (root / "bin").mkdir()
    flutter = root / "bin" / "flutter"
    flutter.write_text("#!/bin/sh\n")
    flutter.chmod(0o755)
    (root / "version").write_text("3.10.5\n")
    return root


def test_the_configured_path_then_flutter_root_then_path(tmp_path, monkeypatch):
    configured, from_env, on_path = (make_sdk(tmp_path / n) for n in ("configured", "env", "path"))
    monkeypatch.setenv("FLUTTER_ROOT", str(from_env))
    monkeypatch.setenv("PATH", str(on_path / "bin") + os.pathsep + os.environ["PATH"])
    assert find_sdk(configured).root == configured.resolve()
    assert find_sdk(None).root == from_env.resolve()
    monkeypatch.delenv("FLUTTER_ROOT")
    sdk = find_sdk(tmp_path / "not-an-sdk")
    assert sdk.root == on_path.resolve() and sdk.version == "3.10.5"
    assert sdk.framework == on_path.resolve() / "packages" / "flutter" / "lib"


def test_no_sdk_is_none(tmp_path, monkeypatch):
    monkeypatch.delenv("FLUTTER_ROOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_sdk(None) is None and find_sdk(tmp_path) is None
