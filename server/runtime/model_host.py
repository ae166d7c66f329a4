"""The one model the server generates with: loaded lazily, in a background thread, swapped on change.

``model_key`` is what decides which model is served (the settings that choose it, with the adapter
choice); ``request()`` returns a Future of the ``LoadedModel`` of the current key, starting a
load when needed (with work-done progress and ``loading`` status). Requests that arrive during
a load wait on the same future. A missing adapter, or one trained on another base, falls back
to the base model with a warning; out-of-memory and other load failures become a shown error
and a failed future; the server stays up and tries again on the next request.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from dataset_tools.errors import FlutterTuneError

from .client import Client
from .jobs import JobRegistry, start_thread
from .progress_bridge import WorkDone
from .status import StatusReporter

if TYPE_CHECKING:
    from ..settings import ServerSettings

logger = logging.getLogger(__name__)
UNSET = object()


class ModelKey(NamedTuple):
    """What decides the served model: a different key means another load."""

    base: str
    adapter: str | None  # None (the base alone), "active", "latest" or a folder
    quantization: str
    device: str
    adapters_folder: str
    backend: str


def model_key(settings: ServerSettings, adapter: str | None) -> ModelKey:
    """The key of the model ``settings`` choose with ``adapter`` (the setting, or the host's choice)."""
    return ModelKey(settings.base_model, adapter, settings.quantization, settings.device,
                    str(settings.adapters_folder()), settings.backend)


@dataclass
class LoadedModel:
    """A model ready to generate (a trainer ServingModel): ``info`` holds base, adapter (path or None),
    quantization, device and backend."""

    model: Any
    tokenizer: Any
    info: dict
    key: ModelKey


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.expanduser().resolve().parent == root.expanduser().resolve()
    except OSError:
        return False


def is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    try:
        import torch

        if isinstance(exc, torch.OutOfMemoryError):
            return True
    except (ImportError, AttributeError):
        pass
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)


