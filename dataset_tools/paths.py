"""Default locations shared by every layer (data and cache homes, dataset, adapters)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import FlutterTuneError


def _home(env_var: str, platform_dir: str) -> Path:
    env = os.environ.get(env_var)
    if env:
        return user_path(env, f"${env_var}")
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
    return user_path(configured, "the adapters folder") if configured else default_adapters_dir()


def user_path(value: str | Path, setting: str) -> Path:
    """A path the user gave (a flag, a setting, a config value) with ``~`` expanded.

    Refuses, naming ``setting``, an empty path (it would silently mean the current folder) and a
    ``~name`` whose user does not exist on this machine.
    """
    text = str(value)
    if not text.strip():
        raise FlutterTuneError(f"{setting} is empty: give a path.")
    problem = home_problem(text)
    if problem:
        raise FlutterTuneError(f"{setting} {text!r} {problem}.")
    return Path(text).expanduser()


def home_problem(text: str) -> str | None:
    """Why ``~name/...`` cannot be expanded (no user ``name`` here), or None."""
    try:
        Path(text).expanduser()
    except RuntimeError:
        user = text.split(os.sep, 1)[0]
        return f"starts with {user}, but there is no user {user[1:]!r} on this machine (~name is that user's home)"
    return None


def cli_path(value: str) -> str:
    """``argparse`` type of a path flag: ``user_path`` as a string (argparse names the flag in its error)."""
    import argparse

    try:
        return str(user_path(value, "the path"))
    except FlutterTuneError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
