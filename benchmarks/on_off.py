"""What the cost benchmarks of a decoding guard (``known_names_cost``, ``grammar_mask_cost``) report of their
generations with the guard off and on: ``runs[name]`` holds ``(seconds, tokens decoded)`` per widget."""

from __future__ import annotations

import statistics


def seconds_per_token(runs: dict[str, list[tuple[float, int]]], name: str) -> float:
    return sum(s for s, _ in runs[name]) / max(1, sum(t for _, t in runs[name]))


def on_off_lines(runs: dict[str, list[tuple[float, int]]], guard: str, width: int) -> list[str]:
    """The report's lines on generation with ``guard`` on against off (labels padded to ``width``)."""
    per_on, per_off = seconds_per_token(runs, "on"), seconds_per_token(runs, "off")
    rows = [(f"generation with {guard} on, seconds per token:", f"{1000 * per_on:7.2f} ms = {per_on / per_off:.2f}x off"),
            ("p50 seconds per widget, off / on:", f"{statistics.median(s for s, _ in runs['off']):.2f} / "
                                                  f"{statistics.median(s for s, _ in runs['on']):.2f}"),
            ("tokens decoded, off / on:", f"{sum(t for _, t in runs['off'])} / {sum(t for _, t in runs['on'])}")]
    return [f"{label:<{width}}{value}" for label, value in rows]
