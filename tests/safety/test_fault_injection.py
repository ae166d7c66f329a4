"""A harvest write, an adapter save, an export and an index build, each killed (SIGKILL) at 20 points
and each failing with ENOSPC: the previous artifact stays intact and loadable, no half-written folder
appears under the final name, and the error names the folder."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import fault_cases as fc
import pytest

from dataset_tools.artifacts import MARKER_NAME

KILL_POINTS = 20
ENOSPC_POINTS = 5


# --- the writes, run in the child ---------------------------------------------------------------------
def write_dataset(app: str, out: str, seed: int) -> None:
    from dataset_tools.dataset import DatasetConfig
    from dataset_tools.harvest import HarvestConfig
    from dataset_tools.pipeline import harvest_to_dataset

    # full: every run writes (an incremental one over an unchanged tree writes nothing to kill)
    harvest_to_dataset([app], Path(out), HarvestConfig(full=True), dataset_config=DatasetConfig(seed=seed))


def build_index(dataset: str, digest: str) -> None:
    from dataset_tools.atomic_io import read_jsonl
    from trainer.retrieval.index import RetrievalIndex

    records = read_jsonl(Path(dataset) / "train.jsonl")
    RetrievalIndex.build(records, digest).save(Path(dataset) / "retrieval")


def save_new_adapter(model_dir: str, adapters: str, seed: int) -> None:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from trainer.adapters import save_adapter

    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    model = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    save_adapter(model, AutoTokenizer.from_pretrained(model_dir), adapters, {"base": model_dir, "seed": seed})


def export(adapter: str, out: str) -> None:
    from trainer.export import merge_adapter

    merge_adapter(adapter, out)


# --- checks in the parent -------------------------------------------------------------------------------
def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_dataset(out: Path, seeds=(0, 1)) -> None:
    from dataset_tools.inputs import load_records

    assert load_records(out), out
    assert json.loads((out / "manifest.json").read_text())["seed"] in seeds
    assert json.loads((out / MARKER_NAME).read_text())["kind"] == "dataset"


def check_index(dataset: Path, digests) -> None:
    from dataset_tools.atomic_io import read_jsonl
    from trainer.retrieval.index import RetrievalIndex

    meta = json.loads((dataset / "retrieval" / "meta.json").read_text())
    assert meta["source_sha256"] in digests
    records = read_jsonl(dataset / "train.jsonl")
    assert RetrievalIndex.load(dataset / "retrieval", records, meta["source_sha256"]) is not None


def check_adapters(root: Path, first: Path, first_digest: str) -> None:
    from safetensors.torch import load_file

    from trainer.adapters import is_adapter_dir, latest_name

    assert digest(first / "adapter_model.safetensors") == first_digest
    for name in visible(root):
        folder = root / name
        if folder.is_dir():
            assert is_adapter_dir(folder) and load_file(str(folder / "adapter_model.safetensors")), name
            assert json.loads((folder / "flutter_tune.json").read_text())["seed"] in (0, 1)
    assert is_adapter_dir(root / latest_name(root))


def check_export(out: Path, adapters) -> None:
    from safetensors.torch import load_file

    assert load_file(str(out / "model.safetensors"))
    assert json.loads((out / "config.json").read_text())["model_type"]
    assert json.loads((out / "flutter_tune_export.json").read_text())["adapter"] in adapters


# --- the scenarios ---------------------------------------------------------------------------------------
def kill_everywhere(operation, prefix: Path, check) -> None:
    events, _ = fc.count_events(operation, prefix)
    points = fc.kill_points(events, KILL_POINTS)
    assert len(points) >= KILL_POINTS
    killed = 0
    for at, delay in points:
        code, text = fc.run(operation, prefix, "kill", at, delay)
        assert code in (-9, 0), text  # killed, or finished before a delayed kill landed
        killed += code == -9
        check()
    assert killed >= KILL_POINTS // 2


def fail_with_enospc(operation, prefix: Path, check, folder_in_message: Path) -> None:
    _, opens = fc.count_events(operation, prefix)
    assert opens >= 1
    before = leftovers(prefix)
    for at in sorted({1, opens, *range(1, opens + 1, max(1, opens // ENOSPC_POINTS))}):
        code, text = fc.run(operation, prefix, "enospc", at)
        assert code == 3, f"open #{at}: {text}"
        kind, message = text.split("\n", 1)
        assert kind == "FlutterTuneError", message
        assert str(folder_in_message) in message and "No space left on device" in message
        check()
        assert leftovers(prefix) == before  # the failed write removed its own temp folder


@pytest.fixture
def data_home(tmp_path):
    home = tmp_path / "data"
    home.mkdir()
    return home


def test_dataset_write_killed_or_out_of_space(examples_dir, data_home):
    app, out = str(examples_dir / "trail_journal"), data_home / "ds"
    write_dataset(app, str(out), 0)
    operation = functools.partial(write_dataset, app, str(out), 1)

    def check():
        check_dataset(out)
        assert visible(data_home) == ["ds"]

    kill_everywhere(operation, data_home, check)
    fail_with_enospc(operation, data_home, check, out)
    write_dataset(app, str(out), 0)  # the next write cleans up after the killed ones
    assert leftovers(data_home) == []
    check_dataset(out, seeds=(0,))


def test_index_build_killed_or_out_of_space(examples_dir, data_home):
    out = data_home / "ds"
    write_dataset(str(examples_dir / "trail_journal"), str(out), 0)
    build_index(str(out), "first")
    operation = functools.partial(build_index, str(out), "second")

    def check():
        check_index(out, ("first", "second"))
        assert sorted(visible(out)) == ["harvest_cache.jsonl", "manifest.json", "retrieval", "symbols.json.gz",
                                    "test.jsonl", "train.jsonl",
                                    "validation.jsonl"]

    kill_everywhere(operation, out, check)
    fail_with_enospc(operation, out, check, out / "retrieval")
    build_index(str(out), "third")
    assert leftovers(out) == []
    check_index(out, ("third",))


def test_adapter_save_killed_or_out_of_space(tiny_model_dir, data_home):
    root = data_home / "adapters"
    save_new_adapter(str(tiny_model_dir), str(root), 0)
    first = root / visible(root)[0]
    first_digest = digest(first / "adapter_model.safetensors")
    operation = functools.partial(save_new_adapter, str(tiny_model_dir), str(root), 1)
    check = functools.partial(check_adapters, root, first, first_digest)
    kill_everywhere(operation, root, check)
    fail_with_enospc(operation, root, check, root)
    save_new_adapter(str(tiny_model_dir), str(root), 0)  # the next save cleans up after the killed ones
    assert leftovers(root) == []


def test_export_killed_or_out_of_space(tiny_model_dir, data_home):
    from transformers import AutoModelForCausalLM

    root = data_home / "adapters"
    save_new_adapter(str(tiny_model_dir), str(root), 0)
    save_new_adapter(str(tiny_model_dir), str(root), 1)
    first, second = (str((root / name).resolve()) for name in visible(root) if (root / name).is_dir())
    out = data_home / "merged"
    export(first, str(out))
    operation = functools.partial(export, second, str(out))

    def check():
        check_export(out, (first, second))
        assert visible(data_home) == ["adapters", "merged"]

    kill_everywhere(operation, data_home, check)
    fail_with_enospc(operation, data_home, check, out)
    export(first, str(out))
    assert leftovers(data_home) == []
    assert AutoModelForCausalLM.from_pretrained(out) is not None
