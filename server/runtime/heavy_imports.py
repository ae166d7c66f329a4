"""Heavy imports and model loads, one thread at a time.

transformers resolves most names lazily on first use; two threads doing that first resolution
at the same time (a model load next to a training run importing trl) can fail with
``ImportError: cannot import name ...``. Loading also switches process-wide state (default dtype,
weight-init patches), so two loads in parallel can leave a model with garbage buffers (NaN logits).
Background work calls ``warm()`` before starting, and every model load (generation model,
training's base, evaluation's models) happens under ``HEAVY_LOCK``.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)
HEAVY_LOCK = threading.RLock()
_done: set[str] = set()


def _inference() -> None:
    import torch  # noqa: F401
    from peft import PeftModel  # noqa: F401
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig  # noqa: F401


def _onnx() -> None:
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401


def _training() -> None:
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training  # noqa: F401
    from transformers import EarlyStoppingCallback, Trainer, TrainerCallback  # noqa: F401
    from trl import SFTConfig, SFTTrainer  # noqa: F401


def _model_class(base_path: str) -> None:
    """Import the model class of ``base_path`` (e.g. LlamaForCausalLM) so loading it imports nothing."""
    from transformers import AutoConfig
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING

    config = AutoConfig.from_pretrained(base_path, trust_remote_code=False)
    MODEL_FOR_CAUSAL_LM_MAPPING[type(config)]


def warm(kind: str = "inference", base_path: str | None = None) -> None:
    """Import what ``kind`` ("onnx", "inference" or "training") needs, under the lock, once."""
    with HEAVY_LOCK:
        if kind == "onnx":  # the ONNX serving path never imports torch
            if "onnx" not in _done:
                _onnx()
                _done.add("onnx")
            return
        if "inference" not in _done:
            _inference()
            _done.add("inference")
        if kind == "training" and "training" not in _done:
            _training()
            _done.add("training")
        if base_path and f"model:{base_path}" not in _done:
            try:
                _model_class(base_path)
                _done.add(f"model:{base_path}")
            except Exception as exc:  # loading will report a real problem with a better message
                logger.info("could not pre-import the model class of %s: %s", base_path, exc)
