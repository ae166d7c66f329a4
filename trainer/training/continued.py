"""Continued training (``flutter-tune train --continue``): a new adapter warm-started from the active one
on what changed, with a replay of what it learned, made active only when a gate finds it not worse.

``continued_start`` reads, from the active adapter's metadata, which train records it learned
(``train_records``, fingerprints: ``dataset_tools.split.record_fingerprint``) and picks the records to
train on: every train record it has not learned (new or changed widgets) and a seeded sample of those
it has (``replay`` per new one, so it does not forget). The run loads that adapter's weights as the
starting point (same rank and modules).

``gate`` decides on the fixed held-out split: the validation loss of the active adapter (the best one its
own training recorded when that was measured on the same validation rows, ``recorded_validation_loss``;
else measured before the first step, on today's validation split) against the new one's best, and the share of
held-out descriptions whose generated widget passes every check, for each. The new adapter becomes
active only when neither is worse; otherwise it is kept and listed with its scores, and not used.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dataset_tools.errors import FlutterTuneError
from dataset_tools.split import record_fingerprint

from ..adapters import active_adapter, read_metadata


@dataclass
class ContinuedStart:
    """Where a continued run starts: the adapter, what it learned, and the records to train on now."""

    adapter: Path
    learned: set[str]
    new: list[dict]
    replay: list[dict]

    @property
    def records(self) -> list[dict]:
        return self.new + self.replay


def continued_start(adapters_dir: Path, train: list[dict], replay: float, seed: int) -> ContinuedStart:
    """The active adapter of ``adapters_dir`` and the records a continued run trains on (see the module
    docstring); a FlutterTuneError naming what to do when there is nothing to continue from or to learn."""
    adapter = active_adapter(adapters_dir)
    if adapter is None:
        raise FlutterTuneError(f"--continue: no adapter is active in {adapters_dir}. Train one first "
                               "(`flutter-tune train`), then continue from it.")
    learned = set(read_metadata(adapter).get("train_records") or ())
    if not learned:
        raise FlutterTuneError(f"--continue: adapter {adapter.name} does not record which widgets it was trained on "
                               "(it was trained by an earlier version). Train once without --continue.")
    new = [r for r in train if record_fingerprint(r) not in learned]
    if not new:
        raise FlutterTuneError(f"--continue: nothing to learn: adapter {adapter.name} was trained on every widget of "
                               "the train split. Harvest again after changing your code.")
    old = [r for r in train if record_fingerprint(r) in learned]
    count = min(len(old), math.ceil(replay * len(new)))
    return ContinuedStart(adapter, learned, new, random.Random(seed).sample(old, count))


def rows_fingerprint(rows: list[dict], max_length: int) -> str:
    """A hash of the validation rows as they are evaluated (their text, in order, and the length they are
    cut to): two runs with the same fingerprint and base model measure the same loss."""
    return hashlib.sha1(json.dumps([max_length, rows], sort_keys=True).encode("utf-8")).hexdigest()[:16]


def recorded_validation_loss(adapter: Path, fingerprint: str) -> float | None:
    """The best validation loss ``adapter``'s training recorded (its saved weights are that best), when it
    was measured on the rows ``fingerprint`` names; None when it was not (measure it again)."""
    metadata = read_metadata(adapter)
    loss = (metadata.get("metrics") or {}).get("best_validation_loss")
    if not fingerprint or metadata.get("validation_fingerprint") != fingerprint or not isinstance(loss, (int, float)):
        return None
    return float(loss)


@dataclass
class GateScores:
    """One adapter's scores on the held-out split: validation loss, and widgets passing every check."""

    validation_loss: float | None = None
    passing: int = 0
    samples: int = 0

    @property
    def share(self) -> float:
        return self.passing / self.samples if self.samples else 0.0


@dataclass
class GateResult:
    """The gate's decision: ``switch`` to the new adapter or keep the active one, and why."""

    switch: bool
    reason: str
    previous: GateScores = field(default_factory=GateScores)
    new: GateScores = field(default_factory=GateScores)
    previous_adapter: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def gate(previous: GateScores, new: GateScores, previous_adapter: str = "") -> GateResult:
    """Switch when the new adapter is not worse on either score (a score either lacks is not compared)."""
    worse = []
    if previous.validation_loss is not None and new.validation_loss is not None \
            and new.validation_loss > previous.validation_loss:
        worse.append(f"validation loss {new.validation_loss:.4f} > {previous.validation_loss:.4f}")
    if new.samples and previous.samples and new.share < previous.share:
        worse.append(f"{new.passing}/{new.samples} held-out widgets pass every check, "
                     f"{previous.passing}/{previous.samples} before")
    if worse:
        return GateResult(False, "the new adapter is worse: " + "; ".join(worse), previous, new, previous_adapter)
    loss = (f"validation loss {new.validation_loss:.4f} ≤ {previous.validation_loss:.4f}"
            if new.validation_loss is not None and previous.validation_loss is not None else "no validation loss")
    checks = f"{new.passing}/{new.samples} pass every check ({previous.passing}/{previous.samples} before)"
    return GateResult(True, f"not worse: {loss}; {checks}", previous, new, previous_adapter)


def passing_share(model, tokenizer, records: list[dict], settings) -> GateScores:
    """How many of ``records``' descriptions ``model`` (the adapter set on it now) writes a widget for
    that passes every check, on the torch path (``trainer.generation.generate.generate_code``)."""
    from ..generation.generate import generate_code

    passing = 0
    for record in records:
        result = generate_code(model, tokenizer, record["instruction"], input=str(record.get("input", "") or ""),
                               settings=settings)
        passing += bool(result.candidates) and result.candidates[0].passed
    return GateScores(passing=passing, samples=len(records))
