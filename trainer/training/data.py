"""Dataset splits → prompt/completion datasets for TRL, with overlong samples counted and handled.

Input is either a dataset folder (``train.jsonl``, ``validation.jsonl``, ``manifest.json`` from
`flutter-tune harvest`) or explicit files: our JSONL, or the guide's JSON array of
``{instruction, input, output}`` objects.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dataset_tools.inputs import load_file
from dataset_tools.errors import FlutterTuneError

from ..prompt import to_prompt_completion


@dataclass
class Splits:
    """The records to train and validate on, and where they came from."""

    train: list[dict]
    validation: list[dict]
    source: str                      # folder or file the training records came from
    manifest_hash: str               # sha256 of manifest.json (or of the train file)


@dataclass
class LengthStats:
    """Token lengths of one split after formatting with the prompt template."""

    samples: int = 0                 # records kept
    overlong: int = 0                # records longer than max_length
    truncated: int = 0               # overlong records kept, cut to max_length
    dropped: int = 0                 # records removed (overlong with policy "drop", or prompt alone too long)
    total_tokens: int = 0            # prompt+completion tokens of kept records (after truncation)
    completion_tokens: int = 0       # response tokens that carry loss (after truncation)
    max_tokens: int = 0
    mean_tokens: float = 0.0
    lengths: list[int] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("lengths")
        return data


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_splits(data_dir: str | Path | None = None, train_file: str | Path | None = None,
                eval_file: str | Path | None = None) -> Splits:
    """Training and validation records from a dataset folder or explicit files."""
    if train_file:
        train_path = Path(train_file).expanduser()
        train = load_file(train_path)
        validation = load_file(eval_file) if eval_file else []
        source, digest = str(train_path), _sha256(train_path)
    else:
        if data_dir is None:
            from dataset_tools.paths import default_dataset_dir

            data_dir = default_dataset_dir()
        folder = Path(data_dir).expanduser()
        train_path = folder / "train.jsonl"
        if not train_path.is_file():
            raise FlutterTuneError(f"No dataset in {folder} (train.jsonl is missing). "
                                   "Run `flutter-tune harvest PROJECT` first or pass --data DIR.")
        train = load_file(train_path)
        val_path = Path(eval_file).expanduser() if eval_file else folder / "validation.jsonl"
        validation = load_file(val_path) if val_path.is_file() else []
        manifest = folder / "manifest.json"
        source, digest = str(folder), _sha256(manifest if manifest.is_file() else train_path)
    if not train:
        raise FlutterTuneError(f"The training data in {source} is empty. Harvest a project with Flutter widgets first.")
    return Splits(train=train, validation=validation, source=source, manifest_hash=digest)


def prepare(tokenizer, records: list[dict], max_length: int, overlong: str = "truncate", conversation_size: int = 1):
    """Format records with the one prompt format; count, truncate-or-drop overlong ones.

    Returns ``(rows, stats)`` where rows are ``{"prompt", "completion"}`` dicts ready for
    SFTTrainer (which truncates kept overlong rows to max_length, keeping the start) — or, with
    ``conversation_size`` > 1, pre-tokenized conversations of related records (trainer.training.conversations).
    """
    if conversation_size > 1:
        return _prepare_conversations(tokenizer, records, max_length, overlong, conversation_size)
    rows = [to_prompt_completion(tokenizer, r) for r in records]
    stats = LengthStats()
    if not rows:
        return rows, stats
    prompt_lens = [len(x) for x in tokenizer([r["prompt"] for r in rows], add_special_tokens=False)["input_ids"]]
    full_lens = [len(x) for x in tokenizer([r["prompt"] + r["completion"] for r in rows],
                                           add_special_tokens=False)["input_ids"]]
    kept = []
    for row, p_len, f_len in zip(rows, prompt_lens, full_lens):
        if f_len > max_length:
            stats.overlong += 1
            if overlong == "drop" or p_len >= max_length - 1:
                stats.dropped += 1
                continue
            stats.truncated += 1
            f_len = max_length
        kept.append(row)
        stats.lengths.append(f_len)
        stats.total_tokens += f_len
        stats.completion_tokens += max(0, f_len - p_len)
    stats.samples = len(kept)
    stats.max_tokens = max(stats.lengths, default=0)
    stats.mean_tokens = round(stats.total_tokens / max(1, stats.samples), 1)
    return kept, stats


def _prepare_conversations(tokenizer, records: list[dict], max_length: int, overlong: str, size: int):
    """Conversations of up to ``size`` related records; ``stats.samples`` counts records, ``lengths`` rows."""
    from .conversations import conversation_rows

    stats = LengthStats()
    kept = []
    for members, row in conversation_rows(tokenizer, records, size, max_length):
        ids, mask = row["input_ids"], row["completion_mask"]
        if len(ids) > max_length:  # one record, too long even alone
            stats.overlong += 1
            if overlong == "drop" or 1 not in mask[:max_length]:
                stats.dropped += 1
                continue
            stats.truncated += 1
            ids, mask = ids[:max_length], mask[:max_length]
        kept.append({"input_ids": ids, "completion_mask": mask})
        stats.samples += len(members)
        stats.lengths.append(len(ids))
        stats.total_tokens += len(ids)
        stats.completion_tokens += sum(mask)
    stats.max_tokens = max(stats.lengths, default=0)
    stats.mean_tokens = round(stats.total_tokens / max(1, len(kept)), 1)
    return kept, stats


def to_dataset(rows: list[dict]):
    from datasets import Dataset

    return Dataset.from_list(rows)
