"""Turn what a model wrote into just the Dart code.

Models echo the prompt, wrap code in markdown fences (```dart ... ```), start with a sentence of
prose or keep talking after the widget is done. ``extract_code`` removes all of that: it keeps
the first fenced block (or the text from the first line that looks like Dart), and cuts it where
the widget completes (see ``trainer.generation.widget_end``).
"""

from __future__ import annotations

import re

from .widget_end import widget_end

# Special-token text that can leak into decoded output.
_SPECIAL = re.compile(r"<\|im_(start|end)\|>(assistant|user|system)?\n?|<\|endoftext\|>|</?s>")
_FENCE = re.compile(r"^[ \t]*```[\w+-]*[ \t]*$", re.M)
# A line that starts Dart code: a doc comment, annotation, import, declaration or widget expression.
_CODE_START = re.compile(
    r"^[ \t]*(///|//|/\*|@\w|import\s|export\s|part\s|library\s|class\s|abstract\s|sealed\s|final\s|"
    r"const\s|var\s|enum\s|mixin\s|extension\s|typedef\s|void\s|late\s|static\s|"
    r"[A-Z_]\w*(<[^>\n]*>)?\??\s+(get\s+)?[_a-zA-Z]\w*\s*(\(|=>|\{|=|;)|return\s|[A-Z]\w*(\.\w+)?\()",
    re.M,
)


def strip_prompt_echo(text: str, prompt: str | None = None, instruction: str | None = None) -> str:
    """Drop a repeated prompt (or instruction line) from the start of ``text``."""
    if prompt and text.startswith(prompt):
        text = text[len(prompt):]
    if instruction:
        head = text.lstrip()
        first, _, rest = head.partition("\n")
        if first.strip().lower().rstrip(".:") == instruction.strip().lower().rstrip(".:"):
            text = rest
    return text


def fenced_block(text: str) -> str | None:
    """The body of the first markdown code fence (to the end if it never closes), or None."""
    opening = _FENCE.search(text)
    if opening is None:
        return None
    body = text[opening.end() + 1:] if opening.end() < len(text) else ""
    closing = _FENCE.search(body)
    return body[: closing.start()] if closing else body


def starts_with_code(text: str) -> bool:
    """The first line of ``text`` looks like Dart code (not prose)."""
    return _CODE_START.match(text) is not None


def strip_leading_prose(text: str) -> str:
    """Start at the first line that looks like Dart code (keep everything if none does)."""
    match = _CODE_START.search(text)
    return text[match.start():] if match else text


def extract_code(text: str, *, prompt: str | None = None, instruction: str | None = None,
                 cut_at_widget_end: bool = True) -> str:
    """Only the code of ``text``: no prompt echo, fences, leading prose or text after the widget."""
    text = strip_prompt_echo((text or "").replace("\r\n", "\n"), prompt, None)
    text = strip_prompt_echo(_SPECIAL.sub("", text), None, instruction)
    block = fenced_block(text)
    code = block if block is not None else strip_leading_prose(text)
    if cut_at_widget_end:
        end = widget_end(code)
        if end is not None:
            code = code[:end]
    return code.strip("\n").rstrip()
