"""The model that serves generation: which backend, and the ONNX serving models built once and cached.

``load_serving(base, adapter, backend=...)`` returns a :class:`ServingModel` for either backend:

- ``onnx`` — a model built by the ONNX Runtime GenAI model builder with int8 weights
  (``accuracy_level=4``), run by ONNX Runtime (:mod:`trainer.generation.onnx_decoder`): measured
  several times the tokens/s of transformers fp32 on a 2-core CPU (benchmarks/results/generate_speed.md).
  The adapter is merged into its base and the result exported once per (base, adapter, precision) into
  ``<cache home>/serving/<key>/``, where ``key`` hashes the contents of the base model files, the
  adapter files, the precision and the builder's version. The export runs in a child process (it
  needs torch, the serving process does not), written atomically under a file lock; the newest
  ``KEEP_SERVING_MODELS`` are kept. Merging per adapter was measured against a base exported with
  LoRA inputs and adapters switched at run time; see ``benchmarks/results/generate_speed.md``.
- ``torch`` — transformers, for CUDA, 8/4-bit bitsandbytes and as the fallback.

``backend="auto"`` is onnx on the CPU and torch on CUDA. The serving process of the onnx backend
never imports torch (its tokenizer is :class:`trainer.generation.tokenizer.LightTokenizer`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataset_tools.artifacts import artifact_dir, is_artifact, remove_artifact
from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import NULL_PROGRESS, Progress
from dataset_tools.settings import setting

BACKENDS = ("auto", "onnx", "torch")
PRECISIONS = ("int8", "int4", "fp32")  # fp32: for tests and benchmarks (exact comparison with torch)
DEFAULT_PRECISION = "int8"  # int4 ran ~30% faster, but the 135M model fell into repetition loops
ACCURACY_LEVEL = 4  # int8 activations in MatMulNBits: the fast path on CPUs with VNNI
KEEP_SERVING_MODELS = 4
IN_USE_S = 3600  # a serving model used within the last hour is never evicted
SERVING_KIND = "serving-model"
SERVING_INFO = "flutter_tune_serving.json"
DEFAULT_CONTEXT = 2048  # tokens, for a model whose config does not say
FIRST_EXPORT_S_PER_GB = 30.0  # an int8 export with its adapter merged, per GB of base weights (2 cores)
_HASHED_SUFFIXES = (".json", ".safetensors", ".jinja", ".model", ".txt")


@dataclass
class BackendSetting:
    """Which runtime generates: the one declaration of the ``backend`` setting (``resolve_backend`` reads it)."""

    backend: str = setting("auto", choices=BACKENDS, flag="--backend",
                           help="auto (default): ONNX Runtime int8 on the CPU, transformers on CUDA")


@dataclass
class ServingModel:
    """A model ready to decode candidates: ``session(prompt_ids, n, max_new_tokens)`` starts one."""

    backend: str
    tokenizer: Any
    context_length: int
    eos_ids: set[int]
    info: dict = field(default_factory=dict)
    model: Any = None  # the torch model (torch backend): evaluation's loss needs it
    onnx_model: Any = None  # trainer.generation.onnx_decoder.OnnxDecoder (onnx backend)

    def session(self, prompt_ids: list[int], n: int, max_new_tokens: int):
        from .backends import OnnxSession, TorchSession

        if self.backend == "onnx":
            return OnnxSession(self.onnx_model, prompt_ids, n, max_new_tokens)
        return TorchSession(self.model, prompt_ids, n, max_new_tokens)


# --- which backend --------------------------------------------------------------------------------
def gpu_driver_present() -> bool:
    """An NVIDIA driver is visible (checked without importing torch)."""
    return Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None


def onnx_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnxruntime_genai"))


def resolve_backend(backend: str = "auto", device: str = "auto") -> str:
    """``onnx`` or ``torch`` for the setting ``backend`` on ``device`` (auto: onnx on CPU, torch on CUDA)."""
    backend = (backend or "auto").lower()
    if backend not in BACKENDS:
        raise FlutterTuneError(f"Unknown backend '{backend}'. Use one of: {', '.join(BACKENDS)} "
                               "(setting flutterTune.backend / --backend).")
    if backend == "auto":
        on_gpu = device == "cuda" or (device in ("auto", None) and gpu_driver_present() and _cuda_usable())
        backend = "torch" if on_gpu or not onnx_available() else "onnx"
    if backend == "onnx" and not onnx_available():
        raise FlutterTuneError("The onnx backend needs the package onnxruntime-genai; install it "
                               "(`pip install onnxruntime-genai`) or set the backend to 'torch'.")
    if backend == "onnx" and device == "cuda":
        raise FlutterTuneError("The onnx backend serves on the CPU here; with device 'cuda' use backend "
                               "'torch' or 'auto'.")
    return backend


def _cuda_usable() -> bool:
    import torch

    return torch.cuda.is_available()


# --- content hashes ----------------------------------------------------------------------------------
_file_hashes: dict[tuple, str] = {}


def file_sha256(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _file_hashes:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        _file_hashes[key] = digest.hexdigest()
    return _file_hashes[key]


def folder_hash(folder: Path) -> str:
    """SHA-256 over the names and contents of a model or adapter folder's weights, configs and tokenizer."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).iterdir()):
        if path.is_file() and path.suffix in _HASHED_SUFFIXES and not path.name.startswith("."):
            digest.update(f"{path.name}\0{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def builder_version() -> str:
    from importlib.metadata import version

    return version("onnxruntime-genai")


def serving_key(base_path: Path, adapter: Path | None, precision: str) -> str:
    from .onnx_export import BUILD_OPTIONS, EMBEDDING_DTYPE

    parts = [builder_version(), precision, str(ACCURACY_LEVEL), *BUILD_OPTIONS, f"embedding={EMBEDDING_DTYPE}",
             folder_hash(base_path),
             folder_hash(adapter) if adapter is not None else "-"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def serving_root() -> Path:
    from dataset_tools.paths import default_cache_home

    return default_cache_home() / "serving"


# --- building ----------------------------------------------------------------------------------------
def ensure_serving_model(base_path: Path, adapter: Path | None, precision: str = DEFAULT_PRECISION,
                         progress: Progress = NULL_PROGRESS, root: Path | None = None) -> Path:
    """The ONNX serving folder for (base, adapter, precision), exporting it first when needed."""
    from filelock import FileLock

    if precision not in PRECISIONS:
        raise FlutterTuneError(f"Unknown ONNX precision '{precision}'. Use one of: {', '.join(PRECISIONS)}.")
    root = Path(root) if root is not None else serving_root()
    key = serving_key(Path(base_path), adapter, precision)
    folder = root / key
    if _complete(folder):
        _touch(folder)
        return folder
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / f".{key}.lock")):
        if _complete(folder):  # another process built it while we waited
            _touch(folder)
            return folder
        what = f"{Path(base_path).name}" + (f" + {adapter.name}" if adapter is not None else "")
        progress.start(f"Preparing the fast CPU model for {what} (once)", None)
        started = time.monotonic()
        with artifact_dir(folder, SERVING_KIND, hint=", or set FLUTTER_TUNE_CACHE to another folder") as tmp:
            _export(Path(base_path), adapter, precision, tmp)
            (tmp / SERVING_INFO).write_text(json.dumps({
                "base_path": str(base_path), "adapter": str(adapter) if adapter else None, "precision": precision,
                "accuracy_level": ACCURACY_LEVEL, "builder": builder_version(),
                "seconds": round(time.monotonic() - started, 1)}, indent=2), encoding="utf-8")
        progress.finish(f"ready in {time.monotonic() - started:.0f} s")
    _evict(root, keep=folder)
    return folder


