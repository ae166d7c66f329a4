"""The decoding loop: N candidates at once, each stopped at its widget's end, checked and ranked.

``decode_escalating`` (the default) decodes the greedy candidate alone and, only when it fails a check,
the others, in rounds that start from the prompt's cache, stopping at the first round where one passes;
``decode_candidates(serving, prompt_ids, n, settings, ...)`` runs one round: a session of ``n``
sequences (candidate 0 greedy, the others sampled — see :mod:`trainer.generation.sampling`). Its loop
runs the parts in :mod:`trainer.generation.decoding`, as ``settings.decode`` configures them, without
knowing what any one is for: the logits processors guard each next token (a token taken back is banned,
no slip that leaves brackets unmatched, the declaration head the request fixes), a repeated named
argument, or a block of lines written again and again, is taken back where the session can rewind, and
the stopping rules say when a candidate
stops (EOS, widget end, a loop, a ``class`` inside an open bracket, a syntax error no later text mends, a
repeated argument not taken back). A candidate that stops is held there while the others of its round
step on. The round stops when every candidate has stopped, at ``max_new_tokens``, at the time limit, on
cancel — or once a candidate has passed every check and the others have had ``patience`` times as many
tokens to finish: waiting longer for a slower candidate rarely buys a better widget and always costs
the user time.

Each candidate is then cut to its code (:func:`trainer.generation.code_extract.extract_code`), checked on the
syntax tree (:mod:`trainer.generation.checks`, and against the API index when one is given: ``resolves``;
mended where a mechanical edit fixes a check — :mod:`trainer.generation.repair`) and ranked: passing
candidates (with an index, those whose references all resolve) first, unmended before
mended, by the model's mean token log-probability; then the others, those that parse first, by how many
checks they failed.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from .checks import CheckReport
from .code_extract import extract_code
from .decoding.processors import logits_processors
from .decoding.stop_reason import StopReason
from .decoding.stopping import round_limits, stopping_rules
from .decoding.stream import CandidateStream, Round
from .decoding.take_back import LoopTakeBack, TakeBack
from .detokenize import IncrementalDetokenizer
from .repair import check_mended
from .sampling import TokenChooser

if TYPE_CHECKING:
    from dataset_tools.dart.api import ApiIndex

PATIENCE = 1.5  # others may run to 1.5x the token count of the first candidate that passed
ONNX_FIRST_ROUND = 1  # candidates of the CPU backend's first round: the greedy one and samples (decode_escalating)
ONNX_ROUND = 1  # sampled candidates decoded together in each later round on the CPU backend


@dataclass
class Candidate:
    """One generated widget: its code, why it stopped, what the checks said, how likely it was."""

    index: int  # 0 = the greedy one
    code: str
    raw_text: str
    new_tokens: int
    stop_reason: StopReason
    mean_logprob: float
    report: CheckReport = field(default_factory=CheckReport)
    token_ids: list[int] = field(default_factory=list, repr=False)
    mended: list[str] = field(default_factory=list)  # what trainer.generation.repair changed in ``code``
    diagnostics: list = field(default_factory=list)  # the Dart analyzer's, when it ran (trainer.generation.analyzer)
    grammar_fallback: bool = False  # the grammar mask let it go (a token outside the grammar): decoded freely since
    loops_taken_back: int = 0  # loops of lines it was rewound from (decoding.take_back.LoopTakeBack)

    def __post_init__(self) -> None:
        self.stop_reason = StopReason(self.stop_reason)

    @property
    def passed(self) -> bool:
        return self.report.passed and self.stop_reason.complete

    @property
    def checks(self) -> dict[str, bool]:
        return dict(self.report.checks)

    @property
    def unresolved(self) -> list[str]:
        """What did not resolve against the API index (``CheckReport.unresolved``; [] without one)."""
        return self.report.unresolved

    @property
    def failed(self) -> list[str]:
        failed = self.report.failed
        if not self.stop_reason.complete and "complete" not in failed:
            failed = failed + ["complete"]
        return failed

    def rank_key(self) -> tuple:
        """Passing first (with an API index, passing includes ``resolves``); then code that parses (a
        widget with the wrong name can be fixed in the editor, code that does not parse cannot), then
        fewer failed checks (unfinished counts as one), then fewer names the index does not know, then
        the one mended less; the model's mean log-probability decides between equals."""
        failed = self.failed
        return (self.passed, "parses" not in failed, -len(failed), -self.report.unknown, -len(self.mended),
                self.mean_logprob if math.isfinite(self.mean_logprob) else -1e9)


