"""The metrics an evaluation reports, each declared once: its name (the key in eval.json), its label, which
direction is better and how a value is written.

``evaluate`` lists them in eval.json's ``metrics``; ``report`` builds its table rows (label and arrow, the
best value in bold, each value formatted) and its plot labels from them. An ``optional`` metric is
measured only in some evaluations (``resolves`` needs an API index): its row is left out when no column
has a value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricSpec:
    """``format``: a format spec for ``format(value, spec)`` (``.1%`` writes 0.293 as 29.3%)."""

    name: str
    label: str
    higher_is_better: bool
    format: str
    optional: bool = False  # a row only where some column has a value

    @property
    def arrow(self) -> str:
        return "↑" if self.higher_is_better else "↓"

    def formatted(self, value: float | None) -> str:
        return "–" if value is None else format(value, self.format)


METRICS: dict[str, MetricSpec] = {spec.name: spec for spec in (  # in the report's order
    MetricSpec("loss", "Loss (response tokens)", False, ".3f"),
    MetricSpec("perplexity", "Perplexity", False, ".2f"),
    MetricSpec("valid_at_1", "Parse-valid, greedy only (valid@1)", True, ".1%"),
    MetricSpec("parse_valid_rate", "Parse-valid after checking candidates", True, ".1%"),
    MetricSpec("checks_passed_rate", "Passed every check", True, ".1%"),
    MetricSpec("candidates_passed", "Candidates passing (mean)", True, ".2f"),
    MetricSpec("resolves", "Resolves against the API index", True, ".1%", optional=True),
    MetricSpec("parses_and_resolves", "Parses and resolves", True, ".1%", optional=True),
    MetricSpec("unknown_references", "Unknown references per widget", False, ".2f", optional=True),
    MetricSpec("invented_arguments", "Invented named arguments per widget", False, ".2f", optional=True),
    MetricSpec("chrf", "chrF", True, ".1f"),
    MetricSpec("exact_match", "Exact match", True, ".1%"),
    MetricSpec("style_score", "Style score", True, ".1%"),
    MetricSpec("widget_overlap", "Widget vocabulary F1", True, ".1%"),
    MetricSpec("latency_p50", "Seconds per widget, p50", False, ".2f"),
    MetricSpec("latency_p95", "Seconds per widget, p95", False, ".2f"),
    MetricSpec("tokens_per_second", "Decode tokens / second", True, ".1f"),
)}