def _complete(folder: Path) -> bool:
    return is_artifact(folder, SERVING_KIND) and (folder / "genai_config.json").is_file() \
        and (folder / SERVING_INFO).is_file()


def _touch(folder: Path) -> None:
    try:
        os.utime(folder / SERVING_INFO)
    except OSError:
        pass


def _evict(root: Path, keep: Path) -> None:
    """Remove all but the ``KEEP_SERVING_MODELS`` most recently used serving models (ours only), never
    one used in the last ``IN_USE_S`` seconds (another process may be about to load it)."""
    found = [p for p in root.iterdir() if not p.name.startswith(".") and _complete(p)]
    found.sort(key=lambda p: (p == keep, (p / SERVING_INFO).stat().st_mtime), reverse=True)
    now = time.time()
    for old in found[KEEP_SERVING_MODELS:]:
        if now - (old / SERVING_INFO).stat().st_mtime > IN_USE_S:
            remove_artifact(old, SERVING_KIND)


def _export(base_path: Path, adapter: Path | None, precision: str, out: Path) -> None:
    """Run the export in a child process (torch, peft and the builder stay out of this process)."""
    command = [sys.executable, "-m", "trainer.generation.onnx_export", "--base", str(base_path),
               "--precision", precision, "--accuracy-level", str(ACCURACY_LEVEL), "--out", str(out)]
    if adapter is not None:
        command += ["--adapter", str(adapter)]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}
    root = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    log = out / "export.log"
    with open(log, "wb") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=str(root))
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        raise FlutterTuneError(f"Exporting the ONNX serving model failed ({' | '.join(tail)}). "
                               "Set the backend to 'torch' to generate without it.")
    log.unlink(missing_ok=True)


