"""One candidate being written, token by token: its text, and what the guards read of it.

A :class:`CandidateStream` holds the tokens kept with their log-probabilities, the text they make
(incrementally detokenized), a :class:`trainer.generation.widget_end.WidgetEndTracker` fed that text
(where the widget ends, which brackets are open, the slips) and the
:class:`trainer.generation.named_args.CallWatcher` reading its code, the tokens taken back
at each position, whether the grammar mask let it go, and why it stopped. ``taken_back(at)`` is the
same candidate without the text from ``at`` on, for a session rewound there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checks import CheckReport
from ..detokenize import IncrementalDetokenizer
from ..named_args import CallWatcher
from ..widget_end import WidgetEndTracker
from .stop_reason import StopReason


@dataclass
class CandidateStream:
    """One candidate being written: its text, where its widget ends, the labels of its open calls."""

    detok: IncrementalDetokenizer
    watcher: CallWatcher = field(default_factory=CallWatcher)
    tracker: WidgetEndTracker = field(init=False)
    logprobs: list[float] = field(default_factory=list)  # per token kept
    ends: list[int] = field(default_factory=list)  # length of the text after each token
    bans: dict[int, set[int]] = field(default_factory=dict)  # position → tokens taken back there
    takebacks: int = 0
    loop_at: int | None = None  # where a loop's first repetition starts in the text (BlockLoopStop, LineLoopStop)
    loops_taken_back: int = 0
    decoded: int = 0  # tokens decoded, with those taken back
    grammar_fallback: bool = False  # holds a token the grammar rejects: decoded freely since (GrammarMask)
    stop: StopReason | None = None
    checked: tuple[str, CheckReport, list[str]] | None = None  # code, report, mended (check_mended)
    own_classes: dict = field(default_factory=dict)  # class name → its own complete declaration (KnownNames)

    def __post_init__(self) -> None:
        self.tracker = WidgetEndTracker(on_code=self.watcher.code_char)

    @property
    def tokens(self) -> int:
        return len(self.logprobs)

    @property
    def logprob(self) -> float:
        return float(sum(self.logprobs))

    @property
    def text(self) -> str:
        return self.detok.text

    def add(self, token: int, logprob: float) -> str:
        """Write ``token``; the text it adds ("" while a character is incomplete) is fed to the tracker."""
        text = self.detok.add(token)
        self.decoded += 1
        self.logprobs.append(logprob)
        self.ends.append(len(self.detok.text))
        if text:
            self.tracker.feed(text)
        return text

    def taken_back(self, at: int) -> tuple["CandidateStream", list[int]]:
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
        fresh = CandidateStream(IncrementalDetokenizer(self.detok.tokenizer), bans=bans, takebacks=self.takebacks + 1,
                                loops_taken_back=self.loops_taken_back, grammar_fallback=self.grammar_fallback)
        for token, logprob in zip(kept, logprobs[:cut]):
            fresh.add(token, logprob)
        fresh.decoded = self.decoded
        return fresh, kept


@dataclass
class Round:
    """The candidates decoded together in one session, and how far they have come."""

    streams: list[CandidateStream]
    step: int = 0
    passed_at: int | None = None  # tokens of the first candidate seen passing every check

    @property
    def stopped(self) -> bool:
        return all(s.stop is not None for s in self.streams)
