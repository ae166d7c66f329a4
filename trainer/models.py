"""Base model resolution, device and quantization choice, and loading, with or without a LoRA adapter.

Names a user can give as a base model:
- ``"default"``: the embedded SmolLM2-135M-Instruct, converted once to safetensors (trainer.default_model);
- a local model folder (holding config.json + safetensors);
- a model-hub id, when online or already in the local hub cache.
Loading never runs remote code and reads safetensors only.

Device ``auto`` is CUDA, then Apple's MPS, then the CPU. Quantization ``auto`` (the default) is
8-bit on CUDA, where bitsandbytes has fast kernels and it is what makes a large base fit; none on the
CPU, where bitsandbytes dequantizes every 8-bit weight to float32 for each matmul and keeps each
layer's input for the backward (slower and larger: benchmarks/results/train_speed.md), unless the
float32 weights would not fit in memory; none on MPS, where bitsandbytes does not run.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import NULL_PROGRESS, Progress
from dataset_tools.settings import setting

DEFAULT_BASE = "default"
QUANTIZATIONS = ("auto", "8bit", "4bit", "none")
DEVICES = ("auto", "cpu", "cuda", "mps")
# On the CPU, ``auto`` loads in 8-bit only when the float32 weights would take more than this share of RAM.
CPU_FLOAT32_SHARE_OF_RAM = 0.4


@dataclass
class LoadSettings:
    """How a base model is loaded (training, evaluation and the torch backend): the one declaration of
    these two settings; ``auto`` is resolved per device by ``resolve_quantization`` and ``pick_device``."""

    quantization: str = setting(
        "auto", choices=QUANTIZATIONS, flag="--quantization",
        help="auto (default): 8bit on CUDA (fast kernels, large bases fit); none on the CPU, where bitsandbytes' "
             "8-bit was measured slower and larger in memory than float32 (benchmarks/results/train_speed.md), "
             "unless the float32 weights would not fit in RAM; none on Apple MPS, which bitsandbytes does not "
             "support")
    device: str = setting("auto", choices=DEVICES, flag="--device",
                          help="auto (default): CUDA, then Apple MPS, then the CPU")


class _DropBnbNoise(logging.Filter):
    """bitsandbytes logs, on every 8-bit matmul, that float32 inputs are cast (expected on CPU), and at
    import that an optional 4-bit CPU kernel package is absent (it falls back by itself): both hidden."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "will be cast from" not in message and "kernels-community" not in message


logging.getLogger("bitsandbytes.autograd._functions").addFilter(_DropBnbNoise())
logging.getLogger("bitsandbytes.backends.cpu.ops").addFilter(_DropBnbNoise())


