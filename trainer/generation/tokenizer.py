"""A tokenizer without transformers or torch: the model's ``tokenizer.json`` plus its chat template.

The ONNX serving path must not import torch (it would double the server's memory), but the prompt
is built with :func:`trainer.prompt.format_prompt`, which needs the chat template the way
transformers renders it. ``LightTokenizer`` implements the part of the transformers tokenizer API
that prompt building, retrieval and decoding use, with the same Jinja settings transformers uses
(a test compares both renderings).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from dataset_tools.errors import FlutterTuneError


class LightTokenizer:
    """``tokenizers.Tokenizer`` + chat template, shaped like a transformers tokenizer."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        folder = Path(folder)
        try:
            self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
            config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, Exception) as exc:  # tokenizers raises a bare Exception
            raise FlutterTuneError(f"Cannot read the tokenizer in {folder}: {exc}") from exc
        template_file = folder / "chat_template.jinja"
        self.chat_template = (template_file.read_text(encoding="utf-8") if template_file.is_file()
                              else config.get("chat_template"))
        self.special = {name: _token_text(config.get(name)) for name in
                        ("bos_token", "eos_token", "pad_token", "unk_token")}
        self.eos_token = self.special["eos_token"]
        self.pad_token = self.special["pad_token"] or self.eos_token
        self.eos_token_id = self.convert_tokens_to_ids(self.eos_token) if self.eos_token else None
        self.pad_token_id = self.convert_tokens_to_ids(self.pad_token) if self.pad_token else None

    # --- the transformers tokenizer API subset ------------------------------------------------------
    def __call__(self, text: str, add_special_tokens: bool = False) -> dict:
        return {"input_ids": self.encode(text, add_special_tokens=add_special_tokens)}

    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        return self._tok.encode(text, add_special_tokens=add_special_tokens).ids

    def decode(self, ids, skip_special_tokens: bool = True) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def get_vocab(self) -> dict[str, int]:
        return self._tok.get_vocab(with_added_tokens=True)

    def convert_tokens_to_ids(self, token: str) -> int | None:
        return self._tok.token_to_id(token)

    def __len__(self) -> int:
        return self._tok.get_vocab_size(with_added_tokens=True)

    @property
    def backend_tokenizer(self):
        """The ``tokenizers.Tokenizer`` (as a fast transformers tokenizer's)."""
        return self._tok

    @cached_property
    def _template(self):
        import jinja2
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        def raise_exception(message):
            raise jinja2.exceptions.TemplateError(message)

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                            extensions=["jinja2.ext.loopcontrols"])
        env.filters["tojson"] = lambda value, **kw: json.dumps(value, ensure_ascii=False, **kw)
        env.globals["raise_exception"] = raise_exception
        return env.from_string(self.chat_template)

    def apply_chat_template(self, messages: list[dict], tokenize: bool = False,
                            add_generation_prompt: bool = True) -> str:
        if not self.chat_template:
            raise FlutterTuneError("This tokenizer has no chat template.")
        text = self._template.render(messages=messages, add_generation_prompt=add_generation_prompt,
                                     **{k: v for k, v in self.special.items() if v is not None})
        return self.encode(text) if tokenize else text


def _token_text(value) -> str | None:
    if isinstance(value, dict):  # {"content": "<|im_end|>", ...}
        return value.get("content")
    return value
