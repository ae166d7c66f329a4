"""Write one widget from a description: the generation used by the CLI, evaluation and the server.

``generate_code(model, tokenizer, instruction, ...)`` builds the one prompt format (with retrieved
examples, cut to fit the context), then decodes up to ``settings.candidates`` candidates on the
model's backend — candidate 0 greedy, the others sampled only while none has passed — each guarded
and stopped as ``settings.decode`` configures (when its widget is complete, at EOS, in a loop, ...:
``trainer.generation.decoding``), at ``max_new_tokens``, the time limit or on cancel; every
candidate is checked on the syntax tree (and against an API index, when one is given: ``api``) and the
best one is returned with the others
(``trainer.generation.candidates``). ``model`` is a :class:`trainer.generation.serving.ServingModel`
(ONNX or torch) or a plain transformers model.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Sequence

from dataset_tools.errors import FlutterTuneError
from dataset_tools.settings import range_problems, setting

from ..prompt import Example, format_prompt
from .decoding import DecodeConfig, StopReason
from .serving import DEFAULT_CONTEXT

if TYPE_CHECKING:
    from dataset_tools.dart.api import ApiIndex

MAX_NEW_TOKENS_LIMIT = 4096
MAX_DESCRIPTION_CHARS = 4000
DEFAULT_CANDIDATES = 8  # measured against 5 with benchmarks/generation_quality.py and server_latency.py


@dataclass
class GenerationSettings:
    """How to generate: token budget, sampling, time limit, and which guards run while decoding.

    The defaults and ranges declared here are the only ones: the server's settings and the
    extension's ``package.json`` use them (a test compares them).
    """

    max_new_tokens: int = setting(384, low=1, high=MAX_NEW_TOKENS_LIMIT, key="maxNewTokens",
                                  flag="--max-new-tokens", help="Most tokens generated for one widget.")
    temperature: float = setting(0.8, low=0.0, high=2.0, key="temperature", flag="--temperature",
                                 help="Sampling temperature of the candidates after the first, greedy one.")
    top_p: float = setting(0.95, low=0.05, high=1.0, key="topP", flag="--top-p",
                           help="Nucleus sampling: keep the smallest set of tokens whose probability adds up "
                                "to this.")
    time_limit_s: float = setting(120.0, low=1.0, high=3600.0, key="timeLimitSeconds", flag="--time-limit",
                                  help="Stop one generation after this many seconds.")
    candidates: int = setting(DEFAULT_CANDIDATES, low=1, high=8, key="candidates", flag="--candidates",
                              help="Most candidate widgets written for one request: the greedy one first, "
                                   "then sampled ones until one passes every check; the best is kept.")
    check_names: bool = setting(True, key="checkNames", flag="--no-check-names",
                                help="Check every candidate's classes, named arguments and Icons./Colors./enum "
                                     "members against Flutter's API and your own symbols, rank the candidates "
                                     "that resolve first, and keep decoding to the names they know.")
    seed: int | None = setting(None, low=0, high=2**32 - 1, flag="--seed",
                               help="random seed for sampling (default: a fresh random state)")
    decode: DecodeConfig = field(default_factory=DecodeConfig)  # the logits processors and stopping rules

    def validate(self) -> "GenerationSettings":
        if not isinstance(self.max_new_tokens, int) or isinstance(self.max_new_tokens, bool):
            raise FlutterTuneError(f"max_new_tokens must be a whole number, got {self.max_new_tokens!r} "
                                   "(setting flutterTune.maxNewTokens / --max-new-tokens).")
        problems = range_problems(self)
        if problems:
            raise FlutterTuneError(" ".join(problems))
        return self


@dataclass
class GenerationResult:
    """What came out: the best candidate's ``code`` and ``raw_text``, why it stopped, timings, and every
    candidate (best first) with its checks."""

    code: str
    raw_text: str
    new_tokens: int  # tokens of the returned candidate
    stop_reason: StopReason
    seconds: float
    first_token_seconds: float | None
    examples: int = 0  # retrieved examples that were in the prompt
    candidates: list = field(default_factory=list)  # trainer.generation.candidates.Candidate, best first
    total_tokens: int = 0  # tokens decoded over all candidates
    backend: str = "torch"

    @property
    def best(self):
        return self.candidates[0] if self.candidates else None

    @property
    def passed(self) -> bool:
        return bool(self.candidates) and self.candidates[0].passed

    @property
    def checks(self) -> dict[str, bool]:
        return self.candidates[0].checks if self.candidates else {}

    @property
    def failed(self) -> list[str]:
        return self.candidates[0].failed if self.candidates else []

    @property
    def unresolved(self) -> list[str]:
        """What in the returned candidate did not resolve against the API index ([] without one)."""
        return self.candidates[0].unresolved if self.candidates else []

    @property
    def mended(self) -> list[str]:
        """What was changed in the returned candidate's code to make it pass (trainer.generation.repair)."""
        return list(self.candidates[0].mended) if self.candidates else []

    @property
    def passing(self) -> int:
        return sum(c.passed for c in self.candidates)

    def reordered(self, candidates: list) -> "GenerationResult":
        """This result with ``candidates`` (best first) in place of its own: the returned code, its tokens
        and why it stopped are the new first candidate's (a cancelled generation stays cancelled)."""
        best = candidates[0]
        stop = self.stop_reason if self.stop_reason == StopReason.CANCELLED else best.stop_reason
        return replace(self, code=best.code, raw_text=best.raw_text, new_tokens=best.new_tokens,
                                   stop_reason=stop, candidates=list(candidates))


