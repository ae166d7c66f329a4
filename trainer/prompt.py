"""The one prompt format, used by training, evaluation, generation and the language server.

With a tokenizer that has a chat template (SmolLM2 does) the prompt is a chat: a fixed system
message, optional retrieved examples as earlier user/assistant turns, then the request. Without
one it is the guide's ``### Instruction:`` / ``### Response:`` form. The completion is the code
followed by the tokenizer's EOS token, so a tuned model learns to stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

SYSTEM_MESSAGE = "You write Flutter widgets in Dart, in the user's own style. Reply with code only."


@dataclass(frozen=True)
class Example:
    """A solved request shown to the model before the real one (retrieval)."""

    instruction: str
    output: str
    input: str = ""


def _user_text(instruction: str, input: str = "") -> str:
    instruction = instruction.strip()
    input = (input or "").strip()
    return f"{instruction}\n\n{input}" if input else instruction


def _plain_turn(instruction: str, input: str = "") -> str:
    text = f"### Instruction:\n{instruction.strip()}\n\n"
    if input and input.strip():
        text += f"### Input:\n{input.strip()}\n\n"
    return text + "### Response:\n"


def has_chat_template(tokenizer) -> bool:
    return bool(getattr(tokenizer, "chat_template", None))


def format_prompt(tokenizer, instruction: str, input: str = "", examples: Sequence[Example] = ()) -> str:
    """The text the model sees before it writes the answer (ends where the code begins)."""
    if has_chat_template(tokenizer):
        messages = [{"role": "system", "content": SYSTEM_MESSAGE}]
        for ex in examples:
            messages.append({"role": "user", "content": _user_text(ex.instruction, ex.input)})
            messages.append({"role": "assistant", "content": ex.output.strip()})
        messages.append({"role": "user", "content": _user_text(instruction, input)})
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    eos = tokenizer.eos_token or ""
    shots = "".join(_plain_turn(ex.instruction, ex.input) + ex.output.strip() + eos + "\n\n" for ex in examples)
    return shots + _plain_turn(instruction, input)


def format_completion(tokenizer, output: str) -> str:
    """The text the model is trained to write: the code, then EOS."""
    return output.strip("\n") + (tokenizer.eos_token or "")


def to_prompt_completion(tokenizer, record: dict, examples: Sequence[Example] = ()) -> dict:
    """A harvested record as the prompt/completion pair TRL's SFTTrainer trains on."""
    return {
        "prompt": format_prompt(tokenizer, record["instruction"], record.get("input", ""), examples),
        "completion": format_completion(tokenizer, record["output"]),
    }
