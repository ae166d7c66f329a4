"""The decoding loop: N candidates at once, each stopped at its widget's end, checked and ranked.

``decode_escalating`` (the default) decodes the greedy candidate alone and, only when it fails a check,
the others, in rounds that start from the prompt's cache, stopping at the first round where one passes;
``decode_candidates(serving, prompt_ids, n, settings, ...)`` runs one session of ``n`` sequences
(candidate 0 greedy, the others sampled — see :mod:`trainer.generation.sampling`). Each sequence has
its own incremental detokenizer and :class:`trainer.generation.widget_end.WidgetEndTracker`; a
sequence that ends (EOS, widget end, a loop of repeated lines or a repeated stretch of one line —
:mod:`trainer.generation.repetition` —, a ``class`` begun inside an open bracket, complete lines that can no
longer parse — :mod:`trainer.generation.dead_end`) is held there while the
others of its batch step on. When the request fixes its declaration (``trainer.generation.request``),
every candidate starts with that head (``head``: those tokens are fed, not chosen). A named argument
written twice in one call is taken back and the model writes something else there (where the session
can rewind a sequence). A token that would close the wrong bracket or end a ``return`` with ``,`` is
mended (``),`` → ``);``) or replaced by the next best, and EOS is not taken while a bracket or string
is open (``_keep_brackets_matched``). The loop stops when every sequence has ended, at
``max_new_tokens``, at the time limit, on cancel — or once a candidate has passed every check and the
others have had ``patience`` times as many tokens to finish: waiting longer for a slower candidate
rarely buys a better widget and always costs the user time.

Each candidate is then cut to its code (:func:`trainer.generation.code_extract.extract_code`), checked on the
syntax tree (:mod:`trainer.generation.checks`; mended where a mechanical edit fixes a check —
:mod:`trainer.generation.repair`) and ranked: passing candidates first, unmended before
mended, by the model's mean token log-probability; then the others, those that parse first, by how many
checks they failed.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .code_extract import extract_code, starts_with_code
from .widget_end import SLIP_CHARS, WidgetEndTracker
from .checks import CheckReport
from .dead_end import broken_before_last_line
from .detokenize import IncrementalDetokenizer
from .named_args import RepeatedArgumentWatcher
from .repair import check_mended
from .repetition import ends_in_loop, line_ends_in_loop
from .sampling import choose, log_softmax

PATIENCE = 1.5  # others may run to 1.5x the token count of the first candidate that passed
MAX_TAKEBACKS = 8  # repeated labels taken back in one candidate before it is stopped
MAX_REDRAWS = 8  # tokens made impossible at one step to keep brackets matched before one is let through
ONNX_FIRST_ROUND = 1  # candidates of the CPU backend's first round: the greedy one and samples (decode_escalating)
ONNX_ROUND = 1  # sampled candidates decoded together in each later round on the CPU backend


@dataclass
class Candidate:
    """One generated widget: its code, why it stopped, what the checks said, how likely it was."""

    index: int  # 0 = the greedy one
    code: str
    raw_text: str
    new_tokens: int
    stop_reason: str  # eos | widget_end | loop | repeated_arg | nested_class | syntax_error | max_tokens | time_limit | cancelled | outpaced
    mean_logprob: float
    report: CheckReport = field(default_factory=CheckReport)
    token_ids: list[int] = field(default_factory=list, repr=False)
    mended: list[str] = field(default_factory=list)  # what trainer.generation.repair changed in ``code``

    @property
    def passed(self) -> bool:
        return self.report.passed and self.stop_reason in ("eos", "widget_end")

    @property
    def checks(self) -> dict[str, bool]:
        return dict(self.report.checks)

    @property
    def failed(self) -> list[str]:
        failed = self.report.failed
        if self.stop_reason not in ("eos", "widget_end") and "complete" not in failed:
            failed = failed + ["complete"]
        return failed

    def rank_key(self) -> tuple:
        """Passing first; then code that parses (a widget with the wrong name can be fixed in the
        editor, code that does not parse cannot), then fewer failed checks (unfinished counts as one),
        then the one mended less; the model's mean log-probability decides between equals."""
        failed = self.failed
        return (self.passed, "parses" not in failed, -len(failed), -len(self.mended),
                self.mean_logprob if math.isfinite(self.mean_logprob) else -1e9)


