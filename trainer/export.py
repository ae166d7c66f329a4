"""Export an adapter: merge LoRA weights into a full-precision copy of its base model.

The result is a plain transformers model folder (config + safetensors + tokenizer) that loads
with ``AutoModelForCausalLM.from_pretrained`` and no peft, written atomically.
"""

from __future__ import annotations

from pathlib import Path

from dataset_tools.artifacts import artifact_dir, check_replaceable
from dataset_tools.atomic_io import write_json_atomic
from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import NULL_PROGRESS, Progress

from .adapters import adapter_base, is_adapter_dir, read_metadata


def merge_adapter(adapter: str | Path, out_dir: str | Path, base: str | None = None,
                  progress: Progress = NULL_PROGRESS) -> Path:
    """Merge ``adapter`` into its base (loaded unquantized, float32) and save to ``out_dir``."""
    import torch
    from peft import PeftModel

    from .models import DEFAULT_BASE, load_base, resolve_base, same_base

    adapter = Path(adapter).expanduser()
    if not is_adapter_dir(adapter):
        raise FlutterTuneError(f"{adapter} is not a LoRA adapter folder (no adapter_config.json).")
    trained_name, trained_path = adapter_base(adapter)
    base = base or trained_name or DEFAULT_BASE
    if trained_name and not same_base(trained_name, trained_path, base, resolve_base(base)):
        raise FlutterTuneError(f"The adapter {adapter} was trained on base model '{trained_name}', not '{base}'.")
    out_dir = Path(out_dir).expanduser()
    if out_dir.resolve() == adapter.resolve():
        raise FlutterTuneError("The export folder must differ from the adapter folder.")
    check_replaceable(out_dir, "merged-model", " with -o")  # before the slow merge
    progress.start("Merging adapter", 3)
    model, tokenizer = load_base(base, quantization="none", device="cpu")
    model = model.to(torch.float32)
    progress.advance(1, "base loaded")
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    progress.advance(1, "merged")
    with artifact_dir(out_dir, "merged-model", hint=" or choose another -o folder") as tmp:
        merged.save_pretrained(str(tmp), safe_serialization=True)
        tokenizer.save_pretrained(str(tmp))
        write_json_atomic(tmp / "flutter_tune_export.json", {
            "base": base, "adapter": str(adapter.resolve()), "adapter_metadata": read_metadata(adapter)})
    progress.advance(1, "saved")
    progress.finish(f"merged model saved to {out_dir}")
    return out_dir