class ModelHost:
    """Loads and serves the model; ``settings`` returns the current settings, ``status`` shows the loads,
    ``client`` gets the warnings and the load's progress, ``jobs`` holds the progress's cancel."""

    def __init__(self, client: Client, jobs: JobRegistry, settings: Callable[[], ServerSettings],
                 status: StatusReporter) -> None:
        self.client = client
        self.jobs = jobs
        self.settings = settings
        self.status = status
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self.loaded: LoadedModel | None = None
        self._future: Future | None = None
        self._future_key: ModelKey | None = None
        self.adapter_override: Any = UNSET  # set by useAdapter / auto-switch; None means base only
        self._missing_said: str | None = None  # the last "active adapter is gone" warning shown

    # --- what should be loaded -------------------------------------------------------------
    def adapter_choice(self) -> str | None:
        if self.adapter_override is not UNSET:
            return self.adapter_override
        return self.settings().adapter

    def wanted_key(self) -> ModelKey:
        """The key of the model to serve now: the settings with this host's adapter choice, resolved."""
        return model_key(self.settings(), self._resolved_choice())

    def _resolved_choice(self) -> str | None:
        """"active"/"latest" as the folder they name now (so a changed ACTIVE file means a reload)."""
        choice = self.adapter_choice()
        if choice not in ("active", "latest"):
            return choice
        from trainer.adapters import missing_active_message, resolve_adapter

        folder = self.settings().adapters_folder()
        try:
            path = resolve_adapter(folder, choice)
            missing = missing_active_message(folder) if choice == "active" else None
        except (FlutterTuneError, OSError):
            return choice
        if missing and missing != self._missing_said:  # the fallback is told once
            self._missing_said = missing
            self.client.warn(missing)
        return str(path) if path is not None else None

    def use_adapter(self, choice: str | None) -> Future:
        """Switch the adapter and load it: None (the base model alone) or a folder inside the adapters
        folder becomes the persisted active adapter (``ACTIVE``, used after a restart too); "active" and
        "latest" are followed as they are; a folder elsewhere is used for this session only."""
        from trainer.adapters import set_active

        root = self.settings().adapters_folder()
        if choice is None or (choice not in ("active", "latest") and _inside(Path(choice), root)):
            set_active(root, None if choice is None else Path(choice))
            choice = "active"
        self.adapter_override = choice
        return self.request()

    def adapter_activated(self, path: Path) -> None:
        """Training made ``path`` the active adapter: serve it (a loaded model is swapped in the background)."""
        self.adapter_override = "active"
        if self.loaded is not None or self._future is not None:
            self.request()
        self.status.update()

    def settings_changed(self, old: ServerSettings, new: ServerSettings) -> None:
        """A new configured adapter replaces any adapter picked with useAdapter; when the settings now
        choose another model, a loaded (or loading) one is reloaded in the background (requests wait)."""
        if old.adapter != new.adapter:
            self.adapter_override = UNSET
        if model_key(new, new.adapter) != model_key(old, old.adapter) and (self.is_loaded() or self.status.loading):
            self.request()

    # --- state for the status bar ----------------------------------------------------------
    def is_loaded(self) -> bool:
        return self.loaded is not None

    def active_names(self) -> tuple[str, str | None]:
        loaded = self.loaded
        if loaded is not None:
            adapter = loaded.info.get("adapter")
            return str(loaded.key.base), (Path(adapter).name if adapter else None)
        adapter = self.current_adapter()
        return self.settings().base_model, (adapter.name if adapter is not None else None)

    def active_adapter_path(self) -> Path | None:
        loaded = self.loaded
        adapter = loaded.info.get("adapter") if loaded else None
        return Path(adapter) if adapter else None

    def current_adapter(self) -> Path | None:
        """The adapter in use: the loaded one, or the one the settings would load (None: base only)."""
        if self.loaded is not None and self.loaded.key == self.wanted_key():
            return self.active_adapter_path()
        choice = self.adapter_choice()
        if not choice:
            return None
        from trainer.adapters import resolve_adapter

        try:
            path = resolve_adapter(self.settings().adapters_folder(), choice)
        except FlutterTuneError:
            return None
        return Path(path) if path else None

    # --- loading ------------------------------------------------------------------------------
    def request(self) -> Future:
        """The LoadedModel for the current settings (done at once when already loaded)."""
        key = self.wanted_key()
        with self._lock:
            fut = self._future
            if fut is not None and self._future_key == key:
                if not fut.done() or fut.exception() is None:
                    return fut
            fut = Future()
            self._future, self._future_key = fut, key
        start_thread("load", self._load, key, fut)
        return fut

    def _resolve_adapter(self, choice: str | None, folder: Path) -> Path | None:
        if not choice:
            return None
        from trainer.adapters import resolve_adapter

        try:
            path = resolve_adapter(folder, choice)
        except FlutterTuneError as exc:
            self.client.warn(f"{exc} Using the base model without an adapter.")
            return None
        if path is None:
            if choice not in ("active", "latest"):
                self.client.warn(f"Adapter '{choice}' was not found. Using the base model without an adapter.")
            return None
        return Path(path)

    def _load(self, key: ModelKey, fut: Future) -> None:
        base, quantization, device, backend = key.base, key.quantization, key.device, key.backend
        status = self.status
        status.update(loading=True, loading_percent=None, error=None, message=f"Loading {base}")
        work = WorkDone(self.client, self.jobs, "load", "Flutter Tune: loading model", cancellable=False,
                        on_event=lambda e: e.percent is not None and status.update(loading_percent=e.percent))
        work.begin(f"{base}")
        try:
            from trainer.generation.serving import resolve_backend

            from .heavy_imports import HEAVY_LOCK, warm

            warm("onnx" if resolve_backend(backend, device) == "onnx" else "inference")
            with self._load_lock, HEAVY_LOCK:
                loaded = self._load_locked(key, work)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the waiting requests
            message = self._describe_failure(exc, base, quantization, device)
            logger.error("model load failed: %s", message, exc_info=not isinstance(exc, FlutterTuneError))
            status.update(loading=False, error=message)
            self.client.error(message)  # shown before the waiting requests fail
            fut.set_exception(FlutterTuneError(message))
        else:
            self.loaded = loaded
            fut.set_result(loaded)
            adapter = loaded.info.get("adapter")
            status.update(loading=False, error=None,
                          message=f"Ready: {base}" + (f" + {Path(adapter).name}" if adapter else ""))
        finally:
            work.end()

    def _load_locked(self, key: ModelKey, work: WorkDone) -> LoadedModel:
        from trainer.generation.serving import load_serving

        adapter = self._resolve_adapter(key.adapter, Path(key.adapters_folder))

        def load(adapter_: Path | None) -> LoadedModel:
            serving = load_serving(key.base, adapter_, backend=key.backend, quantization=key.quantization,
                                   device=key.device, progress=work.progress)
            return LoadedModel(serving, serving.tokenizer, serving.info, key)

        if adapter is not None:
            try:
                return load(adapter)
            except FlutterTuneError as exc:
                self.client.warn(f"{exc} Using the base model without an adapter.")
        return load(None)

    @staticmethod
    def _describe_failure(exc: BaseException, base: str, quantization: str, device: str) -> str:
        if isinstance(exc, FlutterTuneError):
            return str(exc)
        if is_out_of_memory(exc):
            hint = "Set flutterTune.quantization to '8bit' or '4bit'" if quantization == "none" else \
                "Close other programs, use a smaller base model"
            return (f"Out of memory while loading base model '{base}' ({quantization}, device {device}). "
                    f"{hint}, or set flutterTune.device to 'cpu'.")
        return f"Loading base model '{base}' failed: {type(exc).__name__}: {exc}"
