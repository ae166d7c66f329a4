"""Freed heap memory goes back to the system after a request (server.runtime.memory)."""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
from pathlib import Path

import pytest

from server.runtime.memory import release_free_memory

pytestmark = pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                                reason="malloc_trim is glibc's")


def anonymous_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no RssAnon in /proc/self/status")


def test_freed_heap_blocks_leave_resident_memory_once_released():
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    block = 64 * 1024  # below glibc's mmap threshold: served from the heap, like many small tensors
    blocks = [libc.malloc(block) for _ in range(1600)]  # 100 MB
    assert all(blocks)
    for address in blocks:
        ctypes.memset(address, 1, block)  # make the pages resident
    keep = blocks.pop()  # a block above the others keeps the heap from shrinking at its top by itself
    for address in blocks:
        libc.free(address)
    held = anonymous_mb()
    assert release_free_memory() is True
    released = anonymous_mb()
    libc.free(keep)
    assert held - released > 60, (held, released)
