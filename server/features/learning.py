"""Continuous learning (``flutterTune.continuousLearning``): the dataset follows the code as it is saved.

On ``textDocument/didSave`` of a ``.dart`` file under the sources of the configured dataset (its
manifest's ``sources``), with the setting on ``retrieval`` or ``retrain`` (the client sends ``off`` in an
untrusted workspace), the dataset is harvested again in the background — incrementally: only changed files are
parsed (``dataset_tools.pipeline``) — and the retrieval index is rebuilt from its train split, so the
next request can take a widget just written as an example (when its file is in the train split: a
file's split is fixed by its path's hash, and the held-out splits stay out of retrieval so that
evaluation stays honest). Saves that come while a harvest runs are taken by one more harvest after it.
A manual harvest and this one never run together: both are ``harvest`` jobs, and a save during a
manual harvest is taken by a harvest after it.

The status then counts the train widgets the active adapter has not been trained on ("12 widgets
learned since the last training"; all of them with no adapter) — ``status.learned`` — and the
``flutterTune/learned`` notification tells the client what the harvest found; with ``retrain``, its
``retrainDue`` says that ``retrainAfter`` widgets or more are new and no training runs, and the client
starts ``flutterTune.train`` with ``{continueTraining, background}`` (a run the editor shows like any
other; the gate decides whether it is used).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from ..app import FlutterTuneServer
from ..runtime.jobs import run_in_thread

log = logging.getLogger(__name__)
LEARNED = "flutterTune/learned"
KIND = "harvest"


class Learner:
    """Harvests again after saves, one harvest at a time; ``done`` is set after each (tests wait on it)."""

    def __init__(self, ls: FlutterTuneServer) -> None:
        self.ls = ls
        self._lock = threading.Lock()
        self._running = False
        self._again = False
        self.done = threading.Event()
        self.last: dict | None = None  # what the last harvest sent in ``flutterTune/learned``

    def saved(self, path: Path) -> None:
        """A file was saved: harvest again if it belongs to the dataset's sources."""
        settings = self.ls.settings
        if settings.continuous_learning == "off" or path.suffix != ".dart":
            return
        dataset = settings.dataset_folder()
        sources = _sources(dataset)
        if not any(_is_within(path, Path(source)) for source in sources):
            return
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running = True
            self.done.clear()
        run_in_thread("learn", self._loop, dataset, sources)

    def _loop(self, dataset: Path, sources: list[str]) -> None:
        try:
            while True:
                self._harvest(dataset, sources)
                with self._lock:
                    if not self._again:
                        self._running = False
                        break
                    self._again = False
        finally:
            self.done.set()

    def _harvest(self, dataset: Path, sources: list[str]) -> None:
        from dataset_tools.harvest import HarvestCancelled
        from dataset_tools.pipeline import dataset_config_of, harvest_to_dataset, previous_manifest
        from dataset_tools.progress import Progress
        from trainer.retrieval.examples import load_or_build

        jobs = self.ls.jobs
        if jobs.running(KIND):  # a manual harvest: it may have read the file before the save
            with self._lock:
                self._again = True
            _wait_for(jobs, KIND)
        progress = Progress()  # silent; flutterTune.cancel reaches it through the job
        job = jobs.start(KIND, progress.cancel, "Flutter Tune: learning from saved files")
        try:
            manifest = previous_manifest(dataset) or {}  # written again as it was: seed, ratios, hand-written pairs
            result = harvest_to_dataset(sources, dataset, dataset_config=dataset_config_of(manifest),
                                        extra_files=[f for f in manifest.get("extra_files") or () if Path(f).is_file()],
                                        progress=progress)
            load_or_build(dataset)  # the retrieval index follows the train split now
        except HarvestCancelled:
            return  # cancelled: the dataset is as it was
        except Exception as exc:  # noqa: BLE001 — never into the editor's save: told and logged
            log.warning("Learning from saved files failed: %s", exc, exc_info=True)
            self.ls.log(f"Flutter Tune could not harvest the saved file again: {exc}")
            return
        finally:
            jobs.finish(job)
        learned = untrained_widgets(dataset, self.ls.models.current_adapter())
        changes = result.manifest.get("changes") or {}
        settings = self.ls.settings
        due = settings.continuous_learning == "retrain" and learned is not None \
            and learned >= settings.retrain_after and not jobs.running("train")
        self.last = {"unchanged": result.unchanged, "learned": learned, "datasetDir": str(dataset),
                     "retrainDue": due,
                     "filesReread": result.manifest.get("files_reread", 0) if not result.unchanged else 0,
                     "trainAdded": (changes.get("train") or {}).get("added", 0) if not result.unchanged else 0}
        self.ls.notify_client(LEARNED, self.last)
        self.ls.status.update(learned=learned)


def untrained_widgets(dataset: Path, adapter: Path | None) -> int | None:
    """How many train records of ``dataset`` ``adapter`` was not trained on (all of them with no adapter);
    None when the adapter does not say what it was trained on (trained before it was recorded)."""
    from dataset_tools.atomic_io import read_jsonl
    from dataset_tools.errors import FlutterTuneError
    from dataset_tools.split import record_fingerprint
    from trainer.adapters import read_metadata

    try:
        train = read_jsonl(dataset / "train.jsonl")
        trained = set(read_metadata(adapter).get("train_records", ())) if adapter is not None else set()
    except (OSError, FlutterTuneError):
        return None
    if adapter is not None and not trained:
        return None
    return sum(1 for record in train if record_fingerprint(record) not in trained)


def _sources(dataset: Path) -> list[str]:
    from dataset_tools.pipeline import previous_manifest

    manifest = previous_manifest(dataset)
    sources = manifest.get("sources") if manifest else None
    return [s for s in sources if isinstance(s, str)] if isinstance(sources, list) else []


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def _wait_for(jobs, kind: str, poll_s: float = 0.2) -> None:
    while jobs.running(kind):
        time.sleep(poll_s)


def register(server: FlutterTuneServer) -> None:
    learner = Learner(server)
    server.learner = learner

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: FlutterTuneServer, params: types.DidSaveTextDocumentParams) -> None:
        path = to_fs_path(params.text_document.uri)
        if path:
            learner.saved(Path(path))
