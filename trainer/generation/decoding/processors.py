"""Logits processors: the guards on each candidate's next token, run in a list by the decoding loop.

As transformers' ``LogitsProcessor``, each is a small class with one job that the loop runs without
knowing what it is for. A processor sees the candidates (:class:`~.stream.CandidateStream`, one per
row) and either changes the scores before the token is chosen (``before_choice``) or the tokens
chosen (``after_choice``: a token replaced keeps the model's own log-probability for it); it leaves
candidates that have stopped alone.

- :class:`BanTakenBack` — a token taken back at a position (a repeated named argument,
  :mod:`~.take_back`) is never chosen there again.
- :class:`KeepBracketsMatched` — no token that closes the wrong bracket or ends a ``return`` with
  ``,`` (:class:`trainer.generation.widget_end.WidgetEndTracker` slips): mended where one character
  does it (``),`` → ``);``), else the next best (greedy) or another sample; no EOS while a bracket or
  string is open.
- :class:`~.grammar_mask.GrammarMask` — no token after which the text can no longer
  become Dart (the widget grammar, ``dart_widget.lark``); a candidate holding a token outside the
  grammar decodes freely from there. Built for tokenizers with a ``tokenizers`` backend (every real
  model's); others go without.
- :class:`ForceHead` — every candidate starts with the declaration the request fixes.
- :class:`~.known_names.KnownNames` — with an API index, a known constructor's call gets only the
  named parameters it has, a known class's ``Owner.`` only its members.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..sampling import Choice, TokenChooser
from ..widget_end import SLIP_CHARS
from .config import DecodeConfig
from .grammar_mask import GrammarMask
from .known_names import KnownNames
from .logits_processor import LogitsProcessor, LogitsProcessorList
from .stream import CandidateStream


def logits_processors(config: DecodeConfig, chooser: TokenChooser, tokenizer, eos: set[int],
                      head: Sequence[int] = (), api=None) -> LogitsProcessorList:
    """The processors ``config`` turns on, in the order they run (``KnownNames`` only with an ``api``
    index: :class:`dataset_tools.dart.api.ApiIndex`)."""
    processors = LogitsProcessorList()
    if config.take_back_repeated_args:
        processors.append(BanTakenBack())
    if config.known_names and api is not None:
        processors.append(KnownNames(api, tokenizer))
    if config.grammar_mask and getattr(tokenizer, "backend_tokenizer", None) is not None:
        processors.append(GrammarMask(tokenizer, eos))
    if config.keep_brackets_matched:
        processors.append(KeepBracketsMatched(chooser, tokenizer, eos, config.max_redraws))
    if config.force_head and head:
        processors.append(ForceHead(head))
    return processors


class BanTakenBack(LogitsProcessor):
    """The tokens taken back at a candidate's next position are impossible there."""

    def before_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray) -> np.ndarray:
        banned = [(i, s.bans.get(s.tokens)) for i, s in enumerate(streams) if s.stop is None and s.bans]
        if not any(tokens for _, tokens in banned):
            return logits
        logits = np.array(logits, dtype=np.float32, copy=True)
        for i, tokens in banned:
            if tokens:
                logits[i, sorted(tokens)] = -np.inf
        return logits


class ForceHead(LogitsProcessor):
    """A candidate still within ``head`` (token ids) takes the head's next token, whatever it chose."""

    def __init__(self, head: Sequence[int]) -> None:
        self.head = list(head)

    def after_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray, choice: Choice) -> None:
        for i, s in enumerate(streams):
            if s.stop is None and s.tokens < len(self.head) and int(choice.tokens[i]) != self.head[s.tokens]:
                choice.replace(i, self.head[s.tokens], logits)


class KeepBracketsMatched(LogitsProcessor):
    """Replace a token that would slip — close the wrong bracket (``)`` where ``[`` is open), end a
    return statement with ``,`` — or end the text (EOS) with a bracket or string still open: code that
    can never parse.

    A slip one character mends (``),`` → ``);``, ``)`` → ``]``) is mended: the model meant to close
    there and the syntax says how; the mended text's first token is taken (``);`` is two tokens, `` )``
    then ``;``). Otherwise the token is made impossible and the next best (greedy) or another sample
    is taken, up to ``max_redraws`` times."""

    def __init__(self, chooser: TokenChooser, tokenizer, eos: set[int], max_redraws: int) -> None:
        self.chooser, self.eos, self.max_redraws = chooser, eos, max_redraws
        self.texts = _TokenTexts(tokenizer)

    def after_choice(self, streams: Sequence[CandidateStream], logits: np.ndarray, choice: Choice) -> None:
        for i, s in enumerate(streams):
            if s.stop is not None or s.tracker.done:
                continue
            chosen = self._matched(i, s, logits, int(choice.tokens[i]))
            if chosen != int(choice.tokens[i]):
                choice.replace(i, chosen, logits)

    def _matched(self, i: int, stream: CandidateStream, logits: np.ndarray, chosen: int) -> int:
        """``chosen``, mended, or redrawn from row ``i`` of ``logits`` until it does not slip."""
        row = None
        for _ in range(self.max_redraws):
            if chosen in self.eos:
                if not stream.tracker.unclosed:
                    break
                mended = None
            else:
                slip = self.texts.slip(stream, chosen)
                if slip is None:
                    break
                mended = self.texts.mended(stream, *slip)
            if mended is not None:
                return mended
            if row is None:
                row = np.array(logits[i:i + 1], dtype=np.float32, copy=True)
            row[0, chosen] = -np.inf
            chosen = self.chooser.one(i, row)
        return chosen


class _TokenTexts:
    """Token texts for the slip checks: each token's text alone (cached; only a token with one of
    ``SLIP_CHARS`` can slip), and the first token of a mended text."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.alone: dict[int, str] = {}
        self.ids: dict[str, int | None] = {}

    def slip(self, stream: CandidateStream, token: int) -> tuple[str, int, str | None] | None:
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

    def mended(self, stream: CandidateStream, text: str, at: int, fix: str | None) -> int | None:
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