def _offline() -> bool:
    return any(os.environ.get(k, "").strip().lower() in ("1", "true", "yes", "on")
               for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def resolve_base(name: str) -> str:
    """Turn a base-model name into something ``from_pretrained`` can load without surprises.

    ``"default"`` → the converted SmolLM2 folder (converting it on first use); an existing local
    folder → its absolute path; anything else is treated as a hub id and returned unchanged,
    or a FlutterTuneError when offline and not in the local hub cache.
    """
    name = (name or DEFAULT_BASE).strip()
    if name == DEFAULT_BASE:
        from .default_model import ensure_default_model

        return str(ensure_default_model())
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise FlutterTuneError(f"The base model folder {path} has no config.json. "
                                   "Point --base at a transformers model folder, or use 'default'.")
        return str(path.resolve())
    if path.exists():
        raise FlutterTuneError(f"The base model {path} is a file, not a model folder.")
    if not HUB_ID.match(name):
        raise FlutterTuneError(
            f"Unknown base model '{name}': no such folder, and it is not a hub id (owner/name). "
            "Use 'default', a local model folder, or a hub id such as HuggingFaceTB/SmolLM2-135M-Instruct."
        )
    if _offline():
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(name, "config.json")
        if not isinstance(cached, str):
            raise FlutterTuneError(
                f"The base model '{name}' is neither a local folder nor in the local hub cache, and the hub "
                "is offline (HF_HUB_OFFLINE is set). Download it while online, pass a local folder, or use 'default'."
            )
    return name


def _mps_available() -> bool:
    import torch

    return bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()


def pick_device(device: str = "auto") -> str:
    """``auto`` → ``"cuda"`` when a CUDA GPU is available, else ``"mps"`` (Apple GPU), else ``"cpu"``."""
    import torch

    device = (device or "auto").lower()
    if device not in DEVICES:
        raise FlutterTuneError(f"Unknown device '{device}'. Use one of: {', '.join(DEVICES)}.")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "mps" if _mps_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise FlutterTuneError("device 'cuda' was requested but no CUDA GPU is available. Use 'auto' or 'cpu'.")
    if device == "mps" and not _mps_available():
        raise FlutterTuneError("device 'mps' was requested but Apple's MPS backend is not available "
                               "(it needs an Apple-silicon Mac and a torch build with MPS). Use 'auto' or 'cpu'.")
    return device


def compute_dtype(device: str):
    """float32 on the CPU and MPS; bfloat16 on GPUs that support it, else float16."""
    import torch

    if device in ("cpu", "mps"):
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def float32_weight_bytes(path: str) -> int | None:
    """Bytes the model's weights take in float32, from its config alone (None when that cannot be told)."""
    try:
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM

        config = AutoConfig.from_pretrained(path, trust_remote_code=False)
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(config, trust_remote_code=False)
        return 4 * sum(p.numel() for p in model.parameters())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _physical_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def resolve_quantization(quantization: str, device: str, base_path: str | None = None) -> str:
    """The quantization to load with on ``device`` (a resolved device, not ``auto``).

    ``auto`` → ``8bit`` on CUDA; ``none`` on MPS; on the CPU ``none`` unless the float32 weights of
    ``base_path`` would take more than CPU_FLOAT32_SHARE_OF_RAM of the machine's memory. An explicit
    mode the device cannot run raises FlutterTuneError.
    """
    quantization = (quantization or "auto").lower()
    if quantization not in QUANTIZATIONS:
        raise FlutterTuneError(f"Unknown quantization '{quantization}'. Use one of: {', '.join(QUANTIZATIONS)}.")
    if quantization == "auto":
        if device == "cuda":
            return "8bit"
        if device == "cpu" and base_path is not None:
            weights, memory = float32_weight_bytes(base_path), _physical_memory_bytes()
            if weights and memory and weights > CPU_FLOAT32_SHARE_OF_RAM * memory:
                return "8bit"
        return "none"
    if quantization != "none":
        if device == "mps":
            raise FlutterTuneError(f"quantization '{quantization}' needs bitsandbytes, which does not run on Apple's "
                                   "MPS device. Use quantization 'none' or 'auto', or device 'cpu'.")
        try:
            import bitsandbytes  # noqa: F401
        except ImportError as exc:
            raise FlutterTuneError(f"quantization '{quantization}' needs the bitsandbytes package, which cannot be "
                                   f"imported here ({exc}). Install it, or use quantization 'none' or 'auto'.") from exc
    return quantization


def quantization_config(quantization: str, device: str):
    """The BitsAndBytesConfig for a resolved ``quantization`` (None for ``"none"``)."""
    from transformers import BitsAndBytesConfig

    if quantization not in QUANTIZATIONS or quantization == "auto":
        raise FlutterTuneError(f"Unknown quantization '{quantization}'. Use one of: {', '.join(QUANTIZATIONS)}.")
    if quantization == "8bit":
        return BitsAndBytesConfig(load_in_8bit=True)
    if quantization == "4bit":
        return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                  bnb_4bit_compute_dtype=compute_dtype(device))
    return None


