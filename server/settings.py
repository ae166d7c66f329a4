"""Editor settings (section ``flutterTune``): a ``kw_only`` dataclass, structured from JSON with cattrs.

They arrive as ``initializationOptions`` and again with ``workspace/didChangeConfiguration``.
Each setting is declared once, below, with ``dataset_tools.settings.setting`` (default, range or
choices, camelCase editor key, help; ``tests/server/test_settings_declarations.py`` checks the
extension's package.json against these declarations), and the one converter (``dataset_tools.converter``)
reads it under that key. Unknown or bad values become warnings that name the setting (shown in
the editor) and the previous value is kept: settings never crash the server.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from dataset_tools.converter import FolderText
from dataset_tools.overrides import overlay
from dataset_tools.settings import same_setting, setting
from trainer.generation.analyzer import FlutterSdkSetting
from trainer.generation.generate import GenerationSettings
from trainer.generation.serving import BackendSetting
from trainer.models import LoadSettings
from trainer.retrieval.examples import SETTINGS_ALIASES as RETRIEVAL_ALIASES
from trainer.retrieval.examples import RetrievalSettings

SECTION = "flutterTune"


@dataclass(frozen=True, kw_only=True)
class ServerSettings:
    """Everything the editor can configure. ``adapter``: None (base only), "active" (the persisted
    choice, see trainer.adapters), "latest" or a folder. Generation and retrieval settings are the
    trainer's own declarations (default, range, key), exposed here again."""

    base_model: str = setting("default", key="baseModel")
    adapter: str | None = setting("active", key="adapter")
    quantization: str = same_setting(LoadSettings, "quantization", key="quantization",
                                     help="How the base model's weights are loaded for training and the torch "
                                          "backend: auto (8-bit on CUDA, none on the CPU: measured faster and "
                                          "leaner), 8bit, 4bit or none.")
    device: str = same_setting(LoadSettings, "device", key="device",
                               help="Where the model runs: auto (CUDA, then Apple's MPS, then the CPU), cpu, cuda "
                                    "or mps.")
    backend: str = same_setting(BackendSetting, "backend", key="backend",
                                help="Which runtime generates: auto (ONNX Runtime int8 on the CPU, transformers "
                                     "on CUDA), onnx or torch.")
    max_new_tokens: int = same_setting(GenerationSettings, "max_new_tokens")
    temperature: float = same_setting(GenerationSettings, "temperature")
    top_p: float = same_setting(GenerationSettings, "top_p")
    time_limit_s: float = same_setting(GenerationSettings, "time_limit_s")
    candidates: int = same_setting(GenerationSettings, "candidates")
    check_names: bool = same_setting(GenerationSettings, "check_names")
    dataset_dir: FolderText | None = setting(None, key="datasetDir")
    adapters_dir: FolderText | None = setting(None, key="adaptersDir")
    auto_switch: bool = setting(True, key="autoSwitch")
    continuous_learning: str = setting(
        "retrieval", key="continuousLearning", choices=("off", "retrieval", "retrain"),
        help="What Flutter Tune does on its own as you write code. Trusted workspaces only.")
    retrain_after: int = setting(20, low=1, high=100000, key="retrainAfter",
                                 help="With continuousLearning 'retrain': train in the background once this many "
                                      "widgets of the train split are new or changed since the active adapter was "
                                      "trained.")
    flutter_sdk_path: FolderText | None = same_setting(
        FlutterSdkSetting, "flutter_sdk_path",
        help="Flutter SDK folder whose framework generated widgets are checked against (indexed once) and whose "
             "`dart` formats a generated widget and analyses it in your project (the final check). Empty: the Dart "
             "extension's `dart.flutterSdkPath` (else `dart.sdkPath`), else `$FLUTTER_ROOT`, else `flutter` on "
             "`PATH`; with none, the Flutter API index shipped with Flutter Tune, and no analyzer.")
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)

    def dataset_folder(self) -> Path:
        """``datasetDir``, else where harvest writes by default."""
        from dataset_tools.paths import default_dataset_dir

        return Path(self.dataset_dir).expanduser() if self.dataset_dir else default_dataset_dir()

    def adapters_folder(self) -> Path:
        """``adaptersDir``, else ``<data home>/adapters``."""
        from dataset_tools.paths import adapters_dir

        return adapters_dir(self.adapters_dir)


# Other spellings accepted for a setting (besides its key and its field name).
ALIASES: dict[type, Mapping[str, str]] = {RetrievalSettings: RETRIEVAL_ALIASES}


def merge_settings(current: ServerSettings, values: Any, source: str = SECTION) -> tuple[ServerSettings, list[str]]:
    """Apply editor ``values`` (a mapping, possibly wrapped in ``{"flutterTune": {...}}``) onto ``current``.

    Returns the new settings and the warnings to show: an unknown key is ignored, a bad value keeps the
    previous one (``dataset_tools.overrides.overlay``). Never raises for bad input.
    """
    if values is None:
        return current, []
    if not isinstance(values, Mapping):
        return current, [f"{source}: settings should be an object, got {type(values).__name__} (ignored)."]
    if SECTION in values and isinstance(values[SECTION], Mapping):
        values = values[SECTION]
    settings, problems = overlay(current, values, source=source, aliases=ALIASES)
    return _normalized(settings), [problem.warning for problem in problems]


def _normalized(settings: ServerSettings) -> ServerSettings:
    """A blank adapter means the base model alone; a blank folder means the default one (for the SDK: the
    one found elsewhere)."""
    blank = {name: None for name in ("adapter", "dataset_dir", "adapters_dir", "flutter_sdk_path")
             if getattr(settings, name) is not None and not getattr(settings, name).strip()}
    return dataclasses.replace(settings, **blank) if blank else settings
