"""The CLI's progress: a bar on a terminal, a plain line every 30 s in a log file or a pipe."""

import io

from dataset_tools.progress import TqdmProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_without_a_terminal_a_line_every_thirty_seconds_and_at_the_end():
    clock, out = Clock(), io.StringIO()
    progress = TqdmProgress(stream=out, clock=clock)
    progress.start("Training", 200)
    for step in range(1, 201):
        clock.now += 1.0
        progress.advance(1, f"loss {2 - step / 200:.2f}", eta_seconds=200 - step)
    progress.finish("saved /a/b")
    lines = out.getvalue().splitlines()
    assert lines[0] == "Training: 0/200"
    assert lines[1] == "Training: 30/200 (15%), loss 1.85 (ETA 170 s)"
    assert len(lines) == 1 + 200 // 30 + 1
    assert lines[-1] == "Training: done, saved /a/b"


def test_disabled_progress_prints_nothing():
    out = io.StringIO()
    progress = TqdmProgress(disable=True, stream=out)
    progress.start("Harvest", 3)
    progress.advance(3)
    progress.finish()
    assert out.getvalue() == ""
