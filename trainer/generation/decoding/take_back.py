"""Taking tokens back: a candidate rewound to before a repeated named argument, or to the start of a line
that can no longer parse.

A named argument written a second time in one call (``child: A,`` then ``child: B``) is seen as soon as
its ``:`` is written (:mod:`trainer.generation.named_args`). Where the session can rewind that sequence
(any row on ONNX, a one-sequence torch session), the candidate goes back to before the label — to before
its line break when the label starts a line — and the first token taken back is banned there
(:class:`~.processors.BanTakenBack`), so the model closes the call or writes something else. After
``limit`` take-backs, or where the session cannot rewind, the candidate is left to
:class:`~.stopping.RepeatedArgumentStop`.

A candidate the ``syntax_error`` stop ends (:class:`~.stopping.SyntaxErrorStop`: a complete line that
no later text can mend) is, where the session can rewind, taken back to the first non-blank character
of the first broken line, the token that began that line banned there, and decoded on
(:class:`SyntaxBacktrack`): a line written again instead of a candidate started again from the
prompt. After ``limit`` backtracks the stop stands.
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


class SyntaxBacktrack:
    """``backtrack(stream, session, row)``: for a candidate just stopped by ``syntax_error``, the stream
    rewound to its broken line and the token the session's next ``advance`` feeds for that row; None
    when it stopped otherwise, the line is not known, the session cannot rewind or ``limit`` is spent."""

    def __init__(self, limit: int) -> None:
        self.limit = limit  # backtracks per candidate; 0: none

    def __call__(self, stream: CandidateStream, session, row: int) -> tuple[CandidateStream, int] | None:
        at = stream.broken_at
        if stream.stop is not StopReason.SYNTAX_ERROR or at is None or not session.can_rewind \
                or stream.backtracks >= self.limit or at >= len(stream.text):
            return None
        fresh, kept = stream.taken_back(at, whole_line=False)
        fresh.takebacks, fresh.backtracks = stream.takebacks, stream.backtracks + 1
        return fresh, session.rewind(row, kept)