@dataclass
class _Stream:
    """One candidate being written: its text, where its widget ends, the labels of its open calls."""

    detok: IncrementalDetokenizer
    watcher: RepeatedArgumentWatcher = field(default_factory=RepeatedArgumentWatcher)
    tracker: WidgetEndTracker = field(init=False)
    logprobs: list[float] = field(default_factory=list)  # per token kept
    ends: list[int] = field(default_factory=list)  # length of the text after each token
    bans: dict[int, set[int]] = field(default_factory=dict)  # position → tokens taken back there
    takebacks: int = 0
    decoded: int = 0  # tokens decoded, with those taken back
    stop: str | None = None
    checked: tuple[str, CheckReport, list[str]] | None = None  # code, report, mended (check_mended)

    def __post_init__(self) -> None:
        self.tracker = WidgetEndTracker(on_code=self.watcher.code_char)

    @property
    def tokens(self) -> int:
        return len(self.logprobs)

    @property
    def logprob(self) -> float:
        return float(sum(self.logprobs))

    def add(self, token: int, logprob: float) -> str:
        text = self.detok.add(token)
        self.decoded += 1
        self.logprobs.append(logprob)
        self.ends.append(len(self.detok.text))
        return text

    def taken_back(self, at: int) -> tuple["_Stream", list[int]]:
        """This stream without the tokens from text offset ``at`` on (where a repeated label starts),
        the first of them banned there, and the tokens kept (the session is rewound to them).

        When ``at`` starts its line, the line break with its indentation (one token) is taken back
        and banned instead: ``child: A,⏎ child: B`` most often means the call should have closed,
        and a model kept at the argument's indentation can only write another argument.
        """
        cut = next(i for i, end in enumerate(self.ends) if end > at)
        if cut > 0:
            before = self.detok.text[(self.ends[cut - 2] if cut > 1 else 0):self.ends[cut - 1]]
            if "\n" in before and not before.strip():
                cut -= 1
        ids, logprobs = self.detok.ids, self.logprobs
        kept, banned = ids[:cut], ids[cut]
        bans = {k: v for k, v in self.bans.items() if k <= cut}
        bans.setdefault(cut, set()).add(banned)
        fresh = _Stream(IncrementalDetokenizer(self.detok.tokenizer), bans=bans, takebacks=self.takebacks + 1)
        for token, logprob in zip(kept, logprobs[:cut]):
            text = fresh.add(token, logprob)
            if text:
                fresh.tracker.feed(text)
        fresh.decoded = self.decoded
        return fresh, kept


