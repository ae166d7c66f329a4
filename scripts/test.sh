#!/usr/bin/env bash
# Set everything up and run every test: the Python suite (incl. pytest-lsp against the real server)
# and the VS Code extension's unit and end-to-end tests.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false

.venv/bin/lint-imports || exit 1  # the layering contract in pyproject.toml

.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  status=1
fi
[ "$status" -eq 0 ] || exit "$status"

if [ -f scripts/test_extension.sh ]; then
  bash scripts/test_extension.sh || exit $?
fi
