"""What `generate` and `eval` share: which model, adapter, backend and dataset (``ModelOptions``), how to
generate (``GenerationSettings``) and which examples to retrieve (``RetrievalSettings``) — their flags, all
generated from the declarations — and reading them back, every value checked before a model loads."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from dataset_tools.settings import same_setting, setting

from ..adapters import AdapterChoice
from ..generation.serving import BackendSetting
from ..models import LoadSettings


@dataclass
class ModelOptions:
    """The model and the data a command works with; None: the default explained in each help."""

    base: str | None = setting(None, flag="--base",
                               help="base model: 'default' (embedded SmolLM2-135M), a local folder or a hub id "
                                    "(default: the adapter's own base, else 'default')")
    adapter: str = same_setting(AdapterChoice, "adapter")
    adapters_dir: str | None = same_setting(AdapterChoice, "adapters_dir")
    quantization: str = same_setting(LoadSettings, "quantization")
    device: str = same_setting(LoadSettings, "device")
    backend: str = same_setting(BackendSetting, "backend")
    data_dir: str | None = setting(None, flag="--data",
                                   help="dataset folder (train/test.jsonl; its train split is the retrieval index) "
                                        "(default: <FLUTTER_TUNE_HOME or user data dir>/dataset)")

    def dataset_folder(self) -> Path:
        from dataset_tools.paths import default_dataset_dir

        return Path(self.data_dir) if self.data_dir is not None else default_dataset_dir()

    def resolved_adapter(self) -> Path | None:
        """The adapter ``--adapter`` names; says on stderr when the active one's folder is gone."""
        from dataset_tools.paths import adapters_dir

        from ..adapters import missing_active_message, resolve_adapter

        root = adapters_dir(self.adapters_dir)
        missing = missing_active_message(root) if self.adapter.strip().lower() == "active" else None
        if missing:
            print(f"flutter-tune: {missing}", file=sys.stderr)
        return resolve_adapter(root, self.adapter)

    @property
    def wants_trained_adapter(self) -> bool:
        """Whether the user asked for a trained adapter (the default) rather than a folder or none."""
        return self.adapter.strip().lower() in ("active", "latest")


def add_model_options(parser: argparse.ArgumentParser) -> None:
    from dataset_tools.flags import add_arguments

    from ..generation.generate import GenerationSettings
    from ..retrieval.examples import RetrievalSettings

    for declared in (ModelOptions, GenerationSettings, RetrievalSettings):
        add_arguments(parser, declared)


def options_from_args(args: argparse.Namespace):
    """``(ModelOptions, GenerationSettings, RetrievalSettings)`` from the flags, every value checked."""
    from dataset_tools.flags import from_flags

    from ..generation.generate import GenerationSettings
    from ..retrieval.examples import RetrievalSettings

    return from_flags(ModelOptions, args), from_flags(GenerationSettings, args), from_flags(RetrievalSettings, args)
