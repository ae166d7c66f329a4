"""The generation engine: one model, one request at a time, each cancellable between tokens.

``submit(GenerationRequest)`` queues a request and returns its Future (a trainer
``GenerationResult``). A single worker thread takes requests in order, waits for the model
(``ModelHost.request()``), adds the user's nearest widgets as examples when retrieval is on,
and calls ``trainer.generation.generate.generate_code`` with the request's cancel event and time limit
and the API index of the dataset folder (``trainer.generation.api_index.generation_index``).
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from dataset_tools.errors import FlutterTuneError

from .client import Messenger
from .jobs import JobCancelled, start_thread
from .memory import release_free_memory
from .model_host import ModelHost
from .status import StatusReporter

if TYPE_CHECKING:
    from ..settings import ServerSettings

logger = logging.getLogger(__name__)
WAIT_POLL_S = 0.1


class GenerationCancelled(JobCancelled):
    """The request was cancelled before the model started writing."""


@dataclass
class GenerationRequest:
    """What to write (``instruction``, optional ``input`` code), how (``max_new_tokens`` overrides the
    setting), and the hooks: ``cancel`` (set to stop between tokens), ``on_token(count, text)``."""

    instruction: str
    input: str = ""
    context_code: str = ""
    max_new_tokens: int | None = None
    candidates: int | None = None  # overrides the setting (1 for a doc comment)
    expected_name: str | None = None  # the widget name the result must declare, when the caller knows it
    cancel: threading.Event = field(default_factory=threading.Event)
    on_token: Callable[[int, str], None] | None = None
    on_start: Callable[[], None] | None = None
    future: Future = field(default_factory=Future)


def generation_settings(settings, max_new_tokens: int | None = None, candidates: int | None = None):
    from trainer.generation.generate import GenerationSettings

    return GenerationSettings(max_new_tokens=max_new_tokens or settings.max_new_tokens,
                              temperature=settings.temperature, top_p=settings.top_p,
                              time_limit_s=settings.time_limit_s, candidates=candidates or settings.candidates,
                              check_names=settings.check_names)


class GenerationEngine:
    """Runs the queued requests with the model of ``models``, showing them in ``status``; ``settings``
    returns the current settings; retrieval problems are warned about through ``client``."""

    def __init__(self, client: Messenger, settings: Callable[[], ServerSettings], models: ModelHost,
                 status: StatusReporter) -> None:
        self.client = client
        self.settings = settings
        self.models = models
        self.status = status
        self._queue: queue.Queue[GenerationRequest | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._retrieval_warned = ""  # the last retrieval problem shown

    def submit(self, request: GenerationRequest) -> Future:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = start_thread("generate", self._work)
        self._queue.put(request)
        return request.future

    def pending(self) -> int:
        return self._queue.qsize()

    def token_limit(self, request: GenerationRequest) -> int:
        """The most new tokens ``request`` may write: its own limit, else the setting."""
        return request.max_new_tokens or self.settings().max_new_tokens

    def waiting_for(self) -> str:
        """What a request submitted now waits for first: "waiting for the model", "queued" or ""."""
        if not self.models.is_loaded():
            return "waiting for the model"
        return "queued" if self.status.generating or self.pending() else ""

    def stop(self) -> None:
        """End the worker once the requests queued before this are done (cancel them first to end it soon)."""
        self._queue.put(None)

    # --- worker ------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            request = self._queue.get()
            if request is None:
                return
            if request.future.set_running_or_notify_cancel():
                try:
                    request.future.set_result(self._run(request))
                except BaseException as exc:  # noqa: BLE001 - reported to the waiting handler
                    request.future.set_exception(exc)

    def _wait_for_model(self, request: GenerationRequest):
        fut = self.models.request()
        while True:
            if request.cancel.is_set():
                raise GenerationCancelled("cancelled while the model was loading")
            try:
                return fut.result(timeout=WAIT_POLL_S)
            except TimeoutError:
                continue

    def _run(self, request: GenerationRequest):
        from trainer.generation.api_index import generation_index
        from trainer.generation.generate import generate_code

        if request.cancel.is_set():
            raise GenerationCancelled("cancelled before it started")
        loaded = self._wait_for_model(request)
        if request.cancel.is_set():
            raise GenerationCancelled("cancelled before it started")
        status = self.status
        status.update(generating=1, message="Generating")
        try:
            if request.on_start is not None:
                request.on_start()
            examples = self._examples(loaded.tokenizer, request)
            current = self.settings()
            settings = generation_settings(current, request.max_new_tokens, request.candidates)
            api = generation_index(current.dataset_folder(), current.flutter_sdk_path) if settings.check_names \
                else None
            return generate_code(loaded.model, loaded.tokenizer, request.instruction, input=request.input,
                                 examples=examples, settings=settings, cancel=request.cancel,
                                 on_token=request.on_token, expected_name=request.expected_name, api=api)
        finally:
            status.update(generating=0, message="")
            release_free_memory()

    # --- retrieval ---------------------------------------------------------------------------
    def _examples(self, tokenizer, request: GenerationRequest) -> list:
        """The user's nearest widgets (trainer.retrieval caches the index per dataset folder)."""
        settings = self.settings()
        options = settings.retrieval
        if not options.enabled or options.k <= 0:
            return []
        from trainer.retrieval import examples as retrieval

        folder = settings.dataset_folder()
        try:
            examples = retrieval.examples_for(options, folder, tokenizer, request.instruction,
                                              context_code=request.context_code, input=request.input)
        except (FlutterTuneError, OSError, ValueError, RecursionError) as exc:
            self._warn_retrieval(str(exc))
            return []
        problem = retrieval.problem(folder)
        if problem:
            self._warn_retrieval(problem)
        return examples

    def _warn_retrieval(self, message: str) -> None:
        if message != self._retrieval_warned:
            self._retrieval_warned = message
            self.client.warn(f"Retrieval of your own widgets is off for now: {message}")