def context_length(model) -> int:
    if getattr(model, "context_length", None):
        return int(model.context_length)
    config = getattr(model, "config", None)
    return int(getattr(config, "max_position_embeddings", None) or DEFAULT_CONTEXT)


def validate_description(instruction: str) -> str:
    if not isinstance(instruction, str) or not instruction.strip():
        raise FlutterTuneError("The widget description is empty. Describe the widget you want, "
                               'e.g. `flutter-tune generate "A card showing a hike\'s name and distance"`.')
    if len(instruction) > MAX_DESCRIPTION_CHARS:
        raise FlutterTuneError(
            f"The widget description is {len(instruction)} characters long; the limit is "
            f"{MAX_DESCRIPTION_CHARS}. Shorten it to a few sentences.")
    return instruction.strip()


def build_prompt_ids(model, tokenizer, instruction: str, input: str, examples: Sequence[Example],
                     max_new_tokens: int) -> tuple[str, list[int], int]:
    """Prompt text, ids and the number of examples kept, so that they fit the model's context with room for ``max_new_tokens``.

    Retrieved examples are dropped (last first) until the prompt fits; if the bare request
    does not fit, that is the user's to fix.
    """
    budget = context_length(model) - max_new_tokens
    examples = list(examples)
    while True:
        prompt = format_prompt(tokenizer, instruction, input, examples)
        ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        if len(ids) <= budget:
            return prompt, ids, len(examples)
        if not examples:
            raise FlutterTuneError(
                f"The prompt is {len(ids)} tokens but only {max(budget, 0)} fit in the model's context "
                f"({context_length(model)}) next to max_new_tokens={max_new_tokens}. "
                "Shorten the description or input, or lower --max-new-tokens.")
        examples.pop()


def serving_of(model, tokenizer):
    """A ServingModel for ``model`` (already one, or a transformers model to wrap)."""
    from .serving import ServingModel, from_torch

    return model if isinstance(model, ServingModel) else from_torch(model, tokenizer)


def generate_code(model, tokenizer, instruction: str, *, input: str = "", examples: Sequence[Example] = (),
                  settings: GenerationSettings | None = None, cancel: threading.Event | None = None,
                  on_token: Callable[[int, str], None] | None = None,
                  expected_name: str | None = None, batch_all: bool = False,
                  api: ApiIndex | None = None) -> GenerationResult:
    """Generate the widget described by ``instruction`` (with optional retrieved ``examples``).

    ``on_token(step, new_text)`` is called after every decoding step with the step count and the
    text the first (greedy) candidate added; ``cancel`` is checked between steps. ``expected_name``
    is the widget name the caller needs (else the one the description names, if any); when the request
    fixes a class, every candidate starts with its declaration (``trainer.generation.request``). The greedy
    candidate is decoded first and the sampled ones only when it fails a check (``batch_all``: all in
    one batch from the start, as the benchmarks compare). ``api`` is the API index every candidate's
    references are checked against (the ``resolves`` check) and decoding keeps to (``KnownNames``); None,
    or ``settings.check_names`` off: neither. Raises
    FlutterTuneError for an empty or enormous description, bad settings, or a prompt that does not
    fit the model's context.
    """
    from .candidates import decode_candidates, decode_escalating
    from .request import declaration_head, requested_name

    settings = (settings or GenerationSettings()).validate()
    api = api if settings.check_names else None
    instruction = validate_description(instruction)
    serving = serving_of(model, tokenizer)
    tokenizer = serving.tokenizer
    prompt, prompt_ids, examples_used = build_prompt_ids(serving, tokenizer, instruction, input, examples,
                                                         settings.max_new_tokens)
    start = time.perf_counter()
    model_obj = serving.model
    was_training = bool(model_obj is not None and getattr(model_obj, "training", False))
    if was_training:
        model_obj.eval()
    try:
        n = settings.candidates if settings.temperature > 0 else 1  # at temperature 0 all would be greedy
        decode = decode_candidates if batch_all else decode_escalating
        head = declaration_head(instruction, expected_name)  # forced where settings.decode.force_head
        decoded = decode(
            serving, prompt_ids, n, settings, prompt=prompt, instruction=instruction,
            expected_name=expected_name or requested_name(instruction), cancel=cancel, on_token=on_token,
            head=tokenizer(head, add_special_tokens=False)["input_ids"] if head else (), api=api)
    finally:
        if was_training:
            model_obj.train()
    best = decoded.candidates[0]
    stop = StopReason.CANCELLED if cancel is not None and cancel.is_set() else best.stop_reason
    return GenerationResult(
        code=best.code, raw_text=best.raw_text, new_tokens=best.new_tokens, stop_reason=stop,
        seconds=time.perf_counter() - start, first_token_seconds=decoded.first_token_seconds,
        examples=examples_used, candidates=decoded.candidates, total_tokens=decoded.total_tokens,
        backend=serving.backend)
