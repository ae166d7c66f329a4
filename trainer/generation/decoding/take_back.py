"""Taking tokens back: a candidate rewound to before a repeated named argument, or to before a block of
lines it has started to write again and again.

A named argument written a second time in one call (``child: A,`` then ``child: B``) is seen as soon as
its ``:`` is written (:mod:`trainer.generation.named_args`). Where the session can rewind that sequence
(any row on ONNX, a one-sequence torch session), the candidate goes back to before the label — to before
its line break when the label starts a line — and the first token taken back is banned there
(:class:`~.processors.BanTakenBack`), so the model closes the call or writes something else. After
``limit`` take-backs, or where the session cannot rewind, the candidate is left to
:class:`~.stopping.RepeatedArgumentStop`. A loop of lines (:class:`~.stopping.BlockLoopStop`) is taken
back the same way, to the start of the block's first repetition (:class:`LoopTakeBack`).
"""

from __future__ import annotations

from .stop_reason import StopReason
from .stream import CandidateStream


class TakeBack:
    """``take_back(stream, session, row)``: the stream rewound and the token the session's next
    ``advance`` feeds for that row, or None when this stream has nothing to take back (or may not)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit  # take-backs per candidate; 0: none

    def __call__(self, stream: CandidateStream, session, row: int) -> tuple[CandidateStream, int] | None:
        at = stream.watcher.repeated_at
        if at is None or not session.can_rewind or stream.takebacks >= self.limit:
            return None
        fresh, kept = stream.taken_back(at)
        return fresh, session.rewind(row, kept)


class LoopTakeBack:
    """``take_back(stream, session, row)``: for a candidate just stopped by a loop of lines or of a
    stretch of one line (:class:`~.stopping.BlockLoopStop`, :class:`~.stopping.LineLoopStop`), the stream
    rewound to the first repetition of the block or stretch (it is kept once) with the token that began it
    banned there (a block's line break), and the token the session's next ``advance`` feeds for that row; None when it stopped otherwise, the session cannot rewind or
    ``limit`` is spent (the ``loop`` stop then stands)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit  # loops taken back per candidate; 0: none

    def __call__(self, stream: CandidateStream, session, row: int) -> tuple[CandidateStream, int] | None:
        at = stream.loop_at
        if stream.stop is not StopReason.LOOP or at is None or not session.can_rewind \
                or stream.loops_taken_back >= self.limit or at >= len(stream.text):
            return None
        fresh, kept = stream.taken_back(at)
        fresh.takebacks, fresh.loops_taken_back = stream.takebacks, stream.loops_taken_back + 1
        return fresh, session.rewind(row, kept)
