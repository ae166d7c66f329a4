"""Default locations shared by every layer (data and cache homes, dataset, adapters)."""

from __future__ import annotations

import os
from pathlib import Path


def _home(env_var: str, platform_dir: str) -> Path:
    env = os.environ.get(env_var)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(getattr(platformdirs, platform_dir)("flutter-tune"))


def default_data_home() -> Path:
    """``$FLUTTER_TUNE_HOME`` when set, else ``platformdirs.user_data_dir("flutter-tune")``."""
    return _home("FLUTTER_TUNE_HOME", "user_data_dir")


def default_cache_home() -> Path:
    """``$FLUTTER_TUNE_CACHE`` when set, else ``platformdirs.user_cache_dir("flutter-tune")``."""
    return _home("FLUTTER_TUNE_CACHE", "user_cache_dir")


def default_dataset_dir() -> Path:
    """Where `flutter-tune harvest` writes its dataset unless told otherwise."""
    return default_data_home() / "dataset"


def default_adapters_dir() -> Path:
    """Where training writes adapters and generation finds them unless told otherwise."""
    return default_data_home() / "adapters"


def adapters_dir(configured: str | Path | None) -> Path:
    """``configured`` (``--adapters-dir``, setting ``adaptersDir``, ``adapters_dir``) or the default."""
    return Path(configured).expanduser() if configured else default_adapters_dir()
