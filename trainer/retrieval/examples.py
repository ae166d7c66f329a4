"""Retrieval of the user's nearest widgets as few-shot examples in the prompt.

Generation, evaluation and every server command call this the same way::

    index = load_or_build(dataset_dir)            # None when there is no dataset yet
    examples = select_examples(index, tokenizer, instruction, k=2, token_budget=1024,
                               context_code=code_around_cursor, exclude=record_being_evaluated)
    prompt = format_prompt(tokenizer, instruction, input, examples)

or in one step ``examples_for(settings, dataset_dir, tokenizer, instruction, ...)``.

The index covers the dataset's TRAIN split only, so an evaluated validation/test sample is
never its own example; ``exclude`` additionally drops a given record (and any copy of its code).
It is stored in ``<dataset>/retrieval/`` with the SHA-256 of ``train.jsonl``; when the dataset
changes it is rebuilt. Loaded indexes are cached in-process per dataset folder.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from dataset_tools.atomic_io import read_jsonl
from dataset_tools.errors import FlutterTuneError
from dataset_tools.settings import setting

from ..prompt import Example, format_prompt
from .index import RetrievalIndex, codes_overlap, file_sha256, record_id

__all__ = [
    "RetrievalSettings", "RetrievalIndex", "SETTINGS_ALIASES", "INDEX_DIRNAME", "load_or_build",
    "select_examples", "examples_for", "to_example", "record_id", "clear_cache", "problem",
]

log = logging.getLogger(__name__)

INDEX_DIRNAME = "retrieval"
TRAIN_NAME = "train.jsonl"
# How many extra candidates to look at when a near example is too long for the budget.
_SPARE_CANDIDATES = 3


@dataclass
class RetrievalSettings:
    """Editor setting ``flutterTune.retrieval`` / config ``retrieval``: few-shot examples on/off.

    ``k``: how many of the nearest training widgets to show; ``token_budget``: the most prompt
    tokens all example turns together may take (room must remain for the answer).
    """

    enabled: bool = setting(True, key="retrieval.enabled", flag="--no-retrieval",
                            help="Put your own nearest widgets into the prompt as examples.")
    k: int = setting(2, low=0, high=8, key="retrieval.k", flag="--retrieval-k",
                     help="How many of your widgets to add as examples.")
    token_budget: int = setting(1024, low=0, high=4096, key="retrieval.tokenBudget", flag="--retrieval-budget",
                                help="Most prompt tokens spent on the examples.")


# Other spellings of these settings → field names, for dataset_tools.overrides.overlay(aliases=...).
SETTINGS_ALIASES = {"tokenBudget": "token_budget", "tokensBudget": "token_budget"}

_lock = threading.Lock()
_cache: dict[Path, tuple[tuple, RetrievalIndex]] = {}
_said: set[tuple[Path, str]] = set()  # (folder, message) pairs already logged


def clear_cache() -> None:
    """Forget loaded indexes and logged notes (tests; after a dataset folder is deleted)."""
    with _lock:
        _cache.clear()
        _said.clear()
        _problems.clear()


_problems: dict[Path, str] = {}  # folder → why its index could not be used (warnings only)


def _say_once(folder: Path, level: int, message: str) -> None:
    if level >= logging.WARNING:
        _problems[folder] = message
    if (folder, message) not in _said:
        _said.add((folder, message))
        log.log(level, message)


def problem(dataset_dir: Path | str | None) -> str | None:
    """Why retrieval is off for ``dataset_dir`` when that is something to fix (a bad dataset line,
    an unreadable file), else None. The editor shows it once."""
    if not dataset_dir:
        return None
    return _problems.get(Path(dataset_dir).expanduser().resolve())


def _signature(path: Path) -> tuple:
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def load_or_build(dataset_dir: Path | str | None) -> RetrievalIndex | None:
    """The retrieval index of ``dataset_dir``'s train split, or None when there is none.

    Cheap when nothing changed (one ``stat``). Loads the saved index when its recorded hash
    matches ``train.jsonl``, else builds and saves a new one. A missing or unreadable dataset
    turns retrieval off with one log message per folder — never an exception.
    """
    if dataset_dir is None or str(dataset_dir) == "":
        _say_once(Path(""), logging.INFO, "Retrieval is off: no dataset folder is configured.")
        return None
    folder = Path(dataset_dir).expanduser().resolve()
    train = folder / TRAIN_NAME
    with _lock:
        try:
            signature = _signature(train)
        except OSError:
            _cache.pop(folder, None)
            _say_once(folder, logging.INFO,
                      f"Retrieval is off: no dataset at {train} yet. Run `flutter-tune harvest` to create it.")
            return None
        cached = _cache.get(folder)
        if cached and cached[0] == signature:
            return cached[1]
        _problems.pop(folder, None)
        index = _load_or_build_locked(folder, train)
        if index is None:
            _cache.pop(folder, None)
        else:
            _cache[folder] = (signature, index)
        return index


def _load_or_build_locked(folder: Path, train: Path) -> RetrievalIndex | None:
    try:
        digest = file_sha256(train)
        records = read_jsonl(train)
    except (OSError, FlutterTuneError) as exc:
        _say_once(folder, logging.WARNING, f"Retrieval is off: cannot read {train}: {exc}")
        return None
    records = [r for r in records if str(r.get("output", "")).strip()]
    if not records:
        _say_once(folder, logging.INFO, f"Retrieval is off: {train} holds no samples.")
        return None
    index_dir = folder / INDEX_DIRNAME
    try:
        index = RetrievalIndex.load(index_dir, records, digest)
    except Exception as exc:  # a damaged saved index is rebuilt, whatever bm25s raised
        log.warning("Rebuilding the retrieval index at %s: the saved one is unreadable (%s).", index_dir, exc)
        index = None
    if index is not None:
        log.debug("Loaded the retrieval index at %s (%d samples).", index_dir, len(index))
        return index
    index = RetrievalIndex.build(records, digest)
    try:
        index.save(index_dir)
        log.info("Built the retrieval index at %s (%d samples).", index_dir, len(index))
    except (OSError, FlutterTuneError) as exc:
        _say_once(folder, logging.WARNING,
                  f"The retrieval index could not be saved in {index_dir} ({exc}); it is kept in memory only.")
    return index


def to_example(record: dict) -> Example:
    return Example(instruction=str(record.get("instruction", "")), output=str(record.get("output", "")),
                   input=str(record.get("input", "") or ""))


def _token_count(tokenizer, text: str) -> int:
    return len(tokenizer.encode(text, add_special_tokens=False))


def _overlaps(record: dict, chosen: list[Example]) -> bool:
    """True when ``record``'s code is inside an example already chosen, or contains one
    (a method harvested on its own and its whole class): showing both wastes the budget."""
    return any(codes_overlap(str(record.get("output", "")), ex.output) for ex in chosen)


def select_examples(index: RetrievalIndex | None, tokenizer, query: str, *, k: int = 2, token_budget: int = 1024,
                    context_code: str = "", exclude=None, input: str = "") -> list[Example]:
    """The nearest training samples as prompt examples, nearest first, within ``token_budget``.

    An example's cost is the number of tokens it adds to the formatted prompt (its user and
    assistant turns, measured with ``tokenizer`` on ``format_prompt`` output). Candidates are
    taken nearest first while their total fits; one that does not fit is skipped and the next
    nearest tried (a few spare candidates are looked at), so at most ``k`` examples come back.
    A candidate whose code is part of (or contains) an already chosen example is skipped too.
    ``exclude`` is a record, record id or list of those that must never be returned.
    """
    if index is None or k <= 0 or token_budget <= 0 or not (query or "").strip():
        return []
    candidates = index.search(query, k + _SPARE_CANDIDATES, context_code=context_code, exclude=exclude)
    if not candidates:
        return []
    base = _token_count(tokenizer, format_prompt(tokenizer, query, input))
    chosen: list[Example] = []
    for record in candidates:
        if len(chosen) >= k:
            break
        if _overlaps(record, chosen):
            continue
        trial = chosen + [to_example(record)]
        cost = _token_count(tokenizer, format_prompt(tokenizer, query, input, trial)) - base
        if cost <= token_budget:
            chosen = trial
    return chosen


def examples_fn_for(settings: RetrievalSettings, dataset_dir: Path | str | None):
    """An ``evaluate`` examples function ``(record, tokenizer) -> [Example]`` over the train split.

    The record being evaluated is never its own example. None when retrieval is off or there is
    no dataset (then evaluation has no "+ retrieval" columns).
    """
    if not settings.enabled or load_or_build(dataset_dir) is None:
        return None

    def examples_fn(record: dict, tokenizer) -> list[Example]:
        return examples_for(settings, dataset_dir, tokenizer, record["instruction"], exclude=record,
                            input=str(record.get("input", "") or ""))

    return examples_fn


def examples_for(settings: RetrievalSettings, dataset_dir: Path | str | None, tokenizer, instruction: str, *,
                 context_code: str = "", exclude=None, input: str = "") -> list[Example]:
    """One call for callers: the examples ``settings`` asks for ([] when off or no dataset)."""
    if not settings.enabled:
        return []
    index = load_or_build(dataset_dir)
    return select_examples(index, tokenizer, instruction, k=settings.k, token_budget=settings.token_budget,
                           context_code=context_code, exclude=exclude, input=input)

