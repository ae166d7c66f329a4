"""LoRA fine-tuning, generation and evaluation of a code model on harvested Flutter widgets.

- ``training``: a LoRA adapter from a dataset (TRL's SFTTrainer, time budget, resumable runs).
- ``generation``: from a description to checked widget candidates, on the ONNX or torch backend.
- ``evaluation``: base vs tuned on held-out widgets, and the report.
- ``retrieval``: the user's nearest widgets as examples in the prompt.
- ``cli``: the subcommands train, adapters, export, generate, eval and demo (``demo``: the demo's pipeline).
- Shared by all of them: ``models`` (base model, device, quantization, loading), ``default_model`` (the
  embedded SmolLM2-135M), ``adapters`` (the adapters folder: versions, LATEST, ACTIVE), ``prompt`` (the one
  prompt format), ``hardware`` (threads, precision), ``export`` (an adapter merged into its base).
"""
