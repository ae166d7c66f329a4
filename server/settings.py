"""Editor settings (section ``flutterTune``) as a defaulted dataclass.

They arrive as ``initializationOptions`` and again with ``workspace/didChangeConfiguration``.
Keys are the camelCase names fixed in docs/ARCHITECTURE.md. Unknown or wrong-typed keys become
warnings (shown in the editor) and the previous value is kept: settings never crash the server.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

from dataset_tools.settings import apply_overrides
from trainer.retrieval import SETTINGS_ALIASES as RETRIEVAL_ALIASES
from trainer.retrieval import RetrievalSettings

SECTION = "flutterTune"
QUANTIZATIONS = ("8bit", "4bit", "none")
DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True, kw_only=True)
class ServerSettings:
    """Everything the editor can configure. ``adapter``: None (base only), "latest" or a folder."""

    base_model: str = "default"
    adapter: str | None = "latest"
    quantization: str = "8bit"
    device: str = "auto"
    max_new_tokens: int = 384
    temperature: float = 0.2
    top_p: float = 0.95
    time_limit_s: float = 120.0
    dataset_dir: str | None = None
    adapters_dir: str | None = None
    auto_switch: bool = True
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)

    def model_key(self) -> tuple:
        """The settings that decide which model is loaded (a change means a reload)."""
        return (self.base_model, self.adapter, self.quantization, self.device, self.adapters_dir)


ALIASES = {
    "baseModel": "base_model", "maxNewTokens": "max_new_tokens", "topP": "top_p",
    "timeLimitSeconds": "time_limit_s", "datasetDir": "dataset_dir", "adaptersDir": "adapters_dir",
    "autoSwitch": "auto_switch",
}
def _checked_choices(settings: ServerSettings, previous: ServerSettings, source: str) -> tuple[ServerSettings, list[str]]:
    """Values of the right type but outside their allowed set fall back to the previous value."""
    warnings: list[str] = []
    changes: dict[str, Any] = {}
    for name, choices in (("quantization", QUANTIZATIONS), ("device", DEVICES)):
        value = getattr(settings, name)
        if value not in choices:
            warnings.append(f"{source}: setting '{name}' should be one of {', '.join(choices)}, "
                            f"got {value!r} (kept {getattr(previous, name)!r}).")
            changes[name] = getattr(previous, name)
    for name, low, high in (("max_new_tokens", 1, 8192), ("temperature", 0.0, 5.0), ("top_p", 0.0, 1.0),
                            ("time_limit_s", 0.1, 3600.0)):
        value = getattr(settings, name)
        if not low <= value <= high:
            warnings.append(f"{source}: setting '{name}' should be between {low} and {high}, "
                            f"got {value!r} (kept {getattr(previous, name)!r}).")
            changes[name] = getattr(previous, name)
    if settings.adapter is not None and not settings.adapter.strip():
        changes["adapter"] = None
    return dataclasses.replace(settings, **changes), warnings


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
    merged, inner = _checked_choices(merged, current, source)
    return merged, warnings + inner