def load_tokenizer(path: str):
    """The model's tokenizer, with a pad token (EOS when the model has none)."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=False)
    except (OSError, ValueError) as exc:
        raise FlutterTuneError(f"Cannot load the tokenizer of base model '{path}': {exc}") from exc
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_base(name: str = DEFAULT_BASE, quantization: str = "auto", device: str = "auto",
              for_training: bool = False, progress: Progress = NULL_PROGRESS):
    """Load a base model and its tokenizer → ``(model, tokenizer)``.

    ``quantization`` and ``device`` may be ``auto`` (resolve_quantization, pick_device). Quantized with
    bitsandbytes for ``8bit``/``4bit``; with ``for_training`` a quantized model is prepared for k-bit
    training (norms in float32, input grads on, no gradient checkpointing).
    """
    from transformers import AutoModelForCausalLM

    path = resolve_base(name)
    device = pick_device(device)
    qconfig = quantization_config(resolve_quantization(quantization, device, path), device)
    progress.start(f"Loading {name}", None)
    tokenizer = load_tokenizer(path)
    try:
        model = AutoModelForCausalLM.from_pretrained(
            path, quantization_config=qconfig, dtype=compute_dtype(device), device_map={"": device},
            use_safetensors=True, trust_remote_code=False,
        )
    except (OSError, ValueError) as exc:
        raise FlutterTuneError(f"Cannot load base model '{name}' ({path}): {exc}") from exc
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    if for_training and qconfig is not None:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    if not for_training:
        model.eval()
    progress.finish("loaded")
    return model, tokenizer


def same_base(a_name: str, a_path: str | None, b_name: str, b_path: str | None) -> bool:
    """Whether two (name, resolved path) pairs denote the same base model."""
    if a_name == b_name:
        return True
    return bool(a_path and b_path and os.path.normpath(a_path) == os.path.normpath(b_path))


def check_adapter_base(base: str | None, adapter: str | Path | None) -> tuple[str, dict]:
    """The base to serve ``adapter`` on (its own base when ``base`` is None) and the adapter's metadata.

    Raises FlutterTuneError for a folder that is not an adapter, or one trained on another base.
    """
    from .adapters import adapter_base, read_metadata

    if adapter is None:
        return base or DEFAULT_BASE, {}
    adapter_path = Path(adapter).expanduser()
    if not (adapter_path / "adapter_config.json").is_file():
        raise FlutterTuneError(f"{adapter_path} is not a LoRA adapter folder (no adapter_config.json). "
                               "Train one with `flutter-tune train` or pick another folder.")
    metadata = read_metadata(adapter_path)
    trained_name, trained_path = adapter_base(adapter_path)
    if base is None:
        base = trained_name or DEFAULT_BASE
    base_path = resolve_base(base)
    if trained_name and not same_base(trained_name, trained_path, base, base_path):
        raise FlutterTuneError(
            f"The adapter {adapter_path} was trained on base model '{trained_name}', "
            f"but the base model in use is '{base}'. Switch the base model to '{trained_name}' "
            "or choose an adapter trained on this base."
        )
    return base, metadata


def load_for_inference(base: str | None = DEFAULT_BASE, adapter: str | Path | None = None,
                       quantization: str = "auto", device: str = "auto", progress: Progress = NULL_PROGRESS):
    """Load a base model (+ optional LoRA adapter folder) for generation → ``(model, tokenizer, info)``.

    ``base=None`` means "the adapter's own base" (or the default model when there is no adapter).
    An adapter trained on another base raises FlutterTuneError naming both. ``info`` holds
    ``base``, ``base_path``, ``adapter`` (str or None), ``quantization`` and ``device`` (as resolved), ``metadata``.
    """
    base, metadata = check_adapter_base(base, adapter)
    adapter_path = Path(adapter).expanduser() if adapter is not None else None
    device = pick_device(device)
    quantization = resolve_quantization(quantization, device, resolve_base(base))
    model, tokenizer = load_base(base, quantization=quantization, device=device, progress=progress)
    if adapter_path is not None:
        from peft import PeftModel

        try:
            model = PeftModel.from_pretrained(model, str(adapter_path), is_trainable=False)
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise FlutterTuneError(f"Cannot load the adapter {adapter_path} on base '{base}': {exc}") from exc
        model.eval()
    info = {
        "base": base, "base_path": resolve_base(base), "adapter": str(adapter_path) if adapter_path else None,
        "quantization": quantization, "device": device, "metadata": metadata,
    }
    return model, tokenizer, info
