"""Which guards run while candidates are decoded: one field per logits processor and stopping rule.

Every guard is on by default; a benchmark or test turns one off by configuration
(``DecodeConfig(syntax_error_stop=False)``), and ``DecodeConfig.unguarded()`` leaves the model's
own tokens, stopped only at EOS and the limits of the request.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class DecodeConfig:
    # logits processors (trainer.generation.decoding.processors)
    keep_brackets_matched: bool = True  # no wrong closer, no "return …," — mended or redrawn; no EOS while open
    force_head: bool = True  # every candidate starts with the declaration the request fixes
    known_names: bool = True  # with an API index: only a known call's parameters, a known owner's members
    grammar_mask: bool = True  # only tokens after which the text can still become Dart (dart_widget.lark)
    # taking back (trainer.generation.decoding.take_back): bans the label there (BanTakenBack)
    take_back_repeated_args: bool = True  # a named argument written twice in one call, where the session rewinds
    take_back_loops: bool = True  # a loop (block of lines, stretch of a line): back to its first repetition
    # stopping rules (trainer.generation.decoding.stopping), in the order they are asked
    repeated_arg_stop: bool = True  # a repeated named argument that was not taken back
    widget_end_stop: bool = True
    block_loop_stop: bool = True  # a block of lines repeated (stop reason loop)
    line_loop_stop: bool = True  # a stretch repeated along one long line (stop reason loop)
    nested_class_stop: bool = True
    syntax_error_stop: bool = True  # complete lines that can no longer parse
    # bounds
    max_takebacks: int = 8  # repeated labels taken back in one candidate before it is stopped
    max_loop_takebacks: int = 6  # loops taken back in one candidate before the loop stop stands (benchmarks/results/loop_takebacks.md)
    max_redraws: int = 8  # tokens made impossible at one step to keep brackets matched before one is let through

    @classmethod
    def unguarded(cls) -> "DecodeConfig":
        """Every guard off: the model's tokens as chosen, stopped at EOS and the request's limits only."""
        return cls(**{f.name: False for f in dataclasses.fields(cls) if f.type in (bool, "bool")})
