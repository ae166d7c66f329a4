"""Parallel harvest gives the same result as a serial one; progress and cancellation."""

from __future__ import annotations

import pytest

from dataset_tools.harvest import HarvestCancelled, HarvestConfig, harvest
from dataset_tools.progress import CallbackProgress

W = "class W{i} extends StatelessWidget {{ Widget build(BuildContext c) => Text('{i}'); }}\n"


@pytest.fixture
def project(make_project):
    files = {f"lib/sub{i % 3}/w{i}.dart": W.format(i=i) for i in range(24)}
    files["lib/bad.dart"] = b"\xff\xfe not utf-8"
    return make_project(files)


def test_jobs_give_identical_results(project):
    serial = harvest([project], HarvestConfig(jobs=1))
    parallel = harvest([project], HarvestConfig(jobs=2, chunksize=2))
    every_core = harvest([project], HarvestConfig(jobs=0))
    assert len(serial.samples) == 24
    assert parallel.samples == serial.samples == every_core.samples
    assert parallel.skips == serial.skips == {"invalid_utf8": 1}
    assert len(serial.symbols.classes) == 24  # the user's symbols come back from the workers too
    assert parallel.symbols.to_json() == serial.symbols.to_json() == every_core.symbols.to_json()


def test_progress_reports_each_file(project):
    events = []
    harvest([project], progress=CallbackProgress(events.append))
    assert events[0].kind == "start" and events[0].total == 25
    assert [e.done for e in events if e.kind == "advance"] == list(range(1, 26))
    assert events[-1].kind == "finish" and events[-1].data == {"samples": 24}


@pytest.mark.parametrize("jobs", [1, 2])
def test_cancel_stops_the_harvest(project, jobs):
    def on_event(event):
        if event.kind == "advance" and event.done >= 3:
            progress.cancel()

    progress = CallbackProgress(on_event)
    with pytest.raises(HarvestCancelled):
        harvest([project], HarvestConfig(jobs=jobs, chunksize=1), progress=progress)
    assert progress.done < 25


def test_several_roots_keep_their_project_names(make_project, tmp_path):
    a = make_project({"lib/a.dart": W.format(i=1)}, name="alpha")
    b = make_project({"lib/b.dart": W.format(i=2)}, name="beta")
    single = tmp_path / "single.dart"
    single.write_text(W.format(i=3))
    result = harvest([a, b, single])
    assert {(s["project"], s["source"]) for s in result.samples} == {
        ("alpha", "lib/a.dart"), ("beta", "lib/b.dart"), (tmp_path.name, "single.dart")}
