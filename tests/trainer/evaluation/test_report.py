"""The report files: eval.json, report.md, report.html and the PNG plots."""

from __future__ import annotations

import json

import pytest

from trainer.evaluation.evaluate import evaluate
from trainer.generation.generate import GenerationSettings
from trainer.evaluation.report import metric_table, plot_loss_curve, write_report

from tests.trainer.conftest import write_eval_dataset

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def results(tiny, tmp_path_factory):
    dataset_dir = write_eval_dataset(tmp_path_factory.mktemp("dataset"))
    return evaluate("tiny", "adapter-x", dataset_dir, settings=GenerationSettings(max_new_tokens=4),
                    loader=lambda adapter: tiny)


def test_report_files_are_written(results, tmp_path):
    history = [{"step": 1, "loss": 3.2}, {"step": 2, "loss": 2.5}, {"step": 2, "eval_loss": 2.9},
               {"step": 3, "loss": 2.1}]
    paths = write_report(results, tmp_path / "report", loss_history=history)
    assert set(paths) == {"json", "markdown", "html", "metrics_plot", "loss_plot"}
    saved = json.loads(paths["json"].read_text())
    assert saved["loss_history"] == history and [s["name"] for s in saved["systems"]] == ["base", "tuned"]
    assert saved["metrics"]["loss"] == {"label": "Loss (response tokens)", "higher_is_better": False}
    markdown = paths["markdown"].read_text()
    assert "| Metric | base | tuned | reference code |" in markdown
    assert "Style score" in markdown and "![training loss](loss_curve.png)" in markdown
    assert "super.key" in markdown  # the style profile table
    assert "<table>" in paths["html"].read_text()
    assert paths["metrics_plot"].read_bytes().startswith(PNG)
    assert paths["loss_plot"].read_bytes().startswith(PNG)
    assert [p.name for p in (tmp_path / "report").iterdir() if p.name.startswith(".")] == [".flutter-tune.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders left beside it


def test_table_rows_read_each_metric_s_label_direction_and_format():
    results = {"systems": [{"name": "base", "metrics": {"loss": 2.404, "widget_overlap": 0.0, "chrf": 10.4}},
                           {"name": "tuned", "metrics": {"loss": 1.5021, "widget_overlap": 0.293, "chrf": 30.66}}],
               "reference": {"widget_overlap": 1.0, "chrf": 100.0}}
    header, rows = metric_table(results)
    assert header == ["Metric", "base", "tuned", "reference code"]
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Loss (response tokens) ↓"] == ["2.404", "**1.502**", "–"]  # lower is better
    assert by_label["Widget vocabulary F1 ↑"] == ["0.0%", "**29.3%**", "100.0%"]
    assert by_label["chrF ↑"] == ["10.4", "**30.7**", "100.0"]
    assert by_label["Perplexity ↓"] == ["–", "–", "–"]


def test_no_loss_history_means_no_loss_plot(results, tmp_path):
    paths = write_report(results, tmp_path, loss_history=None)
    assert "loss_plot" not in paths and not (tmp_path / "loss_curve.png").exists()
    assert "loss_curve.png" not in paths["markdown"].read_text()
    assert plot_loss_curve([{"step": 1}]) is None


def test_report_folder_that_is_a_file(results, tmp_path):
    from dataset_tools.errors import FlutterTuneError

    (tmp_path / "file").write_text("x")
    with pytest.raises(FlutterTuneError, match="is a file"):
        write_report(results, tmp_path / "file")


def test_the_resolves_rows_only_where_an_index_measured_them(tmp_path):
    systems = [{"name": "base", "metrics": {"loss": 2.4, "resolves": 0.5, "unknown_references": 1.25}},
               {"name": "tuned", "metrics": {"loss": 1.5, "resolves": 0.75, "unknown_references": 0.5}}]
    header, rows = metric_table({"systems": systems, "reference": {"resolves": 1.0, "unknown_references": 0.0}})
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Resolves against the API index ↑"] == ["50.0%", "**75.0%**", "100.0%"]
    assert by_label["Unknown references per widget ↓"] == ["1.25", "**0.50**", "0.00"]
    without = [{"name": "base", "metrics": {"loss": 2.4, "resolves": None}}]
    labels = [row[0] for row in metric_table({"systems": without, "reference": {"resolves": None}})[1]]
    assert not any(label.startswith(("Resolves", "Unknown references")) for label in labels)
    assert any(label.startswith("Perplexity") for label in labels)  # other empty rows stay, as before
    from trainer.evaluation.report import render_markdown

    measured = render_markdown({"systems": systems, "n_samples": 0, "reference": {}}, has_loss_curve=False)
    assert "Resolves: share of widgets whose every class" in measured
    assert "Resolves:" not in render_markdown({"systems": without, "n_samples": 0, "reference": {}}, False)
