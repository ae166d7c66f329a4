"""Continuous learning: a saved Dart file of the harvested project is harvested again and becomes a
retrieval example; the status counts the widgets not trained on; off and untrusted, nothing runs."""

from __future__ import annotations

import asyncio

import pytest
from lsp_session import as_dict
from lsprotocol import types

from dataset_tools.split import _unit, group_key

WIDGET = ("/// {doc}\nclass {name} extends StatelessWidget {{\n  const {name}({{super.key}});\n\n"
          "  @override\n  Widget build(BuildContext context) => Text('{text}', maxLines: {lines});\n}}\n")


def write_app(root, count: int = 12):
    for i in range(count):
        (root / "lib").mkdir(parents=True, exist_ok=True)
        (root / "lib" / f"w{i}.dart").write_text(
            WIDGET.format(doc=f"Shows trail number {i}.", name=f"Trail{i}", text=f"trail {i}", lines=i % 5 + 1))


def train_file_name(project: str) -> str:
    """A new file name whose group the split places in train (by its own hash, as a new file)."""
    return next(name for name in (f"lib/fresh_{i}.dart" for i in range(100))
                if _unit(0, group_key({"project": project, "source": name})) < 0.8)


def learned_notifications(session) -> list[dict]:
    found: list[dict] = []

    @session.client.feature("flutterTune/learned")
    def on_learned(ls, params):
        found.append(as_dict(params))

    return found


def saved(session, path) -> None:
    session.client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri())))


@pytest.mark.asyncio
async def test_a_saved_widget_is_harvested_again_and_becomes_an_example(session, tmp_path):
    from trainer.retrieval.examples import clear_cache, load_or_build

    app = tmp_path / "app"
    write_app(app)
    learned = learned_notifications(session)
    await session.initialize()
    result = await session.command("flutterTune.harvest", {"roots": [str(app)]})
    assert result["counts"]["total"] == 12 and result["unchanged"] is False
    name = train_file_name("app")
    fresh = app / name
    fresh.write_text(WIDGET.format(doc="Shows a glacier crossing warning banner.", name="GlacierBanner",
                                   text="glacier", lines=2))
    saved(session, fresh)
    note = await session.wait_for(lambda: learned and learned[-1], timeout=60, what="flutterTune/learned")
    assert note["unchanged"] is False and note["filesReread"] == 1 and note["trainAdded"] == 1
    assert note["learned"] == len((tmp_path / "dataset" / "train.jsonl").read_text().splitlines())  # no adapter yet
    clear_cache()
    top = load_or_build(tmp_path / "dataset").search("a glacier crossing warning banner", k=1)
    assert top and top[0]["name"] == "GlacierBanner"
    assert await session.wait_for(lambda: any(s.get("learned") == note["learned"] for s in session.statuses),
                                  what="the status counting the widgets learned")

    saved(session, fresh)  # saved again unchanged: harvested, nothing new
    await session.wait_for(lambda: len(learned) == 2, what="a second flutterTune/learned")
    assert learned[-1]["unchanged"] is True


@pytest.mark.asyncio
@pytest.mark.parametrize("where", ["setting off", "outside the harvested project"])
async def test_nothing_is_harvested_when_off_or_for_other_files(session, tmp_path, where):
    app = tmp_path / "app"
    write_app(app)
    learned = learned_notifications(session)
    await session.initialize(**({"continuousLearning": "off"} if where == "setting off" else {}))
    await session.command("flutterTune.harvest", {"roots": [str(app)]})
    written = (tmp_path / "dataset" / "manifest.json").read_text()
    other = tmp_path / ("app" if where == "setting off" else "elsewhere") / "lib" / "new.dart"
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_text(WIDGET.format(doc="A new one.", name="NewOne", text="new", lines=1))
    saved(session, other)
    await asyncio.sleep(1.5)
    assert learned == [] and (tmp_path / "dataset" / "manifest.json").read_text() == written


@pytest.mark.asyncio
async def test_retrain_mode_says_when_training_is_due_and_the_background_run_is_gated(session, tmp_path):
    app = tmp_path / "app"
    write_app(app)
    learned = learned_notifications(session)
    await session.initialize(continuousLearning="retrain", retrainAfter=1, maxNewTokens=16)
    await session.command("flutterTune.harvest", {"roots": [str(app)]})
    first = await session.command("flutterTune.train", {"maxSteps": 2, "batchSize": 2, "maxLength": 256})
    assert first["switched"] is True and first["gate"] is None
    fresh = app / train_file_name("app")
    fresh.write_text(WIDGET.format(doc="Shows a glacier crossing warning banner.", name="GlacierBanner",
                                   text="glacier", lines=2))
    saved(session, fresh)
    note = await session.wait_for(lambda: learned and learned[-1], timeout=60, what="flutterTune/learned")
    assert note["learned"] == 1 and note["retrainDue"] is True  # the one widget the adapter has not learned
    shown_before = len(session.client.messages)
    result = await session.command("flutterTune.train", {"continueTraining": True, "background": True,
                                                         "maxSteps": 2, "batchSize": 2, "maxLength": 256})
    assert result["cancelled"] is False and result["gate"]["switch"] == result["switched"]
    assert result["gate"]["previous_adapter"] == first["name"]
    assert any(s.get("message") == "Training in the background" and s.get("background") for s in session.statuses)
    finished = [m.message for m in session.client.messages[shown_before:] if m.message.startswith("Training finished")]
    if result["switched"]:  # a background run speaks only when it switched
        assert len(finished) == 1 and "switched to adapter" in finished[0]
    else:
        assert finished == [] and session.statuses[-1]["message"].startswith("Kept the current adapter")