def export_estimate_s(base_path: Path, backend: str = "auto", device: str = "auto", root: Path | None = None) -> float:
    """Seconds ``prepare_after_training`` will take: 0 off the onnx backend; else the longest export of
    this base the cache has timed (each serving folder records its own), or ``FIRST_EXPORT_S_PER_GB``
    per GB of the base's weights when none has been timed here."""
    if resolve_backend(backend, device) != "onnx":
        return 0.0
    root = Path(root) if root is not None else serving_root()
    timed = []
    for folder in (root.iterdir() if root.is_dir() else ()):
        try:
            info = json.loads((folder / SERVING_INFO).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict) and info.get("base_path") == str(base_path) and \
                isinstance(info.get("seconds"), (int, float)):
            timed.append(float(info["seconds"]))
    if timed:
        return max(timed)
    weights = sum(f.stat().st_size for f in Path(base_path).glob("*.safetensors"))
    return FIRST_EXPORT_S_PER_GB * weights / 1e9


def prepare_after_training(adapter: Path, base: str, backend: str = "auto", device: str = "auto",
                           progress: Progress = NULL_PROGRESS) -> Path | None:
    """Export the new adapter's serving model now, as part of the training job, so that the first
    generation with it does not wait for the export; None when the backend is not onnx."""
    if resolve_backend(backend, device) != "onnx":
        return None
    from ..models import resolve_base

    return ensure_serving_model(Path(resolve_base(base)), Path(adapter), DEFAULT_PRECISION, progress)


# --- loading -------------------------------------------------------------------------------------------
def eos_ids(tokenizer, *extra) -> set[int]:
    ids = set()
    for source in (getattr(tokenizer, "eos_token_id", None), *extra):
        if isinstance(source, int):
            ids.add(source)
        elif source:
            ids.update(int(i) for i in source)
    vocab = tokenizer.get_vocab()
    for token in ("<|im_end|>", "<|endoftext|>"):
        if token in vocab:
            ids.add(int(vocab[token]))
    return ids


def load_onnx(folder: Path, info: dict) -> ServingModel:
    """The serving model in ``folder`` on ONNX Runtime, with every usable CPU (its default counts
    physical cores, one here, which measured 20-25% slower)."""
    from ..hardware import usable_cpus
    from .onnx_decoder import OnnxDecoder
    from .tokenizer import LightTokenizer

    config = json.loads((folder / "genai_config.json").read_text(encoding="utf-8"))["model"]
    try:
        decoder = OnnxDecoder(folder, usable_cpus())
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph/RuntimeError
        raise FlutterTuneError(f"Cannot load the ONNX serving model in {folder}: {exc}") from exc
    tokenizer = LightTokenizer(folder)
    return ServingModel("onnx", tokenizer, int(config.get("context_length", DEFAULT_CONTEXT)),
                        eos_ids(tokenizer, config.get("eos_token_id")), info, onnx_model=decoder)


def from_torch(model, tokenizer, info: dict | None = None) -> ServingModel:
    """Wrap a loaded transformers model (with or without a PEFT adapter) for candidate decoding."""
    config = getattr(model, "config", None)
    context = int(getattr(config, "max_position_embeddings", None) or DEFAULT_CONTEXT)
    generation = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    return ServingModel("torch", tokenizer, context, eos_ids(tokenizer, generation),
                        dict(info or {}, backend="torch"), model=model)


def load_serving(base: str | None, adapter: Path | None, *, backend: str = "auto", quantization: str = "auto",
                 device: str = "auto", precision: str = DEFAULT_PRECISION,
                 progress: Progress = NULL_PROGRESS) -> ServingModel:
    """The serving model for ``base`` (+ ``adapter``) on the resolved backend (see module docstring)."""
    chosen = resolve_backend(backend, device)
    if chosen == "torch":
        from ..models import load_for_inference

        model, tokenizer, info = load_for_inference(base, adapter, quantization=quantization, device=device,
                                                    progress=progress)
        return from_torch(model, tokenizer, info)
    from ..models import check_adapter_base, resolve_base

    base, metadata = check_adapter_base(base, adapter)
    base_path = Path(resolve_base(base))
    folder = ensure_serving_model(base_path, adapter, precision, progress)
    progress.start(f"Loading {base}" + (f" + {adapter.name}" if adapter else ""), None)
    info = {"base": base, "base_path": str(base_path), "adapter": str(adapter) if adapter else None,
            "quantization": precision, "device": "cpu", "backend": "onnx", "serving_dir": str(folder),
            "metadata": metadata}
    if not (folder / "genai_config.json").is_file():  # removed by another process meanwhile: export again
        folder = ensure_serving_model(base_path, adapter, precision, progress)
    serving = load_onnx(folder, info)
    progress.finish("loaded")
    return serving
