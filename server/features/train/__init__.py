"""``flutterTune.train``: train a new LoRA adapter in the background, then maybe switch to it.

Argument (all optional): ``{datasetDir, maxMinutes, epochs, maxSteps, batchSize, learningRate,
loraR, maxLength, evalSteps, seed, continueTraining, background}`` or ``{resume: true}`` (continue the
newest interrupted run with its own settings; ``maxMinutes`` still applies). ``continueTraining``:
warm-start from the active adapter on what it has not learned, switched to only when the gate finds
it not worse (``trainer.training.continued``). ``background``: at low priority on one thread, held
between micro-batches while a widget is being generated (``trainer.training.background``); only a
switch is shown as a message. The base model, quantization, device and adapters
folder come from the settings. One training per adapters folder, across processes: a second one
fails at once ("Training is already running (pid …, started at …)"). The server keeps answering
while it trains; progress shows step, loss and ETA; cancel saves a resumable checkpoint. When it
finishes and its validation loss beats the active adapter's (setting ``autoSwitch``), the new
adapter becomes the active one (persisted in the adapters folder) and the server switches to it.
Returns ``{adapter, name, validationLoss, previousValidationLoss, switched, cancelled, metrics}``, or
``{cancelled: true, resumable, message}`` when it was stopped.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from dataset_tools.converter import FolderText
from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import ProgressEvent
from dataset_tools.settings import same_setting
from trainer.training.config import TrainConfig

from ...app import FlutterTuneServer
from ...runtime.arguments import command_args
from ...runtime.errors import RequestFailed, invalid_params
from ...runtime.job_runner import run_in_background
from .progress import TrainingProgressNotifier, describe

logger = logging.getLogger(__name__)
TRAIN = "flutterTune.train"


@dataclass(frozen=True, kw_only=True)
class TrainArgs:
    """The argument: training's own settings (trainer.training.config.TrainConfig: type, range, help); each
    option not given keeps TrainConfig's default (with ``resume``: the interrupted run's own). Other keys
    are refused."""

    dataset_dir: FolderText | None = None  # none: the dataset folder setting
    max_minutes: float | None = same_setting(TrainConfig, "max_minutes", default=None)
    epochs: float | None = same_setting(TrainConfig, "epochs", default=None)
    max_steps: int | None = same_setting(TrainConfig, "max_steps", default=None)
    batch_size: int | None = same_setting(TrainConfig, "batch_size", default=None)
    learning_rate: float | None = same_setting(TrainConfig, "learning_rate", default=None)
    lora_r: int | None = same_setting(TrainConfig, "lora_r", default=None)
    max_length: int | None = same_setting(TrainConfig, "max_length", default=None)
    eval_steps: int | None = same_setting(TrainConfig, "eval_steps", default=None)
    seed: int | None = same_setting(TrainConfig, "seed", default=None)
    resume: bool = same_setting(TrainConfig, "resume")
    continue_training: bool = same_setting(TrainConfig, "continue_training")
    background: bool = same_setting(TrainConfig, "background")


def train_config(ls: FlutterTuneServer, args: tuple):
    """The TrainConfig of this run: the settings' model and folders, the command's options on top."""
    options = command_args(TRAIN, args, TrainArgs, refuse_unknown=True)
    s = ls.settings
    config = TrainConfig(base=s.base_model, data_dir=options.dataset_dir or str(s.dataset_folder()),
                         adapters_dir=str(s.adapters_folder()), quantization=s.quantization, device=s.device,
                         activate="if_better" if s.auto_switch else "never")
    given = {name: value for name, value in dataclasses.asdict(options).items()
             if value is not None and name != "dataset_dir"}
    try:
        return dataclasses.replace(config, **given).validate()
    except FlutterTuneError as exc:
        raise invalid_params(f"{TRAIN}: {exc}") from exc


def train_now(config, progress, backend: str = "auto", busy=None):
    """Train, with the model-loading part under the heavy lock.

    transformers' loading switches process-wide state (default dtype, weight-init patches), so two
    loads in two threads can corrupt a model. The lock is held until training's own progress
    starts ("Training" begins after the model is built) and released from this same thread.
    """
    from trainer.generation.serving import prepare_after_training
    from trainer.models import resolve_base
    from trainer.training.train import train as run_training

    from ...runtime.heavy_imports import HEAVY_LOCK, warm

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
        info = run_training(config, progress, backend, busy)
    finally:
        progress.callback = forward
        if held[0]:
            HEAVY_LOCK.release()
    try:
        prepare_after_training(info.path, config.base, backend, config.device, progress)
    except FlutterTuneError as exc:  # the adapter is saved; serving falls back to exporting on first use
        logger.warning("could not prepare the serving model of %s now: %s", info.path, exc)
    return info


def finished_message(info) -> str:
    act = info.activation
    if act is None or not act.activated:
        reason = act.reason if act is not None else "activation is off"
        return (f"Training finished: adapter {info.name} saved; the active adapter stays "
                f"{act.previous if act and act.previous else 'as it was'} ({reason}).")
    versus = ""
    if act.new_loss is not None:
        versus = f" (validation loss {act.new_loss:.4f}" + (
            f" vs {act.previous_loss:.4f})" if act.previous_loss is not None else ")")
    return f"Training finished: switched to adapter {info.name}{versus}."


async def train(ls: FlutterTuneServer, *args) -> dict:
    from trainer.training.runs import already_running_message, is_training
    from trainer.training.train import TrainingInterrupted

    config = train_config(ls, args)
    status = ls.status
    if ls.jobs.running("train") or is_training(config.adapters_dir):
        raise RequestFailed(already_running_message(config.adapters_dir))
    notifier = TrainingProgressNotifier(ls)

    def on_event(event: ProgressEvent) -> None:
        if event.kind in ("start", "advance") and event.percent is not None:
            status.update(training_percent=event.percent)
        notifier.on_event(event)

    def stopped() -> None:
        status.update(training=False, background=False, training_percent=None, message="",
                      learned=None)  # counted again at the next save
        status.refresh_resumable()

    busy = (lambda: status.generating > 0) if config.background else None
    status.update(training=True, background=config.background, training_percent=0,
                  message="Training in the background" if config.background else "Training")
    try:
        outcome = await run_in_background(ls, ls.jobs, "train", "Flutter Tune: training",
                                          lambda p: train_now(config, p, ls.settings.backend, busy),
                                          describe=describe, on_event=on_event, on_stopped=stopped)
    except Exception:
        notifier.end("failed")
        raise
    if outcome.cancelled:
        notifier.end("cancelled")
        resumable = isinstance(outcome.error, TrainingInterrupted) and outcome.error.checkpoint is not None
        ls.show(f"Training cancelled. {outcome.message}".strip())
        return {"cancelled": True, "switched": False, "resumable": resumable, "message": outcome.message}
    info = outcome.value
    act = info.activation
    switched = bool(act and act.activated)
    if switched:
        ls.models.adapter_activated(info.path)
    if switched or not config.background:  # a background run speaks only when it switched
        ls.show(finished_message(info))
    else:
        ls.log(finished_message(info))
        status.update(message=f"Kept the current adapter: the new one was not better ({act.reason})" if act
                      else "Kept the current adapter")
    notifier.end("done", adapter=str(info.path), switched=switched)
    return {"cancelled": False, "adapter": str(info.path), "name": info.name,
            "validationLoss": info.best_validation_loss,
            "previousValidationLoss": act.previous_loss if act else None,
            "switched": switched, "metrics": info.metrics, "gate": read_gate(info.path)}


def read_gate(path) -> dict | None:
    from trainer.adapters import read_metadata

    return read_metadata(path).get("gate")


def register(server: FlutterTuneServer) -> None:
    server.command(TRAIN)(train)
