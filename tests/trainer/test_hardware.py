"""bf16 autocast only where the CPU has native bf16 and it measures faster; threads within the usable CPUs."""

import os

import pytest
import torch

from trainer import hardware


@pytest.fixture(autouse=True)
def fresh_measurement():
    hardware.cpu_bf16_speedup.cache_clear()
    yield
    hardware.cpu_bf16_speedup.cache_clear()


def test_no_native_bf16_means_float32_without_measuring(monkeypatch):
    monkeypatch.setattr(hardware, "cpu_has_native_bf16", lambda: False)
    monkeypatch.setattr(hardware, "_matmul_seconds", lambda *a, **k: pytest.fail("measured without native bf16"))
    assert hardware.cpu_bf16_speedup() == 0.0
    assert hardware.training_precision("cpu") == "fp32"


@pytest.mark.parametrize("bf16_seconds, expected", [(0.5, "bf16"), (0.9, "fp32")])
def test_native_bf16_is_used_only_when_measured_faster(monkeypatch, bf16_seconds, expected):
    monkeypatch.setattr(hardware, "cpu_has_native_bf16", lambda: True)
    monkeypatch.setattr(hardware, "_matmul_seconds",
                        lambda dtype, **k: 1.0 if dtype == torch.float32 else bf16_seconds)
    assert hardware.training_precision("cpu") == expected


def test_mps_trains_in_float32():
    assert hardware.training_precision("mps") == "fp32"


def test_matmul_measurement_runs():
    assert hardware._matmul_seconds(torch.float32, rows=8, inner=8, cols=8, repeats=1) > 0


def test_threads_stay_within_the_usable_cpus():
    usable = hardware.usable_cpus()
    assert 1 <= usable <= (os.cpu_count() or usable)
    assert 1 <= hardware.limit_torch_threads() <= usable
