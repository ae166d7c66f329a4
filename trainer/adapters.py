"""Versioned LoRA adapter folders: naming, metadata, the ``latest`` pointer, listing, resolving.

An adapters folder holds one sub-folder per training run, ``<UTC timestamp>-<short hash>/``, each a
PEFT adapter (adapter_config.json + adapter_model.safetensors), the tokenizer, and our metadata
``flutter_tune.json`` (base model, dataset manifest hash, config, metrics, loss history).

Two one-line pointer files, each rewritten atomically:
- ``LATEST`` names the newest complete adapter (moved only after a run's folder is complete, so a
  failed run never replaces the previous good adapter);
- ``ACTIVE`` names the adapter the user works with — chosen in the editor or with
  `flutter-tune adapters --use`, or by training when the new adapter validates better — or ``none``
  for the base model alone. ``"active"`` (the default everywhere) resolves to it, falling back to
  ``LATEST`` when there is no ``ACTIVE`` yet, so a restart serves what the user chose.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from dataset_tools.artifacts import artifact_dir
from dataset_tools.atomic_io import write_json_atomic, write_text_atomic
from dataset_tools.errors import FlutterTuneError
from dataset_tools.settings import setting

METADATA_FILE = "flutter_tune.json"
LATEST_FILE = "LATEST"
ACTIVE_FILE = "ACTIVE"
BASE_ONLY = "none"
ACTIVATE_POLICIES = ("if_better", "always", "never")


@dataclass
class AdapterChoice:
    """Which adapter a command uses and where adapters live: the one declaration of these two settings."""

    adapter: str = setting("active", flag="--adapter",
                           help="adapter folder or name: 'active' (the one `flutter-tune adapters` marks), "
                                "'latest', or 'none' (the base model alone)")
    adapters_dir: str | None = setting(None, flag="--adapters-dir",
                                       help="where versioned adapters live (default: <FLUTTER_TUNE_HOME or user "
                                            "data dir>/adapters)")


@dataclass
class AdapterInfo:
    """One saved adapter: its folder, when it was made, on which base, and how well it did."""

    path: Path
    created: str = ""
    base: str = ""
    base_path: str | None = None
    best_validation_loss: float | None = None
    metrics: dict = field(default_factory=dict)
    activation: "Activation | None" = None  # set by training: did it become the active adapter
    continued_from: str | None = None  # --continue: the adapter it was warm-started from
    gate: dict | None = None  # --continue: both adapters' scores and the decision (training.continued.GateResult)

    @property
    def name(self) -> str:
        return self.path.name

    def to_dict(self) -> dict:
        return {"path": str(self.path), "name": self.name, "created": self.created, "base": self.base,
                "base_path": self.base_path, "best_validation_loss": self.best_validation_loss,
                "metrics": self.metrics, "continued_from": self.continued_from, "gate": self.gate}


def is_adapter_dir(path: Path) -> bool:
    return Path(path).is_dir() and (Path(path) / "adapter_config.json").is_file()


def new_adapter_name(fingerprint: str, now: datetime | None = None) -> str:
    """``20250101-120000-1a2b3c4d``: UTC time then a short hash of ``fingerprint``."""
    now = now or datetime.now(timezone.utc)
    digest = hashlib.sha256(f"{fingerprint}|{now.isoformat()}".encode()).hexdigest()[:8]
    return f"{now.strftime('%Y%m%d-%H%M%S')}-{digest}"


def read_metadata(path: str | Path) -> dict:
    """The adapter's ``flutter_tune.json`` as a dict ({} for a plain PEFT adapter without one)."""
    file = Path(path) / METADATA_FILE
    if not file.is_file():
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FlutterTuneError(f"{file}: adapter metadata is not valid JSON ({exc}). Delete or retrain it.") from None
    return data if isinstance(data, dict) else {}


def adapter_base(path: str | Path) -> tuple[str | None, str | None]:
    """(base name, resolved base path) the adapter was trained on, from our metadata or PEFT's config."""
    meta = read_metadata(path)
    if meta.get("base"):
        return meta["base"], meta.get("base_path")
    config = Path(path) / "adapter_config.json"
    try:
        base = json.loads(config.read_text(encoding="utf-8")).get("base_model_name_or_path")
    except (OSError, json.JSONDecodeError):
        return None, None
    return (base, base) if base else (None, None)


