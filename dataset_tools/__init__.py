"""Turn Flutter projects into instruction/code training pairs."""

import os

# Every layer imports this package before torch. OpenMP threads that spin while they wait are
# ~10x slower whenever another process (the editor, a background training run) shares the cores:
# measured 7.0 s vs 0.65 s for 1,000 small matmuls on 2 busy cores. Passive waiting has to be
# chosen before torch loads its OpenMP runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from importlib.metadata import PackageNotFoundError, version

try:  # pyproject.toml holds the version; the installed metadata carries it here
    __version__ = version("flutter-tune")
except PackageNotFoundError:  # a bare checkout on sys.path, not installed
    __version__ = "0.0.0+checkout"