def decode_candidates(serving, prompt_ids: list[int], n: int, settings, *, prompt: str, instruction: str,
                      expected_name: str | None = None, cancel: threading.Event | None = None,
                      on_token: Callable[[int, str], None] | None = None, greedy_first: bool = True,
                      first_index: int = 0, first_step: int = 0, patience: float = PATIENCE,
                      head: Sequence[int] = (), api: ApiIndex | None = None) -> "Decoded":
    """Generate ``n`` candidates in one round: best first, the seconds to the first token, the tokens decoded.

    Every candidate starts with the tokens ``head`` (fed whatever the model prefers there) when
    ``settings.decode`` forces the head. A candidate is checked as soon as it stops (an end token aside:
    it is checked with the others at the end); the first to pass starts the others' ``patience``.
    ``api`` is the API index the ``resolves`` check looks names up in (None: that check is not run).

    ``on_token(step, text)`` is called after every step with the step count and the text candidate 0
    added in it ("" when it added none).
    Candidate ``first_index + i`` samples from its own random stream (``settings.seed`` and its index).
    """
    started = time.perf_counter()
    config, eos = settings.decode, serving.eos_ids
    chooser = TokenChooser.for_round(n, greedy_first, settings.temperature, settings.top_p, settings.seed,
                                     first_index)
    processors = logits_processors(config, chooser, serving.tokenizer, eos, head, api)
    take_back = TakeBack(config.max_takebacks if config.take_back_repeated_args else 0)
    loop_back = LoopTakeBack(config.max_loop_takebacks if config.take_back_loops else 0)
    stops = stopping_rules(config, prompt=prompt, instruction=instruction)
    limits = round_limits(patience=patience, max_new_tokens=settings.max_new_tokens,
                          time_limit_s=settings.time_limit_s, started=started)
    check = functools.partial(_check, prompt=prompt, instruction=instruction, expected_name=expected_name, api=api)
    state = Round([CandidateStream(IncrementalDetokenizer(serving.tokenizer)) for _ in range(n)])
    session = serving.session(prompt_ids, n, settings.max_new_tokens)
    first_token_seconds, stop = None, None  # stop: the round's own (None once every candidate stopped)
    while True:
        if cancel is not None and cancel.is_set():
            stop = StopReason.CANCELLED
            break
        logits = processors.before_choice(state.streams, session.logits())
        choice = chooser(logits)
        processors.after_choice(state.streams, logits, choice)
        if first_token_seconds is None:
            first_token_seconds = time.perf_counter() - started
        state.step += 1
        first_text = ""
        for i, stream in enumerate(state.streams):
            if stream.stop is not None:  # held where it ended (a round steps together)
                choice.tokens[i] = _held(session, i, stream, eos)
                continue
            token = int(choice.tokens[i])
            if token in eos:  # the end token is not written
                stream.stop = StopReason.EOS
                continue
            text = stream.add(token, float(choice.logprobs[i]))
            if i == 0:
                first_text = text
            rewound = take_back(stream, session, i)
            if rewound is not None:
                state.streams[i], choice.tokens[i] = rewound
                continue
            stream.stop = stops(stream, text)
            rewound = loop_back(stream, session, i)
            if rewound is not None:
                state.streams[i], choice.tokens[i] = rewound
                continue
            if stream.stop is not None and state.passed_at is None:
                stream.checked = check(stream)
                state.passed_at = stream.tokens if stream.checked[1].passed else None
        if on_token is not None:
            on_token(first_step + state.step, first_text)  # the step count, and the text sequence 0 added
        if state.stopped:
            break
        stop = limits(state)
        if stop is not None:
            break
        session.advance(choice.tokens.astype(np.int32))
    candidates = [_candidate(first_index + i, s, s.stop or stop, check) for i, s in enumerate(state.streams)]
    return Decoded(rank(candidates), first_token_seconds, sum(s.decoded for s in state.streams), state.step)


