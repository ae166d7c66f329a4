"""What the training machine runs fast: usable CPU threads and whether bfloat16 math pays off.

bfloat16 autocast halves activation memory and doubles matmul speed on CPUs with native bf16
(AVX-512 BF16, AMX, Arm BF16), but without it torch emulates bf16 about 100x slower than float32.
So autocast is used only where the CPU reports native
bf16 AND a short matmul measurement on this machine finds bf16 faster; everything else trains in float32.
"""

from __future__ import annotations

import functools
import os
import platform
import time
from pathlib import Path

# bf16 must beat float32 by this factor on the model-shaped matmul to be worth its rounding.
BF16_MIN_SPEEDUP = 1.3
_BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def usable_cpus() -> int:
    """CPUs this process may run on: its affinity mask, capped by a cgroup CPU quota (containers)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:                                # macOS, Windows
        count = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            count = min(count, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(1, count)


def limit_torch_threads() -> int:
    """Keep torch's intra-op threads within the usable CPUs (torch counts the host's cores, not a
    container's quota, and oversubscribed threads slow every matmul); returns the thread count."""
    import torch

    usable = usable_cpus()
    if torch.get_num_threads() > usable:
        torch.set_num_threads(usable)
    return torch.get_num_threads()


def cpu_has_native_bf16() -> bool:
    """Whether the CPU advertises bfloat16 arithmetic (x86 AVX-512 BF16 / AMX, Arm BF16)."""
    if platform.system() == "Darwin":
        import subprocess

        try:
            out = subprocess.run(["sysctl", "-n", "hw.optional.arm.FEAT_BF16"], capture_output=True, text=True,
                                 timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return False
        return out == "1"
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines()
                  if line.startswith(("flags", "Features"))), [])
    return any(flag in flags for flag in _BF16_CPU_FLAGS + ("bf16",))


def _matmul_seconds(dtype, rows: int = 512, inner: int = 576, cols: int = 1536, repeats: int = 5) -> float:
    import torch

    a = torch.randn(rows, inner).to(dtype)
    b = torch.randn(inner, cols).to(dtype)
    a @ b                                                  # warm-up: kernel selection and page faults
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return best


@functools.lru_cache(maxsize=1)
def cpu_bf16_speedup() -> float:
    """float32 time ÷ bfloat16 time of a model-shaped matmul on this CPU (0.0 without native bf16)."""
    import torch

    if not cpu_has_native_bf16():
        return 0.0
    return _matmul_seconds(torch.float32) / max(_matmul_seconds(torch.bfloat16), 1e-9)


def training_precision(device: str) -> str:
    """``"bf16"``, ``"fp16"`` or ``"fp32"``: the autocast precision to train with on ``device``."""
    import torch

    if device == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if device == "cpu" and cpu_bf16_speedup() >= BF16_MIN_SPEEDUP:
        return "bf16"
    return "fp32"
