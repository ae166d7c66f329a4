def test_tiny_model_loads_and_generates(tiny_model_dir):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    ids = tok("class Foo extends StatelessWidget", return_tensors="pt").input_ids
    with torch.no_grad():
        out = model(ids)
    assert out.logits.shape == (1, ids.shape[1], len(tok))
    assert tok.chat_template
