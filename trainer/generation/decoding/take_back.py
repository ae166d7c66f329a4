"""Taking a repeated named argument back: the candidate is rewound to before the label.

A named argument written a second time in one call (``child: A,`` then ``child: B``) is seen as soon as
its ``:`` is written (:mod:`trainer.generation.named_args`). Where the session can rewind that sequence
(any row on ONNX, a one-sequence torch session), the candidate goes back to before the label — to before
its line break when the label starts a line — and the first token taken back is banned there
(:class:`~.processors.BanTakenBack`), so the model closes the call or writes something else. After
``limit`` take-backs, or where the session cannot rewind, the candidate is left to
:class:`~.stopping.RepeatedArgumentStop`.
"""

from __future__ import annotations

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
