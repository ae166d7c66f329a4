"""Training: a LoRA adapter from a harvested dataset, with TRL's SFTTrainer.

- ``config``: ``TrainConfig``, every training setting declared once, and ``load_train_config`` (defaults ←
  a JSON/TOML file ← command-line flags).
- ``data``: the dataset's splits as prompt/completion rows (one widget, or ``conversations`` of related ones).
- ``conversations``: related widgets grouped into one multi-turn row, every answer scored.
- ``completion_trainer``: SFTTrainer scoring the LM head at completion tokens only, with the time-budgeted
  learning-rate schedule.
- ``time_budget``: the clock of ``--max-minutes`` and the schedule planned for it.
- ``callbacks``: progress events, and stopping on cancel, Ctrl-C or the time budget.
- ``runs``: one training per adapters folder (a lock), each run's own checkpoints, resuming.
- ``train``: ``train(config)`` puts them together and saves a versioned adapter.

Generation, evaluation and retrieval never import this package (a contract in pyproject.toml).
"""
