"""The parts the decoding loop (:func:`trainer.generation.candidates.decode_candidates`) runs, each with one job.

- ``config``: :class:`DecodeConfig`, which guards run (all by default).
- ``stop_reason``: :class:`StopReason`, why a candidate stopped.
- ``stream``: one candidate being written (text, tracker, tokens taken back) and the round it is in.
- ``processors``: logits processors — the guards on the next token (bans, brackets, declaration head).
- ``grammar``, ``grammar_mask``: the Dart widget grammar (``dart_widget.lark``, llguidance) and the
  processor that masks the tokens it rejects.
- ``take_back``: a repeated named argument taken back, the session rewound.
- ``stopping``: stopping rules — when a candidate stops, and when its round does.
"""

from .config import DecodeConfig
from .stop_reason import StopReason

__all__ = ["DecodeConfig", "StopReason"]
