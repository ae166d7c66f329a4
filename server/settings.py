"""Editor settings (section ``flutterTune``) as a defaulted dataclass.

They arrive as ``initializationOptions`` and again with ``workspace/didChangeConfiguration``.
Keys are the camelCase names fixed in docs/ARCHITECTURE.md. Unknown or wrong-typed keys become
warnings (shown in the editor) and the previous value is kept: settings never crash the server.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

from dataset_tools.settings import apply_overrides, same_setting, setting
from trainer.generation.generate import GenerationSettings
from trainer.generation.serving import BACKENDS
from trainer.models import DEVICES, QUANTIZATIONS
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
    quantization: str = setting("auto", choices=QUANTIZATIONS, key="quantization",
                                help="How the base model's weights are loaded for training and the torch backend: "
                                     "auto (8-bit on CUDA, none on the CPU: measured faster and leaner), 8bit, "
                                     "4bit or none.")
    device: str = setting("auto", choices=DEVICES, key="device",
                          help="Where the model runs: auto (CUDA, then Apple's MPS, then the CPU), cpu, cuda or mps.")
    backend: str = setting("auto", choices=BACKENDS, key="backend",
                           help="Which runtime generates: auto (ONNX Runtime int8 on the CPU, transformers "
                                "on CUDA), onnx or torch.")
    max_new_tokens: int = same_setting(GenerationSettings, "max_new_tokens")
    temperature: float = same_setting(GenerationSettings, "temperature")
    top_p: float = same_setting(GenerationSettings, "top_p")
    time_limit_s: float = same_setting(GenerationSettings, "time_limit_s")
    candidates: int = same_setting(GenerationSettings, "candidates")
    dataset_dir: str | None = setting(None, key="datasetDir")
    adapters_dir: str | None = setting(None, key="adaptersDir")
    auto_switch: bool = setting(True, key="autoSwitch")
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)

    def model_key(self) -> tuple:
        """The settings that decide which model is loaded (a change means a reload)."""
        return (self.base_model, self.adapter, self.quantization, self.device, self.adapters_dir, self.backend)


# camelCase editor keys → field names (from the declarations above).
ALIASES = {f.metadata["key"]: f.name for f in dataclasses.fields(ServerSettings)
           if f.metadata.get("key") and f.metadata["key"] != f.name}


def _normalized(settings: ServerSettings) -> ServerSettings:
    if settings.adapter is not None and not settings.adapter.strip():
        return dataclasses.replace(settings, adapter=None)
    return settings


def merge_settings(current: ServerSettings, values: Any, source: str = SECTION) -> tuple[ServerSettings, list[str]]:
    """Apply editor ``values`` (a mapping, possibly wrapped in ``{"flutterTune": {...}}``) onto ``current``.

    Returns the new settings and the warnings to show. Never raises for bad input.
    """
    if values is None:
        return current, []
    if not isinstance(values, Mapping):
        return current, [f"{source}: settings should be an object, got {type(values).__name__} (ignored)."]
    if SECTION in values and isinstance(values[SECTION], Mapping):
        values = values[SECTION]
    values = dict(values)
    warnings: list[str] = []
    retrieval = current.retrieval
    if "retrieval" in values:
        raw = values.pop("retrieval")
        if isinstance(raw, Mapping):
            retrieval, inner = apply_overrides(current.retrieval, raw, source=f"{source}.retrieval",
                                               strict=False, aliases=RETRIEVAL_ALIASES)
            warnings.extend(inner)
        else:
            warnings.append(f"{source}: setting 'retrieval' should be an object, got {raw!r} (default kept).")
    merged, inner = apply_overrides(current, values, source=source, strict=False, aliases=ALIASES)
    warnings.extend(inner)
    merged = dataclasses.replace(merged, retrieval=retrieval)
    return _normalized(merged), warnings