def _held(session, row: int, stream: CandidateStream, eos: set[int]) -> int:
    """The token a stopped row is fed so that the round steps together: its last one again, the
    session rewound by one (or an end token where the session cannot rewind)."""
    if session.can_rewind:
        return session.rewind(row, stream.detok.ids)
    return min(eos) if eos else 0


def _check(stream: CandidateStream, prompt: str, instruction: str, expected_name: str | None,
           api: ApiIndex | None) -> tuple[str, CheckReport, list[str]]:
    return check_mended(extract_code(stream.text, prompt=prompt, instruction=instruction), expected_name, api)


def _candidate(index: int, stream: CandidateStream, stop: StopReason, check) -> Candidate:
    code, report, mended = stream.checked or check(stream)
    mean = stream.logprob / stream.tokens if stream.tokens else float("-inf")
    return Candidate(index, code, stream.text, stream.tokens, stop, mean, report, list(stream.detok.ids), mended,
                     grammar_fallback=stream.grammar_fallback, loops_taken_back=stream.loops_taken_back)


@dataclass
class Decoded:
    candidates: list[Candidate]  # best first, one per distinct code
    first_token_seconds: float | None
    total_tokens: int  # over all sequences
    steps: int = 0


def decode_escalating(serving, prompt_ids: list[int], n: int, settings, **kwargs) -> Decoded:
    """The greedy candidate first; only when it fails a check, the other ``n - 1`` sampled, in rounds
    of ``round_sizes(serving, n)`` sequences, until a round has one that passes.

    A passing greedy candidate costs no sampled ones. Every round starts from the prompt's cache (no
    second prefill). On a GPU the others run as one batch; on the CPU in rounds of ``ONNX_ROUND`` after
    a first round of ``ONNX_FIRST_ROUND`` (the greedy one and samples beside it), and a round ends at its
    first passing candidate: on a CPU every sequence of a batch costs time (the round sizes were
    measured with ``benchmarks/generation_quality.py --rounds``).
    """
    import dataclasses

    start = time.perf_counter()
    cancel = kwargs.get("cancel")
    patience = PATIENCE if getattr(serving, "backend", "torch") != "onnx" else 1.0
    decoded: list[Decoded] = []

    def more_wanted() -> tuple[bool, float]:
        left = settings.time_limit_s - (time.perf_counter() - start)
        if not decoded:
            return True, left
        best = decoded[-1].candidates[0]
        stop = best.passed or (cancel is not None and cancel.is_set()) or left <= 0 \
            or best.stop_reason in (StopReason.TIME_LIMIT, StopReason.CANCELLED)
        return not stop, left

    index = 0
    for size in round_sizes(serving, n):
        wanted, left = more_wanted()
        if not wanted:
            break
        decoded.append(decode_candidates(serving, prompt_ids, size, dataclasses.replace(settings, time_limit_s=left),
                                         greedy_first=index == 0, first_index=index, patience=patience,
                                         first_step=sum(d.steps for d in decoded), **kwargs))
        index += size
    if len(decoded) == 1:
        return decoded[0]
    return Decoded(rank([c for d in decoded for c in d.candidates]), decoded[0].first_token_seconds,
                   sum(d.total_tokens for d in decoded), sum(d.steps for d in decoded))


def round_sizes(serving, n: int) -> list[int]:
    """How many candidates each round decodes together, adding up to ``n``: on torch the greedy one,
    then all the others (a GPU's batch is nearly free); on ONNX ``ONNX_FIRST_ROUND``, then
    ``ONNX_ROUND`` at a time."""
    if getattr(serving, "backend", "torch") != "onnx":
        first, size = 1, max(n - 1, 1)
    else:
        first, size = ONNX_FIRST_ROUND, ONNX_ROUND
    sizes = [min(first, n)]
    while sum(sizes) < n:
        sizes.append(min(size, n - sum(sizes)))
    return sizes


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """Best first: passing ones by mean log-probability, then the rest (parsing first) by checks
    failed; one per code."""
    seen, unique = set(), []
    for c in sorted(candidates, key=lambda c: c.rank_key(), reverse=True):
        key = " ".join(c.code.split())
        if key in seen:
            continue
        seen.add(key)
        unique.append(c)
    return unique
