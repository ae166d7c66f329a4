"""The ONNX backend on the tiny random model, exported through the same path as real models."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from dataset_tools.artifacts import MARKER_NAME
from dataset_tools.errors import FlutterTuneError
from trainer.generation.decoding import DecodeConfig
from trainer.generation.generate import GenerationSettings, generate_code
from trainer.generation import serving
from trainer.generation.serving import ensure_serving_model, from_torch, load_onnx
from trainer.generation.tokenizer import LightTokenizer
from trainer.prompt import Example, format_prompt


@pytest.fixture(scope="module")
def serving_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serving")


@pytest.fixture(scope="module")
def tiny_fp32(tiny_model_dir, serving_root):
    return ensure_serving_model(tiny_model_dir, None, "fp32", root=serving_root)


def lora_adapter(base_dir: Path, out: Path, seed: int) -> Path:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(base_dir),
                           LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    model.save_pretrained(out, safe_serialization=True)
    return out


def test_light_tokenizer_renders_and_encodes_like_transformers(smollm_tokenizer, smollm_tokenizer_dir):
    light = LightTokenizer(smollm_tokenizer_dir)
    examples = [Example("A red box", "Container(color: Colors.red)"), Example("A title", "Text('t')", "input")]
    for tokenizer_examples in ((), examples):
        expected = format_prompt(smollm_tokenizer, "A card's title", "final x = 1;", tokenizer_examples)
        assert format_prompt(light, "A card's title", "final x = 1;", tokenizer_examples) == expected
        assert light(expected)["input_ids"] == smollm_tokenizer(expected, add_special_tokens=False)["input_ids"]
    ids = smollm_tokenizer("class Café {}", add_special_tokens=False)["input_ids"]
    assert light.decode(ids) == smollm_tokenizer.decode(ids)
    assert light.eos_token == smollm_tokenizer.eos_token and light.eos_token_id == smollm_tokenizer.eos_token_id


def test_export_is_cached_marked_and_keyed_by_content(tiny_model_dir, tiny_fp32, serving_root, tmp_path,
                                                      monkeypatch):
    assert json.loads((tiny_fp32 / MARKER_NAME).read_text())["kind"] == "serving-model"
    assert (tiny_fp32 / "genai_config.json").is_file() and not (tiny_fp32 / "export.log").exists()
    exports = []
    real = serving._export
    monkeypatch.setattr(serving, "_export", lambda *a: (exports.append(a), real(*a)))
    assert ensure_serving_model(tiny_model_dir, None, "fp32", root=serving_root) == tiny_fp32
    assert exports == []  # cached
    adapter = lora_adapter(tiny_model_dir, tmp_path / "adapter", seed=1)
    first = ensure_serving_model(tiny_model_dir, adapter, "int8", root=serving_root)
    lora_adapter(tiny_model_dir, adapter, seed=2)  # the adapter's weights change: a new export
    second = ensure_serving_model(tiny_model_dir, adapter, "int8", root=serving_root)
    assert first != second and first.is_dir() and len(exports) == 2


def test_concurrent_requests_export_once(tiny_model_dir, tmp_path, monkeypatch):
    exports = []
    real = serving._export
    monkeypatch.setattr(serving, "_export", lambda *a: (exports.append(a), real(*a)))
    root = tmp_path / "serving"
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        ensure_serving_model(tiny_model_dir, None, "int8", root=root))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(exports) == 1 and len(set(results)) == 1


def test_a_failed_export_leaves_nothing_under_the_final_name(tiny_model_dir, tmp_path, monkeypatch):
    def broken(base, adapter, precision, out):
        (out / "model.onnx").write_bytes(b"half")
        raise FlutterTuneError("Exporting the ONNX serving model failed (simulated).")

    monkeypatch.setattr(serving, "_export", broken)
    root = tmp_path / "serving"
    with pytest.raises(FlutterTuneError, match="simulated"):
        ensure_serving_model(tiny_model_dir, None, "int8", root=root)
    assert [p.name for p in root.iterdir() if not p.name.endswith(".lock")] == []


def test_fp32_onnx_greedy_matches_torch(tiny, tiny_fp32):
    model, tokenizer = tiny
    settings = GenerationSettings(max_new_tokens=12, decode=DecodeConfig.unguarded(), seed=0)
    onnx = generate_code(load_onnx(tiny_fp32, {}), None, "A card", settings=settings)
    torch_ = generate_code(from_torch(model, tokenizer), None, "A card", settings=settings)
    greedy = [next(c for c in r.candidates if c.index == 0) for r in (onnx, torch_)]
    assert onnx.backend == "onnx" and torch_.backend == "torch"
    assert greedy[0].token_ids == greedy[1].token_ids
    assert np.isclose(greedy[0].mean_logprob, greedy[1].mean_logprob, atol=1e-3)


def test_int8_exports_store_the_embedding_in_float16_and_read_the_same_rows(tiny_model_dir, tmp_path,
                                                                             monkeypatch):
    import shutil

    import onnx_ir as ir

    from trainer.generation import onnx_export

    monkeypatch.setattr(onnx_export, "EMBEDDING_DTYPE", "float32")
    full = tmp_path / "float32"
    onnx_export.export(Path(tiny_model_dir), None, "int8", serving.ACCURACY_LEVEL, full)
    halved = tmp_path / "float16"
    shutil.copytree(full, halved)
    onnx_export.halve_embedding(halved / "model.onnx")
    graph = ir.load(halved / "model.onnx").graph
    assert graph.initializers["model.embed_tokens.weight.float16"].dtype == ir.DataType.FLOAT16
    assert "model.embed_tokens.weight" not in graph.initializers
    assert (halved / "model.onnx.data").stat().st_size < (full / "model.onnx.data").stat().st_size
    prompt = list(range(3, 40))
    sessions = [load_onnx(folder, {}).session(prompt, 1, 4) for folder in (full, halved)]
    for _ in range(4):
        a, b = (s.logits()[0] for s in sessions)
        # (the int8 layers quantize their inputs too, which spreads the rounding a little)
        assert np.allclose(a, b, atol=1e-2 * np.abs(a).max()) and a.argmax() == b.argmax()
        for s in sessions:
            s.advance(np.array([a.argmax()], dtype=np.int32))


def test_int8_onnx_writes_checked_candidates_and_cancels(tiny_model_dir, serving_root):
    model = load_onnx(ensure_serving_model(tiny_model_dir, None, "int8", root=serving_root), {})
    result = generate_code(model, None, "A card", settings=GenerationSettings(max_new_tokens=20, candidates=4,
                                                                              seed=3))
    assert 1 <= len(result.candidates) <= 4 and result.total_tokens > 0
    assert all(set(c.checks) >= {"parses", "declaresWidget"} for c in result.candidates)
    cancel = threading.Event()
    stopped = generate_code(model, None, "A card", settings=GenerationSettings(max_new_tokens=200, seed=3),
                            cancel=cancel, on_token=lambda step, text: step == 3 and cancel.set())
    assert stopped.stop_reason == "cancelled" and stopped.best.new_tokens <= 3


def test_a_restarted_session_continues_the_prompt_as_a_fresh_one(tiny_fp32):
    from trainer.generation.backends import OnnxSession

    model = load_onnx(tiny_fp32, {})
    prompt = list(range(5, 25))
    fresh = OnnxSession(model.onnx_model, prompt, 1, 8)
    reused = OnnxSession(model.onnx_model, prompt, 1, 8)
    for token in (3, 4, 5):
        reused.logits()
        reused.advance(np.array([token], dtype=np.int32))
    reused.advance(np.array([reused.rewind(0, [])]))  # back to the end of the prompt
    assert np.allclose(reused.logits(), fresh.logits(), atol=1e-4)
    reused.advance(np.array([7], dtype=np.int32))
    fresh.advance(np.array([7], dtype=np.int32))
    assert np.allclose(reused.logits(), fresh.logits(), atol=1e-4)


def test_a_rewound_session_continues_from_the_tokens_kept(tiny_fp32):
    from trainer.generation.backends import OnnxSession

    model = load_onnx(tiny_fp32, {})
    prompt = list(range(5, 25))
    fresh = OnnxSession(model.onnx_model, prompt, 1, 8)
    rewound = OnnxSession(model.onnx_model, prompt, 1, 8)
    for token in (3, 4, 5, 6):
        rewound.logits()
        rewound.advance(np.array([token], dtype=np.int32))
    assert rewound.rewind(0, [3, 4]) == 4  # as if 5 and 6 had never been written: 4 is fed again
    rewound.advance(np.array([4]))
    for token in (3, 4):
        fresh.logits()
        fresh.advance(np.array([token], dtype=np.int32))
    assert np.allclose(rewound.logits(), fresh.logits(), atol=1e-4)
    rewound.advance(np.array([9], dtype=np.int32))
    fresh.advance(np.array([9], dtype=np.int32))
    assert np.allclose(rewound.logits(), fresh.logits(), atol=1e-4)


def test_a_batch_starts_from_one_prefill_and_each_sequence_decodes_as_if_alone(tiny_fp32, monkeypatch):
    """The prompt is prefilled once; a later session of the same prompt copies its cache instead; each
    sequence of a batch gets the logits it would get in a session of its own."""
    from trainer.generation.backends import OnnxSession

    model = load_onnx(tiny_fp32, {})
    decoder = model.onnx_model
    fed = []
    monkeypatch.setattr(decoder, "run", _counting(decoder.run, fed, drop=0))
    prompt = list(range(5, 25))
    batch = OnnxSession(decoder, prompt, 3, 8)
    alone = OnnxSession(decoder, prompt, 1, 8)
    assert [tokens.shape for _, tokens in fed] == [(1, 20)]  # one prefill for both sessions
    assert np.allclose(batch.logits(), np.repeat(alone.logits(), 3, axis=0), atol=1e-4)
    rows = {0: [3, 4, 5], 1: [9, 8, 7], 2: [3, 4, 6]}
    singles = {}
    for row, tokens in rows.items():
        single = OnnxSession(decoder, prompt, 1, 8)
        for token in tokens:
            single.advance(np.array([token]))
        singles[row] = single.logits()[0]
    for step in range(3):
        batch.advance(np.array([rows[row][step] for row in range(3)]))
    for row in range(3):
        assert np.allclose(batch.logits()[row], singles[row], atol=1e-4)
    assert sum(tokens.shape[1] > 1 for _, tokens in fed) == 1


def test_logits_handed_out_outlive_the_next_step(tiny_fp32):
    decoder = load_onnx(tiny_fp32, {}).onnx_model
    cache = decoder.new_cache(1, 30)
    first = decoder.run(cache, np.array([list(range(5, 25))]))
    kept = first.copy()
    decoder.run(cache, np.array([[int(first.argmax())]]))
    assert np.array_equal(first, kept)


def test_one_sequence_of_a_batch_is_rewound_while_the_others_step_on(tiny_fp32):
    """A rewound row feeds its last kept token again at its own position, in the same step as the
    others feed their next one; every row then has the logits of a session of its own."""
    from trainer.generation.backends import OnnxSession

    decoder = load_onnx(tiny_fp32, {}).onnx_model
    prompt = list(range(5, 25))
    batch = OnnxSession(decoder, prompt, 2, 8)
    for step in ([3, 9], [4, 8], [5, 7]):
        batch.advance(np.array(step))
    again = batch.rewind(0, [3])  # row 0 takes back 4 and 5; row 1 writes 6
    batch.advance(np.array([again, 6]))
    batch.advance(np.array([11, 12]))
    expected = {0: [3, 11], 1: [9, 8, 7, 6, 12]}
    for row, tokens in expected.items():
        single = OnnxSession(decoder, prompt, 1, 8)
        for token in tokens:
            single.advance(np.array([token]))
        assert np.allclose(batch.logits()[row], single.logits()[0], atol=1e-4)
    assert list(batch.cache.lengths) == [len(prompt) + 2, len(prompt) + 5]


def test_onnx_candidates_after_a_failed_greedy_run_in_rounds_from_one_prefill(tiny_model_dir, serving_root,
                                                                              monkeypatch):
    """On ONNX the sampled candidates run in rounds of ``ONNX_ROUND`` sequences after the greedy one,
    all from the greedy candidate's prefill, each from its own random stream; the step count keeps
    rising across them."""
    from trainer.generation import backends, candidates

    model = load_onnx(ensure_serving_model(tiny_model_dir, None, "int8", root=serving_root), {})
    decoder = model.onnx_model
    sessions, fed = [], []
    monkeypatch.setattr(backends.OnnxSession, "__init__", _counting(backends.OnnxSession.__init__, sessions))
    monkeypatch.setattr(decoder, "run", _counting(decoder.run, fed, drop=0))
    monkeypatch.setattr(candidates, "ONNX_ROUND", 2)
    steps = []
    result = generate_code(model, None, "A card", settings=GenerationSettings(
        max_new_tokens=10, candidates=4, decode=DecodeConfig.unguarded(), seed=5),
        on_token=lambda step, text: steps.append(step))
    assert not any(c.passed for c in result.candidates)  # random weights write no widget
    assert [n for _, _, n, _ in sessions] == [1, 2, 1]  # greedy alone, then rounds of two (the last one short)
    assert sum(tokens.shape[1] > 1 for _, tokens in fed) == 1  # one prefill in all
    assert sorted(c.index for c in result.candidates) == [0, 1, 2, 3]  # distinct code, one per candidate
    assert steps == sorted(steps) and len(set(steps)) == len(steps) == 30


def test_the_first_onnx_round_can_sample_beside_the_greedy_candidate(tiny_model_dir, serving_root, monkeypatch):
    from trainer.generation import backends, candidates

    model = load_onnx(ensure_serving_model(tiny_model_dir, None, "int8", root=serving_root), {})
    sessions = []
    monkeypatch.setattr(backends.OnnxSession, "__init__", _counting(backends.OnnxSession.__init__, sessions))
    monkeypatch.setattr(candidates, "ONNX_FIRST_ROUND", 2)
    monkeypatch.setattr(candidates, "ONNX_ROUND", 2)
    assert candidates.round_sizes(model, 5) == [2, 2, 1] and candidates.round_sizes(model, 1) == [1]
    result = generate_code(model, None, "A card", settings=GenerationSettings(
        max_new_tokens=10, candidates=3, decode=DecodeConfig.unguarded(), seed=5))
    assert [n for _, _, n, _ in sessions] == [2, 1]
    assert sorted(c.index for c in result.candidates) == [0, 1, 2]
    greedy = generate_code(model, None, "A card", settings=GenerationSettings(
        max_new_tokens=10, candidates=1, decode=DecodeConfig.unguarded()))
    first = next(c for c in result.candidates if c.index == 0)
    assert first.token_ids == greedy.best.token_ids  # the greedy one is the same beside a sample


def _counting(function, calls: list, drop: int = 1):
    """``function`` that records its arguments (less the first ``drop``: self) in ``calls``."""
    def wrapper(*args, **kwargs):
        calls.append(args[drop:])
        return function(*args, **kwargs)
    return wrapper
