"""evaluate(): systems side by side on the test split, with the tiny model."""

from __future__ import annotations

import json
import math

import pytest

from dataset_tools.errors import FlutterTuneError
from dataset_tools.progress import CallbackProgress
from trainer.evaluation.evaluate import System, evaluate, response_loss
from trainer.generation.generate import GenerationSettings
from trainer.prompt import Example, format_completion, format_prompt

SHORT = GenerationSettings(max_new_tokens=6)


def test_base_and_tuned_side_by_side(tiny, eval_dataset_dir):
    model, tokenizer = tiny
    loads, events = [], []

    def loader(adapter):
        loads.append(adapter)
        return model, tokenizer, {"adapter": adapter}

    results = evaluate("tiny", "my-adapter", eval_dataset_dir, settings=SHORT, loader=loader,
                       progress=CallbackProgress(events.append))
    assert [s["name"] for s in results["systems"]] == ["base", "tuned"]
    assert loads == [None, "my-adapter"]
    assert results["n_samples"] == 2 and results["n_train"] == 3
    for system in results["systems"]:
        m = system["metrics"]
        assert m["loss"] > 0 and m["perplexity"] == pytest.approx(math.exp(m["loss"]))
        assert 0 <= m["parse_valid_rate"] <= 1 and 0 <= m["chrf"] <= 100 and 0 <= m["style_score"] <= 1
        assert sum(m["stop_reasons"].values()) == 2 and len(system["samples"]) == 2
    # The real test code scored against itself is the ceiling.
    ref = results["reference"]
    assert ref["parse_valid_rate"] == 1.0 and ref["chrf"] == 100.0 and ref["exact_match"] == 1.0
    assert ref["style_score"] == 1.0
    assert results["style_profile"]["rules"]["key_parameter"]["majority"] == "super.key"
    assert [e.kind for e in events][0] == "start" and events[-1].kind == "finish"
    assert sum(e.kind == "advance" for e in events) == 4
    json.dumps(results)  # JSON-ready


def test_retrieval_systems_get_examples(tiny, eval_dataset_dir):
    model, tokenizer = tiny
    asked = []

    def examples_fn(record, tokenizer):
        asked.append(record["instruction"])
        return [Example("A small badge.", "Widget f() => Text('a');")]

    loads = []

    def loader(adapter):
        loads.append(adapter)
        return model, tokenizer

    results = evaluate("tiny", "a", eval_dataset_dir, limit=1, settings=SHORT, examples_fn=examples_fn, loader=loader)
    assert loads == [None, "a"]  # systems sharing a model are evaluated together: each model loads once
    names = [s["name"] for s in results["systems"]]
    assert names == ["base", "tuned", "base + retrieval", "tuned + retrieval"]
    assert len(asked) == 2  # one test sample, two retrieval systems
    assert [s["samples"][0]["examples"] for s in results["systems"]] == [0, 0, 1, 1]
    custom = evaluate("tiny", None, eval_dataset_dir, limit=1, settings=SHORT, loader=lambda adapter: (model, tokenizer),
                      systems=[System("only base")])
    assert [s["name"] for s in custom["systems"]] == ["only base"]


def test_response_loss_masks_the_prompt(tiny):
    import torch

    model, tokenizer = tiny
    record = {"instruction": "A badge", "output": "Widget f() => Text('a');"}
    total, count = response_loss(model, tokenizer, record)
    completion = tokenizer(format_completion(tokenizer, record["output"]), add_special_tokens=False)["input_ids"]
    prompt = tokenizer(format_prompt(tokenizer, "A badge"), add_special_tokens=False)["input_ids"]
    assert count == len(completion)
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([prompt + completion])).logits[0]
    logprobs = torch.log_softmax(logits[len(prompt) - 1:-1].float(), dim=-1)
    expected = -logprobs[torch.arange(len(completion)), torch.tensor(completion)].sum().item()
    assert total == pytest.approx(expected, rel=1e-4)


def test_empty_test_split_is_an_error(tiny, eval_dataset_dir):
    (eval_dataset_dir / "test.jsonl").write_text("")
    with pytest.raises(FlutterTuneError, match="test.jsonl.*no samples"):
        evaluate("tiny", None, eval_dataset_dir, loader=lambda adapter: tiny)


def test_missing_dataset_folder_is_an_error(tmp_path, tiny):
    with pytest.raises(FlutterTuneError, match="does not exist"):
        evaluate("tiny", None, tmp_path / "nope", loader=lambda adapter: tiny)
    with pytest.raises(FlutterTuneError, match="limit"):
        evaluate("tiny", None, tmp_path, limit=0, loader=lambda adapter: tiny)


def test_cancel_stops_evaluation(tiny, eval_dataset_dir):
    progress = CallbackProgress(lambda event: None)
    progress.cancel()
    with pytest.raises(FlutterTuneError, match="cancelled"):
        evaluate("tiny", None, eval_dataset_dir, settings=SHORT, loader=lambda adapter: tiny, progress=progress)


def test_with_an_api_index_each_system_says_how_many_widgets_resolve(tiny, eval_dataset_dir):
    from tests.trainer.flutter_api import FLUTTER

    model, tokenizer = tiny
    results = evaluate("tiny", None, eval_dataset_dir, settings=SHORT, loader=lambda adapter: (model, tokenizer),
                       api=FLUTTER)
    (base,) = results["systems"]
    assert 0 <= base["metrics"]["resolves"] <= 1 and base["metrics"]["unknown_references"] >= 0
    assert all(isinstance(s["unresolved"], list) and isinstance(s["resolves"], bool) for s in base["samples"])
    # the real test widgets name only classes the index holds, with valid arguments
    assert results["reference"]["resolves"] == 1.0 and results["reference"]["unknown_references"] == 0
    assert results["reference"]["invented_arguments"] == 0 and results["reference"]["parses_and_resolves"] == 1.0
    plain = evaluate("tiny", None, eval_dataset_dir, settings=SHORT, loader=lambda adapter: (model, tokenizer),
                     limit=1)
    assert plain["systems"][0]["metrics"]["resolves"] is None and plain["reference"]["resolves"] is None
    assert "resolves" not in plain["systems"][0]["samples"][0]
