"""The ``flutterTune/status`` notification: what the server is doing and which model is active.

``{state, percent?, base, adapter, message?, learned?}`` (``learned``: train widgets the active adapter
has not been trained on, once continuous learning has counted them) with state one of idle / loading / ready /
generating / training / error (docs/ARCHITECTURE.md). The state is derived from what is going
on, most visible first: generating, loading, training, error, ready, idle.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable, Protocol

from .client import Notifier
from .jobs import JobRegistry

if TYPE_CHECKING:
    from ..settings import ServerSettings

METHOD = "flutterTune/status"


class ModelView(Protocol):
    """What the status shows of the served model (``model_host.ModelHost``)."""

    def is_loaded(self) -> bool: ...

    def active_names(self) -> tuple[str, str | None]: ...


class StatusReporter:
    """Collects the activity flags and sends a status notification whenever they change.

    ``settings`` returns the current settings; ``models`` is set by the server once its model host
    exists (the host reports its loads to this status, so it is built after it)."""

    def __init__(self, client: Notifier, jobs: JobRegistry, settings: Callable[[], ServerSettings]) -> None:
        self.client = client
        self.jobs = jobs
        self.settings = settings
        self.models: ModelView | None = None
        self._lock = threading.Lock()
        self.loading_percent: int | None = None
        self.loading = False
        self.generating = 0
        self.training_percent: int | None = None
        self.training = False
        self.background = False  # the training runs in the background (continuous learning)
        self.error: str | None = None
        self.message: str | None = None
        self.resumable = False  # an interrupted training run can be resumed
        self.learned: int | None = None  # train widgets the active adapter has not learned (features.learning)
        self.last: dict | None = None

    def refresh_resumable(self) -> None:
        """Look again whether the adapters folder holds an interrupted run, and notify."""
        from trainer.training.runs import resumable_run

        try:
            found = resumable_run(self.settings().adapters_folder()) is not None
        except OSError:
            found = False
        self.update(resumable=found)

    def update(self, message: str | None = None, **flags) -> None:
        """Set any of the activity attributes (``loading=True``, ``training_percent=40`` ...) and notify."""
        with self._lock:
            for name, value in flags.items():
                if not hasattr(self, name):
                    raise AttributeError(name)
                setattr(self, name, value)
            if message is not None:
                self.message = message
            payload = self._payload()
            self.last = payload
        self.client.notify_client(METHOD, payload)

    def _payload(self) -> dict:
        models = self.models
        active = models.active_names() if models is not None else (self.settings().base_model, None)
        if self.generating:
            state, percent = "generating", None
        elif self.loading:
            state, percent = "loading", self.loading_percent
        elif self.training:
            state, percent = "training", self.training_percent
        elif self.error:
            state, percent = "error", None
        elif models is not None and models.is_loaded():
            state, percent = "ready", None
        else:
            state, percent = "idle", None
        jobs = [j for j in self.jobs.running() if j.kind != "generate"]
        payload = {"state": state, "base": active[0], "adapter": active[1], "resumable": self.resumable,
                   "job": {"kind": jobs[0].kind, "id": jobs[0].id} if jobs else None}
        if self.learned is not None:
            payload["learned"] = self.learned
        if percent is not None:
            payload["percent"] = percent
        if state == "training" and self.background:
            payload["background"] = True
        message = self.error if state == "error" else self.message
        if message:
            payload["message"] = message
        return payload