def decode_candidates(serving, prompt_ids: list[int], n: int, settings, *, prompt: str, instruction: str,
                      expected_name: str | None = None, cancel: threading.Event | None = None,
                      on_token: Callable[[int, str], None] | None = None, greedy_first: bool = True,
                      first_index: int = 0, first_step: int = 0, patience: float = PATIENCE,
                      head: Sequence[int] = ()) -> "Decoded":
    """Generate ``n`` candidates: best first, the seconds to the first token, the tokens decoded.

    Every candidate starts with the tokens ``head`` (fed whatever the model prefers there).

    ``on_token(step, text)`` is called after every step with the step count and the text candidate 0
    added in it ("" when it added none).
    Candidate ``first_index + i`` samples from its own random stream (``settings.seed`` and its index).
    """
    start = time.perf_counter()
    tokenizer = serving.tokenizer
    eos = serving.eos_ids
    eos_token = min(eos) if eos else 0
    rng = np.random.default_rng(None if settings.seed is None else [settings.seed, first_index])
    streams = [_Stream(IncrementalDetokenizer(tokenizer)) for _ in range(n)]
    greedy = np.zeros(n, dtype=bool)
    greedy[0] = greedy_first
    session = serving.session(prompt_ids, n, settings.max_new_tokens)
    first_token_seconds = None
    passed_at: int | None = None
    step = 0
    overall = "max_tokens"
    texts = _TokenTexts(tokenizer)
    while True:
        if cancel is not None and cancel.is_set():
            overall = "cancelled"
            break
        logits = _without_banned(session.logits(), streams)
        tokens, logprobs = choose(logits, greedy, settings.temperature, settings.top_p, rng)
        if settings.stop_at_widget_end:
            _keep_brackets_matched(logits, tokens, logprobs, streams, greedy, settings, rng, eos, texts)
        _feed_head(head, logits, tokens, logprobs, streams)
        if first_token_seconds is None:
            first_token_seconds = time.perf_counter() - start
        step += 1
        first_text = ""
        for i, s in enumerate(streams):
            if s.stop is not None:  # held where it ended (a batch steps together), or fed EOS
                tokens[i] = session.rewind(i, s.detok.ids) if session.can_rewind else eos_token
                continue
            token = int(tokens[i])
            if token in eos:
                s.stop = "eos"
                continue
            text = s.add(token, float(logprobs[i]))
            if i == 0:
                first_text = text
            if settings.stop_at_widget_end and text and s.tracker.feed(text):
                s.stop = "widget_end"
            elif settings.stop_at_widget_end and "\n" in text and ends_in_loop(s.detok.text):
                s.stop = "loop"  # (taking loops back as below was measured: slower, no widget rescued)
            elif settings.stop_at_widget_end and text and line_ends_in_loop(s.tracker.line):
                s.stop = "loop"
            elif settings.stop_at_widget_end and s.tracker.nested_class:
                s.stop = "nested_class"
            elif settings.stop_at_widget_end and "\n" in text and _broken(s, prompt, instruction):
                s.stop = "syntax_error"
            if s.watcher.repeated_at is not None:
                # A named argument passed twice in one call: take the label back and let the
                # model write something else there (where the session can rewind), else stop this one.
                if session.can_rewind and s.takebacks < MAX_TAKEBACKS:
                    streams[i], kept = s.taken_back(s.watcher.repeated_at)
                    tokens[i] = session.rewind(i, kept)
                    continue
                s.stop = "repeated_arg"
            if s.stop is not None and passed_at is None:
                s.checked = _check(s, prompt, instruction, expected_name)
                if s.checked[1].passed:
                    passed_at = s.tokens
        if on_token is not None:
            on_token(first_step + step, first_text)  # the step count, and the text sequence 0 added
        if all(s.stop is not None for s in streams):
            overall = "done"
            break
        if passed_at is not None and step >= patience * passed_at:
            overall = "outpaced"
            break
        if max(s.tokens for s in streams) >= settings.max_new_tokens or step >= 2 * settings.max_new_tokens:
            overall = "max_tokens"
            break
        if time.perf_counter() - start >= settings.time_limit_s:
            overall = "time_limit"
            break
        session.advance(tokens.astype(np.int32))
    candidates = []
    for i, s in enumerate(streams):
        stop = s.stop or overall
        code, report, mended = s.checked or _check(s, prompt, instruction, expected_name)
        mean = s.logprob / s.tokens if s.tokens else float("-inf")
        candidates.append(Candidate(first_index + i, code, s.detok.text, s.tokens, stop, mean, report,
                                    list(s.detok.ids), mended))
    return Decoded(rank(candidates), first_token_seconds, sum(s.decoded for s in streams), step)


@dataclass
class Decoded:
    candidates: list[Candidate]  # best first, one per distinct code
    first_token_seconds: float | None
    total_tokens: int  # over all sequences
    steps: int = 0


def decode_escalating(serving, prompt_ids: list[int], n: int, settings, **kwargs) -> Decoded:
    """The greedy candidate first; only when it fails a check, the other ``n - 1`` sampled, in rounds
    of ``round_sizes(serving, n)`` sequences, until a round has one that passes.

    Measured (benchmarks/results/generation_quality.md): asking for all candidates up front made every
    request pay for candidates a passing greedy one does not need. Every round starts from the
    prompt's cache (no second prefill). On a GPU the others run as one batch; on the CPU in rounds of
    ``ONNX_ROUND`` after a first round of ``ONNX_FIRST_ROUND`` (the greedy one and samples beside it),
    and a round ends at its first passing candidate: there every sequence of a batch costs time
    (benchmarks/results/generation_quality_rounds.md).
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
            or best.stop_reason in ("time_limit", "cancelled")
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


def _without_banned(logits: np.ndarray, streams: list[_Stream]) -> np.ndarray:
    """``logits`` with the tokens taken back at each stream's next position made impossible."""
    banned = [(i, s.bans.get(s.tokens)) for i, s in enumerate(streams) if s.stop is None and s.bans]
    if not any(tokens for _, tokens in banned):
        return logits
    logits = np.array(logits, dtype=np.float32, copy=True)
    for i, tokens in banned:
        if tokens:
            logits[i, sorted(tokens)] = -np.inf
    return logits


