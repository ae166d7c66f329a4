"""The server's runtime objects on their own: each built from a client (here a recording fake of
``runtime.client.Client``) and its sibling objects, as ``server/app.py`` wires them; no server process."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dataset_tools.paths import default_adapters_dir
from server.runtime.engine import GenerationEngine, GenerationRequest
from server.runtime.jobs import JobRegistry
from server.runtime.model_host import LoadedModel, ModelHost, model_key
from server.runtime.status import METHOD as STATUS
from server.runtime.status import StatusReporter
from server.settings import ServerSettings


class RecordingClient:
    """What the runtime sends, kept in lists; calls meant for the event loop run at once."""

    supports_progress = False

    def __init__(self) -> None:
        self.notifications: list[tuple[str, object]] = []
        self.shown: list[str] = []

    def notify_client(self, method, params) -> None:
        self.notifications.append((method, params))

    def show(self, message, kind=None) -> None:
        self.shown.append(message)

    def warn(self, message) -> None:
        self.show(message)

    def error(self, message) -> None:
        self.show(message)

    def call_soon(self, fn, *args) -> None:
        fn(*args)

    def request_client(self, method, params):
        raise ConnectionError("no client")

    def on_cancel_request(self, cancel):
        return lambda: None


class Runtime:
    """The runtime objects wired as the server wires them, with settings that a test can replace."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.client = RecordingClient()
        self.jobs = JobRegistry()
        self.status = StatusReporter(self.client, self.jobs, lambda: self.settings)
        self.models = ModelHost(self.client, self.jobs, lambda: self.settings, self.status)
        self.status.models = self.models
        self.engine = GenerationEngine(self.client, lambda: self.settings, self.models, self.status)
        self.reloads = 0
        self.models.request = self._count_reload  # no real load: a test only sees that one was asked for

    def _count_reload(self):
        self.reloads += 1

    def change(self, **values) -> None:
        old, self.settings = self.settings, dataclasses.replace(self.settings, **values)
        self.models.settings_changed(old, self.settings)

    def load(self, adapter: str | None = None) -> None:
        key = model_key(self.settings, adapter)
        self.models.loaded = LoadedModel(model=None, tokenizer=None, info={"adapter": adapter}, key=key)

    def statuses(self) -> list[dict]:
        return [params for method, params in self.client.notifications if method == STATUS]


@pytest.fixture
def runtime() -> Runtime:
    return Runtime(ServerSettings(base_model="tiny-base", adapter=None))


def test_status_names_the_state_the_model_and_the_running_job(runtime):
    runtime.status.update(loading=True, loading_percent=40)
    assert runtime.statuses()[-1] == {"state": "loading", "percent": 40, "base": "tiny-base", "adapter": None,
                                      "resumable": False, "job": None}
    runtime.load(adapter="/adapters/run-1")
    runtime.jobs.start("generate", lambda: None)
    job = runtime.jobs.start("train", lambda: None)
    runtime.status.update(loading=False, message="Ready")
    assert runtime.statuses()[-1] == {"state": "ready", "base": "tiny-base", "adapter": "run-1", "resumable": False,
                                      "job": {"kind": "train", "id": job.id}, "message": "Ready"}
    runtime.status.update(generating=1)
    assert runtime.statuses()[-1]["state"] == "generating"


def test_the_model_key_holds_what_chooses_the_model(runtime):
    key = model_key(runtime.settings, "/adapters/run-1")
    assert key == ("tiny-base", "/adapters/run-1", "auto", "auto", str(default_adapters_dir()), "auto")
    assert (key.base, key.adapter, key.adapters_folder) == ("tiny-base", "/adapters/run-1", str(default_adapters_dir()))
    explicit = dataclasses.replace(runtime.settings, adapters_dir=str(default_adapters_dir()))
    assert model_key(explicit, None) == model_key(runtime.settings, None)  # the folder, not how it was written


def test_the_host_serves_the_adapter_it_was_told_to_use(runtime):
    runtime.models.adapter_override = "/elsewhere/run-2"
    assert runtime.models.wanted_key() == model_key(runtime.settings, "/elsewhere/run-2")
    runtime.change(adapter="latest")  # a new configured adapter replaces the override
    assert runtime.models.adapter_choice() == "latest"


def test_settings_that_choose_another_model_reload_a_loaded_one(runtime):
    runtime.change(base_model="other-base")
    assert runtime.reloads == 0  # nothing loaded: the next request loads the right one
    runtime.load()
    runtime.change(temperature=0.5, max_new_tokens=64)
    assert runtime.reloads == 0
    runtime.change(adapters_dir=str(default_adapters_dir()))  # the same folder, written out
    assert runtime.reloads == 0
    for change in ({"quantization": "none"}, {"device": "cpu"}, {"backend": "torch"}, {"adapter": "latest"},
                   {"adapters_dir": str(Path("/tmp/other-adapters"))}, {"base_model": "third-base"}):
        before = runtime.reloads
        runtime.change(**change)
        assert runtime.reloads == before + 1, change


def test_a_model_being_loaded_is_reloaded_too(runtime):
    runtime.status.update(loading=True)
    runtime.change(base_model="other-base")
    assert runtime.reloads == 1


def test_what_an_editor_request_waits_for_and_how_long_it_may_write(runtime):
    assert runtime.engine.waiting_for() == "waiting for the model"
    runtime.load()
    assert runtime.engine.waiting_for() == ""
    runtime.status.update(generating=1)
    assert runtime.engine.waiting_for() == "queued"
    assert runtime.engine.token_limit(GenerationRequest("x")) == runtime.settings.max_new_tokens
    assert runtime.engine.token_limit(GenerationRequest("x", max_new_tokens=12)) == 12
