"""The API index that generated widgets are checked against (the ``resolves`` check): the one place the
CLI, the server, evaluation and the demo ask for it.

``generation_index(dataset_dir)`` loads no index yet and returns None. Every caller passes that on
(``generate_code(..., api=None)``, ``evaluate_and_report(..., api=None)``): the ``resolves`` check is
skipped, the evaluation's ``resolves`` columns stay empty, and generation ranks and reports as it did
before the check existed.
"""

from __future__ import annotations

from pathlib import Path

from dataset_tools.dart.api import ApiIndex


def generation_index(dataset_dir: str | Path | None) -> ApiIndex | None:
    """The index of Flutter's API and the user's symbols for the dataset in ``dataset_dir``; None (no
    index: the ``resolves`` check is skipped)."""
    return None