def _keep_brackets_matched(logits: np.ndarray, tokens: np.ndarray, logprobs: np.ndarray, streams: list[_Stream],
                           greedy: np.ndarray, settings, rng: np.random.Generator, eos: set[int],
                           texts: "_TokenTexts") -> None:
    """Replace (in place) any stream's token that would slip — close the wrong bracket (``)`` where
    ``[`` is open), end a return statement with ``,`` (:mod:`trainer.generation.widget_end`) — or end
    the text (EOS) with a bracket or string still open: code that can never parse.

    A slip one character mends (``),`` → ``);``, ``)`` → ``]``) is mended: the model meant to close
    there and the syntax says how; the mended text's first token is taken (``);`` is two tokens, `` )``
    then ``;``). Otherwise the token is made impossible and the next best (greedy) or another sample
    is taken, up to ``MAX_REDRAWS`` times. The log-probability kept is the model's own for the token
    taken, however it was chosen."""
    for i, s in enumerate(streams):
        if s.stop is not None or s.tracker.done:
            continue
        row = None
        chosen = int(tokens[i])
        for _ in range(MAX_REDRAWS):
            if chosen in eos:
                if not s.tracker.unclosed:
                    break
                mended = None
            else:
                slip = texts.slip(s, chosen)
                if slip is None:
                    break
                mended = texts.mended(s, *slip)
            if mended is not None:
                chosen = mended
                break
            if row is None:
                row = np.array(logits[i:i + 1], dtype=np.float32, copy=True)
            row[0, chosen] = -np.inf
            chosen = int(choose(row, greedy[i:i + 1], settings.temperature, settings.top_p, rng)[0][0])
        if chosen != int(tokens[i]):
            tokens[i] = chosen
            logprobs[i] = float(log_softmax(logits[i:i + 1])[0, chosen])


class _TokenTexts:
    """Token texts for the slip checks: each token's text alone (cached; only a token with one of
    ``SLIP_CHARS`` can slip), and the first token of a mended text."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.alone: dict[int, str] = {}
        self.ids: dict[str, int | None] = {}

    def slip(self, stream: _Stream, token: int) -> tuple[str, int, str | None] | None:
        """The text ``token`` would add, where in it it slips and the character that belongs there
        (``WidgetEndTracker.slip_in``); None when it does not slip."""
        alone = self.alone.get(token)
        if alone is None:
            alone = self.alone[token] = self.tokenizer.decode([token], skip_special_tokens=True)
        if not any(ch in alone for ch in SLIP_CHARS):
            return None
        text = stream.detok.peek(token)
        slip = stream.tracker.slip_in(text)
        return None if slip is None else (text, *slip)

    def mended(self, stream: _Stream, text: str, at: int, fix: str | None) -> int | None:
        """The first token of ``text`` mended (the rest follow in later steps, or are mended again)."""
        if fix is None or not 0 <= at < len(text):
            return None
        mended = text[:at] + fix + text[at + 1:]
        if mended not in self.ids:
            ids = self.tokenizer(mended, add_special_tokens=False)["input_ids"]
            self.ids[mended] = ids[0] if ids else None
        first = self.ids[mended]
        written = stream.detok.peek(first) if first is not None else ""
        if not written or not mended.startswith(written) or stream.tracker.would_slip(written):
            return None
        return first


def _broken(stream: _Stream, prompt: str, instruction: str) -> bool:
    """The stream's complete lines hold a syntax error no later text mends (:mod:`trainer.generation.dead_end`)."""
    written = stream.detok.text
    line_end = written.rfind("\n")
    if written[line_end + 1:].strip():
        return False  # the tracker has read past the line end: its open brackets are not the line's
    closers = stream.tracker.closers()
    if closers is None:
        return False
    code = extract_code(written[:line_end], prompt=prompt, instruction=instruction, cut_at_widget_end=False)
    return starts_with_code(code) and broken_before_last_line(code, closers)  # (prose before the code: not yet)


def _check(stream: _Stream, prompt: str, instruction: str,
           expected_name: str | None) -> tuple[str, CheckReport, list[str]]:
    return check_mended(extract_code(stream.detok.text, prompt=prompt, instruction=instruction), expected_name)


def _feed_head(head: Sequence[int], logits: np.ndarray, tokens: np.ndarray, logprobs: np.ndarray,
               streams: list[_Stream]) -> None:
    """Replace (in place) the token of each stream still within ``head`` by the head's next token,
    with the model's log-probability for it."""
    for i, s in enumerate(streams):
        if s.stop is None and s.tokens < len(head) and int(tokens[i]) != head[s.tokens]:
            tokens[i] = head[s.tokens]
            logprobs[i] = float(log_softmax(logits[i:i + 1])[0, tokens[i]])


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
