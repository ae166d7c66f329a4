"""A killed run resumes from its checkpoint; Ctrl-C saves a checkpoint and exits cleanly."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from trainer.adapters import list_adapters, read_metadata

ROOT = Path(__file__).resolve().parents[3]


def _cli(config_path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "server.cli", "train", "--config", str(config_path), "--progress-json", *extra]


def _write_config(tmp_path, tiny_model_dir, dataset_dir, **extra) -> Path:
    config = {"base": str(tiny_model_dir), "data_dir": str(dataset_dir), "adapters_dir": str(tmp_path / "adapters"),
              "quantization": "none", "device": "cpu", "epochs": 40, "max_length": 256, "eval_steps": 2,
              "max_eval_samples": 1, **extra}
    path = tmp_path / "train.json"
    path.write_text(json.dumps(config))
    return path


def _wait_for_checkpoint(checkpoints: Path, proc, timeout=300) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if list(checkpoints.glob("*/checkpoint-*/trainer_state.json")):
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.5)
    raise AssertionError("no checkpoint appeared")


def _env():
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def test_resume_after_kill_completes_the_adapter(tmp_path, tiny_model_dir, dataset_dir):
    config_path = _write_config(tmp_path, tiny_model_dir, dataset_dir)
    checkpoints = tmp_path / "adapters" / ".checkpoints"
    proc = subprocess.Popen(_cli(config_path), cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_checkpoint(checkpoints, proc)
    time.sleep(1.0)  # let a checkpoint finish writing, then kill without warning
    proc.kill()
    proc.communicate()
    assert list_adapters(tmp_path / "adapters") == []  # no adapter from the killed run

    # resume with a shorter schedule so the test stays quick: the saved run settings are used,
    # except for the time budget, so the resumed run must pick up at its checkpoint step
    done = subprocess.run(_cli(config_path, "--resume", "--max-minutes", "0.05"), cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    resumed = [e for e in events if e["message"].startswith("resumed at step")]
    assert resumed and resumed[0]["data"]["step"] >= 2
    adapters = list_adapters(tmp_path / "adapters")
    assert len(adapters) == 1
    meta = read_metadata(adapters[0].path)
    assert meta["metrics"]["steps"] > resumed[0]["data"]["step"]
    assert (adapters[0].path / "adapter_model.safetensors").is_file()
    assert not checkpoints.exists()  # the finished run removed its own checkpoints (and the empty folder)


def test_ctrl_c_saves_a_checkpoint_and_exits_cleanly(tmp_path, tiny_model_dir, dataset_dir):
    config_path = _write_config(tmp_path, tiny_model_dir, dataset_dir, eval_steps=1000)
    checkpoints = tmp_path / "adapters" / ".checkpoints"
    proc = subprocess.Popen(_cli(config_path), cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    for line in proc.stdout:  # wait until training steps are running
        if '"step": 2' in line or time.time() > deadline:
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, err[-3000:]
    assert "--resume" in err
    assert list(checkpoints.glob("*/checkpoint-*/adapter_model.safetensors"))
    assert list_adapters(tmp_path / "adapters") == []
