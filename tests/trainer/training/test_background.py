"""Background training: held while the editor generates, at a lower priority on one thread."""

from __future__ import annotations

import os
import threading

import torch

from trainer.training.background import YieldToGeneration, low_priority


def test_training_waits_between_micro_batches_while_a_generation_runs():
    answers = iter([True, True, True, False, False])
    holding = YieldToGeneration(lambda: next(answers), poll_s=0.01)
    holding.on_substep_end(None, None, None)
    assert holding.paused_s >= 0.02
    paused = holding.paused_s
    holding.on_step_end(None, None, None)  # not busy: goes straight on
    assert holding.paused_s == paused


def test_low_priority_lowers_the_thread_and_torch_threads_then_gives_torch_its_threads_back():
    found = {}

    def run():
        tid = threading.get_native_id()
        before = os.getpriority(os.PRIO_PROCESS, tid)
        threads = torch.get_num_threads()
        with low_priority():
            found["inside"] = (os.getpriority(os.PRIO_PROCESS, tid) - before, torch.get_num_threads())
        found["after"] = torch.get_num_threads() == threads

    main = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert found["inside"] == (min(10, 19 - main), 1) and found["after"]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main  # only the training's own thread
