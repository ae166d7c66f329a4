#!/usr/bin/env bash
# Set up, then run the demo: harvest examples/ → train on the embedded model → evaluate → generate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec .venv/bin/flutter-tune demo "$@"
