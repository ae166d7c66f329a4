"""Default locations shared by every layer (dataset, adapters)."""

from __future__ import annotations

import os
from pathlib import Path


def default_data_home() -> Path:
    """``$FLUTTER_TUNE_HOME`` when set, else ``platformdirs.user_data_dir("flutter-tune")``."""
    env = os.environ.get("FLUTTER_TUNE_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("flutter-tune"))


def default_dataset_dir() -> Path:
    """Where `flutter-tune harvest` writes its dataset unless told otherwise."""
    return default_data_home() / "dataset"
