"""The trainer's own data collator masks prompt tokens (-100) and keeps response tokens."""

from trainer.training.data import prepare
from trainer.training.train import build_run


def test_prompt_masked_response_trained(tiny_config, records, smollm_tokenizer):
    run = build_run(tiny_config)
    trainer = run.trainer
    features = [trainer.train_dataset[i] for i in range(2)]
    batch = trainer.data_collator(features)
    ids, labels, attention = batch["input_ids"], batch["labels"], batch["attention_mask"]
    rows, _ = prepare(run.tokenizer, run.splits.train[:8], tiny_config.max_length)
    by_text = {r["prompt"] + r["completion"]: r for r in rows}
    for row in range(ids.shape[0]):
        length = int(attention[row].sum())
        text = run.tokenizer.decode(ids[row, :length])
        pair = by_text[text]
        prompt_len = len(run.tokenizer(pair["prompt"], add_special_tokens=False)["input_ids"])
        # every prompt token and every pad position is ignored by the loss
        assert (labels[row, :prompt_len] == -100).all()
        assert (labels[row, length:] == -100).all()
        # every response token (code + EOS) is a target equal to its input id
        assert (labels[row, prompt_len:length] == ids[row, prompt_len:length]).all()
        assert labels[row, length - 1] == run.tokenizer.eos_token_id
        decoded = run.tokenizer.decode(ids[row, prompt_len:length], skip_special_tokens=True)
        assert decoded.startswith("class ") and decoded.rstrip().endswith("}")


def test_batches_are_padded_dynamically(tiny_config):
    run = build_run(tiny_config)
    features = [run.trainer.train_dataset[i] for i in range(4)]
    batch = run.trainer.data_collator(features)
    longest = max(len(f["input_ids"]) for f in features)
    assert batch["input_ids"].shape[1] == longest < tiny_config.max_length
