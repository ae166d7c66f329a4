#!/usr/bin/env bash
# Build, unit-test and package the VS Code extension, then run its end-to-end test in code-server +
# Chromium against the real language server on a tiny model. Works on a fresh clone:
#   - installs the Debian packages it needs (chromium, libkrb5-dev, ripgrep) when missing;
#   - `npm ci` for the npm workspace (extension/);
#   - installs code-server 4.100.3 once into $FLUTTER_TUNE_E2E_CACHE (default ~/.cache/flutter-tune-e2e);
#     the e2e's "Set Up Flutter Tune" scenario keeps pip's cache there too ($FLUTTER_TUNE_E2E_CACHE/pip).
# Assumes .venv exists with flutter-tune installed (scripts/setup.sh); `npm run package` builds the wheel
# shipped in the .vsix with it.
# Options: --no-e2e (build, unit tests and .vsix only).
# Screenshots and logs of the end-to-end run: extension/test-artifacts/e2e/.
# FLUTTER_TUNE_E2E_SHOWCASE=<adapter folder> runs only the generation scenarios, on the default model with that
# adapter (e.g. demo_output/adapters/<run> from scripts/demo.sh; cache: $FLUTTER_TUNE_CACHE, default
# ~/.cache/flutter-tune), and retakes the README's generate.png and candidates.png, which a normal run leaves alone.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_E2E=1
for arg in "$@"; do
  case "$arg" in
    --no-e2e) RUN_E2E=0 ;;
    *) echo "usage: $0 [--no-e2e]" >&2; exit 2 ;;
  esac
done

step() { printf '\n== %s\n' "$*"; }

# --- system packages ---------------------------------------------------------------------------
need_apt=()
if [ "$RUN_E2E" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
  command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || need_apt+=(build-essential)
  command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
  # the e2e's plain /usr/bin/python3 and the set-up's venv need ensurepip
  dpkg -s python3-venv >/dev/null 2>&1 || need_apt+=(python3-venv)
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  step "apt-get install ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install: ${need_apt[*]}" >&2; exit 2; }
    SUDO=sudo
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# --- Node ----------------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || { echo "Node.js 20 or newer is needed (node not found)" >&2; exit 2; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20 or newer is needed (found $(node --version))" >&2
  exit 2
fi

step "npm ci"
npm ci --no-audit --no-fund

step "type-check (tsc --noEmit)"
npm run typecheck

step "unit tests (vitest)"
npm test -w extension

step "bundle (esbuild), build the wheel, package and check the .vsix"
npm run package
ls -l dist/flutter-tune.vsix

if [ "$RUN_E2E" = 0 ]; then
  echo "skipping the end-to-end test (--no-e2e)"
  exit 0
fi

# --- end-to-end ----------------------------------------------------------------------------------
[ -x .venv/bin/python ] || { echo ".venv is missing: run scripts/setup.sh first" >&2; exit 2; }
CACHE=${FLUTTER_TUNE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flutter-tune-e2e}
export FLUTTER_TUNE_E2E_CACHE="$CACHE"
step "code-server 4.100.3 (cached in $CACHE)"
bash extension/e2e/install-code-server.sh "$CACHE/code-server-4.100.3"

step "end-to-end test (code-server + Chromium + language server)"
node extension/e2e/run-e2e.mjs
