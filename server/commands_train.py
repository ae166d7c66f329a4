"""``flutterTune.train``: train a new LoRA adapter in the background, then maybe switch to it.

Argument (all optional): ``{datasetDir, maxMinutes, epochs, maxSteps, batchSize, learningRate,
loraR, maxLength, evalSteps}``; the base model, quantization, device and adapters folder come
from the settings. The server keeps answering while it trains; progress shows step, loss and
ETA; cancel saves a resumable checkpoint. When it finishes and its validation loss beats the
active adapter's (setting ``autoSwitch``), the server switches to it and says so.
Returns ``{adapter, name, validationLoss, previousValidationLoss, switched, cancelled, metrics}``.
"""

from __future__ import annotations

import math
from pathlib import Path

from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import ProgressEvent
from dataset_tools.settings import apply_overrides

from .app import FlutterTuneServer
from .background import run_job
from .engine import dataset_dir
from .errors import command_options, get_str, invalid_params
from .model_host import adapters_dir
from .training_progress import TrainingProgressNotifier

TRAIN = "flutterTune.train"
OPTION_FIELDS = {
    "maxMinutes": "max_minutes", "epochs": "epochs", "maxSteps": "max_steps", "batchSize": "batch_size",
    "learningRate": "learning_rate", "loraR": "lora_r", "maxLength": "max_length", "evalSteps": "eval_steps",
    "seed": "seed",
}


def train_config(ls: FlutterTuneServer, options: dict):
    from trainer.config import TrainConfig

    s = ls.settings
    data = get_str(TRAIN, options, "datasetDir") or str(dataset_dir(s))
    config = TrainConfig(base=s.base_model, data_dir=data, adapters_dir=str(adapters_dir(s)),
                         quantization=s.quantization, device=s.device)
    tuning = {k: v for k, v in options.items() if k != "datasetDir"}
    unknown = [k for k in tuning if k not in OPTION_FIELDS]
    if unknown:
        raise invalid_params(f"{TRAIN}: unknown option(s) {', '.join(unknown)}; "
                             f"known: datasetDir, {', '.join(OPTION_FIELDS)}.")
    config, problems = apply_overrides(config, tuning, source=TRAIN, strict=False, aliases=OPTION_FIELDS)
    if problems:
        raise invalid_params("\n".join(problems))
    try:
        return config.validate()
    except FlutterTuneError as exc:
        raise invalid_params(f"{TRAIN}: {exc}") from exc


def describe(event: ProgressEvent) -> str:
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


def validation_loss(adapter: Path | None) -> float | None:
    if adapter is None:
        return None
    from trainer.adapters import read_metadata

    try:
        value = (read_metadata(adapter).get("metrics") or {}).get("best_validation_loss")
    except FlutterTuneError:
        return None
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def should_switch(new_loss: float | None, current: Path | None, current_loss: float | None) -> bool:
    """Switch when nothing is active, or the new adapter validates better."""
    if current is None:
        return True
    return new_loss is not None and (current_loss is None or new_loss < current_loss)


def train_now(config, progress):
    """Train, with the model-loading part under the heavy lock.

    transformers' loading switches process-wide state (default dtype, weight-init patches), so two
    loads in two threads can corrupt a model. The lock is held until training's own progress
    starts ("Training" begins after the model is built) and released from this same thread.
    """
    from trainer.models import resolve_base
    from trainer.train import train

    from .imports import HEAVY_LOCK, warm

    try:
        base_path = resolve_base(config.base)
    except FlutterTuneError:
        base_path = None  # train() reports it properly
    warm("training", base_path)
    held = [True]
    forward = progress.callback

    def callback(event: ProgressEvent) -> None:
        if held[0] and event.kind == "start" and event.title == "Training":
            held[0] = False
            HEAVY_LOCK.release()
        forward(event)

    HEAVY_LOCK.acquire()
    progress.callback = callback
    try:
        return train(config, progress)
    finally:
        progress.callback = forward
        if held[0]:
            HEAVY_LOCK.release()


def register(server: FlutterTuneServer) -> None:
    @server.command(TRAIN)
    async def train(ls: FlutterTuneServer, *args):
        options = command_options(TRAIN, args)
        config = train_config(ls, options)
        status = ls.status
        notifier = TrainingProgressNotifier(ls)

        def on_event(event: ProgressEvent) -> None:
            if event.kind in ("start", "advance") and event.percent is not None:
                status.update(training_percent=event.percent)
            notifier.on_event(event)

        current = ls.models.current_adapter()  # before training moves LATEST
        status.update(training=True, training_percent=0, message="Training")
        try:
            outcome = await run_job(ls, "train", "Flutter Tune: training", lambda p: train_now(config, p),
                                    describe=describe, on_event=on_event)
        except Exception:
            notifier.end("failed")
            raise
        finally:
            status.update(training=False, training_percent=None, message="")
        if outcome.cancelled:
            notifier.end("cancelled")
            ls.show(f"Training cancelled. {outcome.message}".strip())
            return {"cancelled": True, "switched": False, "message": outcome.message}
        info = outcome.value
        new_loss = validation_loss(info.path)
        current_loss = validation_loss(current)
        switched = False
        if ls.settings.auto_switch and should_switch(new_loss, current, current_loss):
            ls.models.use_adapter(str(info.path))
            switched = True
            versus = f" (validation loss {new_loss:.4f}" + (
                f" vs {current_loss:.4f})" if current_loss is not None else ")") if new_loss is not None else ""
            ls.show(f"Training finished: switched to adapter {info.name}{versus}.")
        else:
            if current is not None:
                ls.models.adapter_override = str(current)  # keep serving the better adapter
            reason = "autoSwitch is off" if not ls.settings.auto_switch else \
                f"its validation loss {new_loss} is not better than {current_loss}"
            ls.show(f"Training finished: adapter {info.name} saved; still using the current adapter ({reason}).")
        notifier.end("done", adapter=str(info.path), switched=switched)
        return {"cancelled": False, "adapter": str(info.path), "name": info.name, "validationLoss": new_loss,
                "previousValidationLoss": current_loss, "switched": switched, "metrics": info.metrics}
