"""What the training code relies on inside transformers and TRL beyond their documented API, pinned.

``CompletionSFTTrainer.create_scheduler`` (the time-budgeted schedule) sets the Trainer's private
``_created_lr_scheduler`` flag, as the Trainer's own ``create_scheduler`` does, so that a later
``train()`` builds a fresh scheduler. An upgrade that renames or drops the flag fails here, by name.
The token count the time budget measures comes from the public ``include_num_input_tokens_seen``.
"""

import inspect

import transformers

from trainer.training.time_budget import TimeBudget
from trainer.training.train import build_run

FLAG = "_created_lr_scheduler"


def test_the_trainer_still_keeps_the_private_scheduler_flag_we_set():
    source = inspect.getsource(transformers.Trainer)
    assert f"self.{FLAG} = False" in source and f"if self.{FLAG}:" in source, (
        f"transformers.Trainer {transformers.__version__} no longer sets and reads `{FLAG}`: "
        "trainer/training/completion_trainer.py sets it in create_scheduler; follow the Trainer's own create_scheduler")


def test_the_budgeted_schedule_is_created_and_flagged_like_the_trainers_own(tiny_config):
    trainer = build_run(tiny_config).trainer
    assert FLAG in vars(trainer), f"transformers.Trainer.__init__ no longer initialises `{FLAG}`"
    trainer.time_budget = TimeBudget(1.0)
    trainer.create_optimizer()
    scheduler = trainer.create_scheduler(num_training_steps=10)
    assert scheduler is trainer.lr_scheduler and getattr(trainer, FLAG) is True
    assert type(scheduler).__name__ == "LambdaLR"  # ours, not transformers' get_scheduler