def info_for(path: Path) -> AdapterInfo:
    meta = read_metadata(path)
    metrics = meta.get("metrics") or {}
    created = meta.get("created") or datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat()
    base, base_path = adapter_base(path)
    return AdapterInfo(path=path, created=created, base=base or "", base_path=base_path,
                       best_validation_loss=metrics.get("best_validation_loss"), metrics=metrics,
                       continued_from=meta.get("continued_from"), gate=meta.get("gate"))


def list_adapters(adapters_dir: str | Path) -> list[AdapterInfo]:
    """Every complete adapter in ``adapters_dir``, newest first (temp/hidden folders skipped)."""
    root = Path(adapters_dir).expanduser()
    if not root.is_dir():
        return []
    found = [info_for(p) for p in root.iterdir() if not p.name.startswith(".") and is_adapter_dir(p)]
    return sorted(found, key=lambda a: (a.created, a.name), reverse=True)


def _pointer(adapters_dir: Path, file: str) -> str | None:
    try:
        name = (Path(adapters_dir).expanduser() / file).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name or None


def latest_name(adapters_dir: Path) -> str | None:
    return _pointer(adapters_dir, LATEST_FILE)


def active_name(adapters_dir: Path) -> str | None:
    """What ``ACTIVE`` says: an adapter folder name, ``"none"`` (base only) or None (never chosen)."""
    return _pointer(adapters_dir, ACTIVE_FILE)


def set_latest(adapters_dir: str | Path, path: str | Path) -> None:
    """Point ``LATEST`` at adapter folder ``path`` (atomic rename of a one-line file)."""
    write_text_atomic(Path(adapters_dir) / LATEST_FILE, Path(path).name + "\n")


def set_active(adapters_dir: str | Path, path: str | Path | None) -> None:
    """Make adapter folder ``path`` (inside ``adapters_dir``) the active one; None: the base model alone."""
    root = Path(adapters_dir).expanduser()
    if path is not None:
        path = Path(path).expanduser()
        if path.resolve().parent != root.resolve():
            raise FlutterTuneError(f"{path} is not in the adapters folder {root}; only adapters there can be "
                                   "made active (point the adapter setting at other folders instead).")
        if not is_adapter_dir(path):
            raise FlutterTuneError(f"{path} is not a LoRA adapter folder (no adapter_config.json).")
    write_text_atomic(root / ACTIVE_FILE, (Path(path).name if path is not None else BASE_ONLY) + "\n")


def _newest(root: Path) -> Path | None:
    name = latest_name(root)
    if name and is_adapter_dir(root / name):
        return root / name
    adapters = list_adapters(root)
    return adapters[0].path if adapters else None


def active_adapter(adapters_dir: str | Path) -> Path | None:
    """The active adapter folder (``ACTIVE``; else ``LATEST``/the newest), or None for the base model.

    When the folder ``ACTIVE`` names is gone (deleted by hand), the fallback is the same as before
    any choice was made: ``LATEST`` (else the newest adapter), else the base model;
    ``missing_active_message`` says so, for the user to see.
    """
    root = Path(adapters_dir).expanduser()
    name = active_name(root)
    if name == BASE_ONLY:
        return None
    if name and is_adapter_dir(root / name):
        return root / name
    return _newest(root)


def missing_active_message(adapters_dir: str | Path) -> str | None:
    """What to tell the user when ``ACTIVE`` names an adapter whose folder is gone (else None)."""
    root = Path(adapters_dir).expanduser()
    name = active_name(root)
    if not name or name == BASE_ONLY or is_adapter_dir(root / name):
        return None
    fallback = _newest(root)
    instead = f"the latest adapter, {fallback.name}," if fallback else "the base model alone (no adapter is left)"
    return (f"The active adapter {name} is gone (its folder {root / name} was deleted); using {instead} instead. "
            f"Choose another with `flutter-tune adapters --use NAME` or \"Flutter Tune: Select Adapter\".")


