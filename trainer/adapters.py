"""Versioned LoRA adapter folders: naming, metadata, the ``latest`` pointer, listing, resolving.

An adapters folder holds one sub-folder per training run, ``<UTC timestamp>-<short hash>/``, each a
PEFT adapter (adapter_config.json + adapter_model.safetensors), the tokenizer, and our metadata
``flutter_tune.json`` (base model, dataset manifest hash, config, metrics, loss history). A small
``LATEST`` file names the newest good adapter; it is rewritten atomically only after a run's
folder is complete, so a failed run never replaces the previous good adapter.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from dataset_tools.atomic_io import atomic_dir, write_json_atomic, write_text_atomic
from dataset_tools.errors import FlutterTuneError

METADATA_FILE = "flutter_tune.json"
LATEST_FILE = "LATEST"


@dataclass
class AdapterInfo:
    """One saved adapter: its folder, when it was made, on which base, and how well it did."""

    path: Path
    created: str = ""
    base: str = ""
    base_path: str | None = None
    best_validation_loss: float | None = None
    metrics: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def to_dict(self) -> dict:
        return {"path": str(self.path), "name": self.name, "created": self.created, "base": self.base,
                "base_path": self.base_path, "best_validation_loss": self.best_validation_loss,
                "metrics": self.metrics}


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
                       best_validation_loss=metrics.get("best_validation_loss"), metrics=metrics)


def list_adapters(adapters_dir: str | Path) -> list[AdapterInfo]:
    """Every complete adapter in ``adapters_dir``, newest first (temp/hidden folders skipped)."""
    root = Path(adapters_dir).expanduser()
    if not root.is_dir():
        return []
    found = [info_for(p) for p in root.iterdir() if not p.name.startswith(".") and is_adapter_dir(p)]
    return sorted(found, key=lambda a: (a.created, a.name), reverse=True)


def latest_name(adapters_dir: Path) -> str | None:
    file = Path(adapters_dir) / LATEST_FILE
    try:
        name = file.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


def set_latest(adapters_dir: str | Path, path: str | Path) -> None:
    """Point ``LATEST`` at adapter folder ``path`` (atomic rename of a one-line file)."""
    write_text_atomic(Path(adapters_dir) / LATEST_FILE, Path(path).name + "\n")


def resolve_adapter(adapters_dir: str | Path, spec: str | Path | None) -> Path | None:
    """``"latest"`` → the adapter LATEST names (else the newest), or None when there is none;
    ``None``/``""``/``"none"`` → None; a folder path or a folder name inside ``adapters_dir`` → that folder.
    """
    if spec is None or str(spec).strip().lower() in ("", "none"):
        return None
    root = Path(adapters_dir).expanduser()
    if str(spec).strip().lower() == "latest":
        name = latest_name(root)
        if name and is_adapter_dir(root / name):
            return root / name
        adapters = list_adapters(root)
        return adapters[0].path if adapters else None
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
    try:
        with atomic_dir(final) as tmp:
            tmp.chmod(0o755)
            model.save_pretrained(str(tmp), safe_serialization=True)
            if tokenizer is not None:
                tokenizer.save_pretrained(str(tmp))
            write_json_atomic(tmp / METADATA_FILE, metadata)
        if make_latest:
            set_latest(root, final)
    except OSError as exc:
        raise FlutterTuneError(f"Could not save the adapter into {root}: {exc.strerror or exc}. "
                               "Free disk space or choose another --adapters-dir; the previous adapter "
                               "is unchanged.") from exc
    return info_for(final)
