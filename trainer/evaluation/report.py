"""Write an evaluation as files a person can read: eval.json, report.md, report.html and PNG plots.

``write_report(results, out_dir, loss_history=...)`` takes the dict from ``trainer.evaluation.evaluate`` and
writes (each file atomically): ``eval.json`` (everything, per sample), ``report.md`` and
``report.html`` (a systems × metrics table, the style profile, sample generations),
``metrics.png`` (bar charts per system) and ``loss_curve.png`` (training/eval loss by step, from
the adapter's metadata ``loss_history``; skipped when there is none).
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

from dataset_tools.artifacts import artifact_dir

from .metric_specs import METRICS


RESOLVES_NOTE = (" Resolves: share of widgets whose every class, constructor call and `Owner.member` is known "
                 "to the API index (Flutter's and your own symbols) or declared in the widget, with valid "
                 "arguments; unknown references: names the index does not hold, per widget.")


def metric_table(results: dict) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the systems × metrics table (plus the real test code as a reference column)."""
    systems = results["systems"]
    header = ["Metric"] + [s["name"] for s in systems] + ["reference code"]
    rows = []
    for name, spec in METRICS.items():
        values = [s["metrics"].get(name) for s in systems]
        known = [v for v in values if v is not None]
        if spec.optional and not known and results.get("reference", {}).get(name) is None:
            continue
        best = (max(known) if spec.higher_is_better else min(known)) if len(set(known)) > 1 else None
        cells = [("**%s**" % spec.formatted(v)) if best is not None and v == best else spec.formatted(v)
                 for v in values]
        reference = spec.formatted(results.get("reference", {}).get(name))
        rows.append([f"{spec.label} {spec.arrow}"] + cells + [reference])
    rows.append(["Backend"] + [str((s.get("info") or {}).get("backend", "")) for s in systems] + [""])
    rows.append(["Stop reasons"] + [", ".join(f"{k} {v}" for k, v in sorted(s["metrics"].get("stop_reasons", {}).items()))
                                    for s in systems] + [""])
    return header, rows


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _profile_rows(results: dict) -> list[list[str]]:
    rules = results.get("style_profile", {}).get("rules", {})
    return [[name, str(r["majority"]), f"{100 * r['share']:.0f}%", str(sum(r["counts"].values()))]
            for name, r in rules.items()]


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def plot_metrics(results: dict) -> bytes:
    """Grouped bars of the 0–1 metrics (chrF scaled to 0–1) and a panel of the loss, per system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = results["systems"]
    names = ["parse_valid_rate", "chrf", "exact_match", "style_score", "widget_overlap"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.8 / max(len(systems), 1)
    for i, system in enumerate(systems):
        values = [(system["metrics"].get(n) or 0.0) / (100.0 if n == "chrf" else 1.0) for n in names]
        left.bar([x + i * width for x in range(len(names))], values, width, label=system["name"])
    left.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(names))])
    left.set_xticklabels([METRICS[n].label.replace(" rate", "") + (" /100" if n == "chrf" else "") for n in names],
                         rotation=15)
    left.set_ylim(0, 1.05)
    left.set_title("Generated code vs your test code (higher is better)")
    left.legend()
    losses = [s["metrics"].get("loss") or 0.0 for s in systems]
    right.bar([s["name"] for s in systems], losses, color=[f"C{i}" for i in range(len(systems))])
    right.set_title("Loss on response tokens (lower is better)")
    right.tick_params(axis="x", rotation=15)
    data = _png(fig)
    plt.close(fig)
    return data


def plot_loss_curve(loss_history: list[dict]) -> bytes | None:
    """Training (and eval) loss by step; None when the history has no points."""
    train = [(h["step"], h["loss"]) for h in loss_history or () if "loss" in h and "step" in h]
    held_out = [(h["step"], h["eval_loss"]) for h in loss_history or () if "eval_loss" in h and "step" in h]
    if not train and not held_out:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for points, label, style in ((train, "training loss", "-"), (held_out, "validation loss", "o--")):
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], style, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("Training loss (adapter metadata)")
    ax.legend()
    data = _png(fig)
    plt.close(fig)
    return data


def _samples_markdown(results: dict, count: int) -> str:
    parts = []
    systems = results["systems"]
    for i in range(min(count, results.get("n_samples", 0))):
        first = systems[0]["samples"][i]
        parts.append(f"### {first.get('name') or 'Sample %d' % (i + 1)}\n\n> {first['instruction']}\n")
        for system in systems:
            sample = system["samples"][i]
            parts.append(f"**{system['name']}** (chrF {sample['chrf']:.1f}, "
                         f"{'parses' if sample['parse_valid'] else 'does not parse'}, stop: {sample['stop_reason']})"
                         f"\n\n```dart\n{sample['generated'] or '// (nothing)'}\n```\n")
    return "\n".join(parts)


def render_markdown(results: dict, has_loss_curve: bool, samples: int = 3) -> str:
    header, rows = metric_table(results)
    profile = _profile_rows(results)
    text = [
        "# Flutter Tune evaluation",
        "",
        f"Test split: {results['n_samples']} samples from `{results.get('data_dir', '?')}`; "
        f"style profile learned from {results.get('n_train', 0)} training samples. "
        f"Base `{results.get('base') or 'the adapter’s base'}`, adapter `{results.get('adapter')}`.",
        "",
        markdown_table(header, rows),
        "",
        "Best value per row in bold. Style score: share of your style rules the generated code follows "
        "(code where no rule applies counts 0). Reference code: the real test widgets scored the same way."
        + (RESOLVES_NOTE if any(row[0].startswith(METRICS["resolves"].label) for row in rows) else ""),
        "",
        "![metrics](metrics.png)",
        "",
    ]
    if has_loss_curve:
        text += ["![training loss](loss_curve.png)", ""]
    if profile:
        text += ["## Your style profile", "", markdown_table(["Rule", "Your majority", "Share", "Occurrences"],
                                                               profile), ""]
    text += ["## Sample generations", "", _samples_markdown(results, samples)]
    return "\n".join(text) + "\n"


def render_html(results: dict, has_loss_curve: bool, samples: int = 3) -> str:
    header, rows = metric_table(results)
    esc = html.escape

    def table(head, body):
        cells = lambda row, tag: "".join(f"<{tag}>{esc(c).replace('**', '')}</{tag}>" for c in row)  # noqa: E731
        return (f"<table><tr>{cells(head, 'th')}</tr>"
                + "".join(f"<tr>{cells(r, 'td')}</tr>" for r in body) + "</table>")

    parts = ["<!doctype html><meta charset='utf-8'><title>Flutter Tune evaluation</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:auto}td,th{padding:4px 10px;"
             "border-bottom:1px solid #ddd;text-align:left}pre{background:#f6f8fa;padding:8px;overflow:auto}</style>",
             "<h1>Flutter Tune evaluation</h1>",
             f"<p>Test split: {results['n_samples']} samples; style profile from {results.get('n_train', 0)} "
             "training samples.</p>", table(header, rows), "<img src='metrics.png' alt='metrics'>"]
    if has_loss_curve:
        parts.append("<img src='loss_curve.png' alt='training loss'>")
    profile = _profile_rows(results)
    if profile:
        parts += ["<h2>Your style profile</h2>", table(["Rule", "Your majority", "Share", "Occurrences"], profile)]
    parts.append("<h2>Sample generations</h2>")
    for i in range(min(samples, results.get("n_samples", 0))):
        parts.append(f"<h3>{esc(results['systems'][0]['samples'][i]['instruction'])}</h3>")
        for system in results["systems"]:
            parts.append(f"<p><b>{esc(system['name'])}</b></p><pre>{esc(system['samples'][i]['generated'])}</pre>")
    return "\n".join(parts) + "\n"


def write_report(results: dict, out_dir, *, loss_history: list[dict] | None = None) -> dict[str, Path]:
    """Write every report file into ``out_dir``; return their paths by kind."""
    out = Path(out_dir).expanduser().absolute()
    names = {"json": "eval.json", "markdown": "report.md", "html": "report.html", "metrics_plot": "metrics.png"}
    metrics_png = plot_metrics(results)
    curve = plot_loss_curve(loss_history or [])
    if curve is not None:
        names["loss_plot"] = "loss_curve.png"
    with artifact_dir(out, "report", hint=" with -o") as tmp:
        (tmp / names["json"]).write_text(json.dumps(dict(results, loss_history=loss_history or []), indent=2,
                                                    ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        (tmp / names["metrics_plot"]).write_bytes(metrics_png)
        if curve is not None:
            (tmp / names["loss_plot"]).write_bytes(curve)
        (tmp / names["markdown"]).write_text(render_markdown(results, curve is not None), encoding="utf-8")
        (tmp / names["html"]).write_text(render_html(results, curve is not None), encoding="utf-8")
    return {kind: out / name for kind, name in names.items()}
