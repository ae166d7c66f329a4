"""Write one widget from a description: the generation used by the CLI, evaluation and the server.

A manual decoding loop with the KV cache (one forward pass per token) so that every token can be
checked: the caller may cancel between tokens (``cancel`` event), watch tokens arrive
(``on_token``), and generation stops at EOS, as soon as the widget is complete (balanced braces
on the token stream, see ``trainer.widget_end``), at ``max_new_tokens`` or at ``time_limit_s``.
Greedy by default (reproducible); ``temperature > 0`` samples with nucleus (top-p) filtering.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from dataset_tools.errors import FlutterTuneError
from dataset_tools.settings import range_problems, setting

from .code_extract import extract_code
from .prompt import Example, format_prompt
from .widget_end import WidgetEndTracker

MAX_NEW_TOKENS_LIMIT = 4096
MAX_DESCRIPTION_CHARS = 4000
DEFAULT_CONTEXT = 2048


@dataclass
class GenerationSettings:
    """How to generate: token budget, sampling, time limit and where to stop.

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
    stop_at_widget_end: bool = True
    seed: int | None = None  # for sampling; None = a fresh random state

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
    """What came out: the extracted ``code``, the ``raw_text`` as decoded, why it stopped, timings."""

    code: str
    raw_text: str
    new_tokens: int
    stop_reason: str  # "eos" | "widget_end" | "max_tokens" | "time_limit" | "cancelled"
    seconds: float
    first_token_seconds: float | None
    examples: int = 0  # retrieved examples that were in the prompt


def context_length(model) -> int:
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


def _eos_ids(model, tokenizer) -> set[int]:
    ids = set()
    for source in (getattr(tokenizer, "eos_token_id", None),
                   getattr(getattr(model, "generation_config", None), "eos_token_id", None)):
        if isinstance(source, int):
            ids.add(source)
        elif source:
            ids.update(int(i) for i in source)
    for token in ("<|im_end|>", "<|endoftext|>"):
        tid = tokenizer.convert_tokens_to_ids(token) if token in tokenizer.get_vocab() else None
        if tid is not None:
            ids.add(tid)
    return ids


def _next_token(logits, settings: GenerationSettings, generator) -> int:
    import torch

    if settings.temperature <= 0:
        return int(torch.argmax(logits).item())
    probs = torch.softmax(logits.float() / settings.temperature, dim=-1)
    if settings.top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        keep = torch.cumsum(sorted_probs, dim=-1) - sorted_probs < settings.top_p
        keep[0] = True
        probs = torch.zeros_like(probs).scatter(0, order[keep], sorted_probs[keep])
    return int(torch.multinomial(probs / probs.sum(), 1, generator=generator).item())


def _input_device(model):
    try:
        return model.get_input_embeddings().weight.device
    except (AttributeError, NotImplementedError):
        return getattr(model, "device", "cpu")


def generate_code(model, tokenizer, instruction: str, *, input: str = "", examples: Sequence[Example] = (),
                  settings: GenerationSettings | None = None, cancel: threading.Event | None = None,
                  on_token: Callable[[int, str], None] | None = None) -> GenerationResult:
    """Generate the widget described by ``instruction`` (with optional retrieved ``examples``).

    ``on_token(token_id, new_text)`` is called for every generated token with the text it added
    ("" while a multi-byte character is incomplete); ``cancel`` is checked between tokens.
    Raises FlutterTuneError for an empty or enormous description, bad settings, or a prompt that
    does not fit the model's context.
    """
    import torch

    settings = settings or GenerationSettings()
    settings.validate()
    instruction = validate_description(instruction)
    prompt, prompt_ids, examples_used = build_prompt_ids(model, tokenizer, instruction, input, examples, settings.max_new_tokens)
    eos = _eos_ids(model, tokenizer)
    generator = None
    if settings.temperature > 0 and settings.seed is not None:
        generator = torch.Generator().manual_seed(settings.seed)

    tracker = WidgetEndTracker()
    generated: list[int] = []
    text = ""
    stop_reason = "max_tokens"
    first_token_seconds = None
    start = time.perf_counter()
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            ids = torch.tensor([prompt_ids], device=_input_device(model))
            out = model(input_ids=ids, use_cache=True, logits_to_keep=1)
            cache = out.cache
            while True:
                if cancel is not None and cancel.is_set():
                    stop_reason = "cancelled"
                    break
                token = _next_token(out.logits[0, -1, :], settings, generator)
                if first_token_seconds is None:
                    first_token_seconds = time.perf_counter() - start
                if token in eos:
                    stop_reason = "eos"
                    break
                generated.append(token)
                decoded = tokenizer.decode(generated, skip_special_tokens=True)
                new_text = ""
                if not decoded.endswith("\ufffd"):  # wait for the rest of a multi-byte character
                    new_text, text = decoded[len(text):], decoded
                if on_token is not None:
                    on_token(token, new_text)
                if settings.stop_at_widget_end and new_text and tracker.feed(new_text):
                    stop_reason = "widget_end"
                    break
                if len(generated) >= settings.max_new_tokens:
                    stop_reason = "max_tokens"
                    break
                if time.perf_counter() - start >= settings.time_limit_s:
                    stop_reason = "time_limit"
                    break
                out = model(input_ids=torch.tensor([[token]], device=ids.device), cache=cache,
                            use_cache=True, logits_to_keep=1)
                cache = out.cache
    finally:
        if was_training:
            model.train()
    raw_text = tokenizer.decode(generated, skip_special_tokens=True)
    return GenerationResult(
        code=extract_code(raw_text, prompt=prompt, instruction=instruction),
        raw_text=raw_text,
        new_tokens=len(generated),
        stop_reason=stop_reason,
        seconds=time.perf_counter() - start,
        first_token_seconds=first_token_seconds,
        examples=examples_used,
    )