def resolve_adapter(adapters_dir: str | Path, spec: str | Path | None) -> Path | None:
    """``"active"`` → the active adapter (see module docstring); ``"latest"`` → the adapter LATEST
    names (else the newest); either is None when there is none; ``None``/``""``/``"none"`` → None;
    a folder path or a folder name inside ``adapters_dir`` → that folder.
    """
    if spec is None or str(spec).strip().lower() in ("", BASE_ONLY):
        return None
    root = Path(adapters_dir).expanduser()
    keyword = str(spec).strip().lower()
    if keyword == "active":
        return active_adapter(root)
    if keyword == "latest":
        return _newest(root)
    path = Path(spec).expanduser()
    for candidate in (path, root / str(spec)):
        if is_adapter_dir(candidate):
            return candidate.resolve()
    raise FlutterTuneError(f"Adapter '{spec}' not found: no adapter folder (with adapter_config.json) there "
                           f"or in {root}. Run `flutter-tune train` or list adapters with `flutter-tune adapters`.")


def save_adapter(model, tokenizer, adapters_dir: str | Path, metadata: dict, fingerprint: str = "",
                 make_latest: bool = True) -> AdapterInfo:
    """Write a PEFT model's adapter + tokenizer + metadata as a new versioned folder, atomically.

    The folder appears only when complete; then LATEST is moved to it. Disk errors raise a
    FlutterTuneError and leave earlier adapters and LATEST untouched.
    """
    root = Path(adapters_dir).expanduser()
    name = new_adapter_name(fingerprint)
    final = root / name
    suffix = 1
    while final.exists():
        final, suffix = root / f"{name}-{suffix}", suffix + 1
    metadata = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"), **metadata}
    hint = " or choose another --adapters-dir; earlier adapters are unchanged"
    with artifact_dir(final, "adapter", hint=hint) as tmp:
        model.save_pretrained(str(tmp), safe_serialization=True)
        if tokenizer is not None:
            tokenizer.save_pretrained(str(tmp))
        write_json_atomic(tmp / METADATA_FILE, metadata)
    if make_latest:
        try:
            set_latest(root, final)
        except OSError as exc:
            raise FlutterTuneError(f"The adapter was saved in {final}, but {root / LATEST_FILE} could not be "
                                   f"updated: {exc.strerror or exc}.") from exc
    return info_for(final)


@dataclass
class Activation:
    """What training did to ``ACTIVE``: whether the new adapter became active, and against what."""

    activated: bool
    previous: str | None  # the adapter active before (folder name), None for none/base only
    previous_loss: float | None
    new_loss: float | None
    reason: str

    def to_dict(self) -> dict:
        return {"activated": self.activated, "previous": self.previous, "previous_loss": self.previous_loss,
                "new_loss": self.new_loss, "reason": self.reason}


def validation_loss(path: Path | None) -> float | None:
    """An adapter's best validation loss from its metadata (None when unknown)."""
    import math

    if path is None:
        return None
    try:
        value = (read_metadata(path).get("metrics") or {}).get("best_validation_loss")
    except FlutterTuneError:
        return None
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def activate_after_training(adapters_dir: str | Path, new: AdapterInfo, policy: str = "if_better",
                            current: Path | None = None) -> Activation:
    """Apply ``policy`` to a freshly saved adapter: ``if_better`` makes it active when nothing was
    active (``current``, taken before it was saved) or it validates better; ``always``; ``never``."""
    root = Path(adapters_dir).expanduser()
    current_loss, new_loss = validation_loss(current), new.best_validation_loss
    if policy == "never":
        return Activation(False, current.name if current else None, current_loss, new_loss, "activation is off")
    better = new_loss is not None and (current_loss is None or new_loss < current_loss)
    if policy == "if_better" and current is not None and not better:
        reason = (f"its validation loss {new_loss} is not better than {current_loss} of {current.name}"
                  if new_loss is not None else "it has no validation loss to compare")
        return Activation(False, current.name, current_loss, new_loss, reason)
    set_active(root, new.path)
    reason = "nothing was active" if current is None else "asked to" if policy == "always" else \
        f"validation loss {new_loss:.4f} < {current_loss if current_loss is not None else float('nan'):.4f}"
    return Activation(True, current.name if current else None, current_loss, new_loss, reason)
