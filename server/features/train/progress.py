"""Training's progress: the ``flutterTune/trainingProgress`` notification (the training panel's live
numbers) and the work-done progress message (step, loss, ETA).

``{job, step, totalSteps, epoch, loss, evalLoss, learningRate, tokensPerSecond, etaSeconds, state,
adapter?, switched?}`` with state running / done / cancelled / failed. ``job`` names the run, so the
client starts new curves for a new run (routing by a field, never by progress titles). Fed from the
training's progress events (trainer.training.callbacks.ProgressCallback); at most one per REPORT_INTERVAL_S
except validation results and the final one.
"""

from __future__ import annotations

import time
import uuid

from dataset_tools.progress import ProgressEvent

from ...runtime.client import Notifier

METHOD = "flutterTune/trainingProgress"
REPORT_INTERVAL_S = 0.1
FIELDS = {"epoch": "epoch", "loss": "loss", "eval_loss": "evalLoss", "learning_rate": "learningRate",
          "tokens_per_second": "tokensPerSecond", "eta_seconds": "etaSeconds"}


class TrainingProgressNotifier:
    """One training run's notifications, sent by ``client``."""

    def __init__(self, client: Notifier) -> None:
        self.client = client
        self.job = f"train-{uuid.uuid4().hex[:8]}"
        self.last: dict = {"job": self.job, "step": 0, "state": "running"}
        self._sent_at = 0.0

    def on_event(self, event: ProgressEvent) -> None:
        """Forward a training step (or validation) event; other events (model loading) are not steps."""
        data = event.data
        if event.kind != "advance" or "step" not in data:
            return
        payload = {"job": self.job, "step": data["step"], "totalSteps": data.get("total_steps") or event.total,
                   "state": "running"}
        payload.update({key: data.get(name) for name, key in FIELDS.items()})
        if payload["evalLoss"] is None:
            payload.pop("evalLoss")  # a step event: the validation loss is only sent when measured
        self.last = payload
        now = time.monotonic()
        if "evalLoss" in payload or now - self._sent_at >= REPORT_INTERVAL_S:
            self._sent_at = now
            self.client.notify_client(METHOD, payload)

    def end(self, state: str, adapter: str | None = None, switched: bool | None = None) -> None:
        payload = {key: value for key, value in self.last.items() if key != "evalLoss"}
        payload.update(state=state, etaSeconds=None)
        if adapter is not None:
            payload["adapter"] = adapter
        if switched is not None:
            payload["switched"] = switched
        self.client.notify_client(METHOD, payload)


def describe(event: ProgressEvent) -> str:
    """The work-done progress message of a training event: "step 3/8 · loss 0.8120 · ETA 12s"."""
    data = event.data
    parts = []
    if "step" in data:
        parts.append(f"step {data['step']}/{data.get('total_steps') or event.total or '?'}")
    if data.get("loss") is not None:
        parts.append(f"loss {data['loss']:.4f}")
    if data.get("eval_loss") is not None:
        parts.append(f"validation loss {data['eval_loss']:.4f}")
    if data.get("eta_seconds") is not None:
        eta = int(data["eta_seconds"])
        parts.append(f"ETA {eta // 60}m{eta % 60:02d}s" if eta >= 60 else f"ETA {eta}s")
    return " · ".join(parts) or event.message
