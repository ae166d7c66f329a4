#!/usr/bin/env bash
# Install code-server from npm without its network-fetching install scripts (offline-safe recipe).
# Usage: install-code-server.sh DEST   (DEST/node_modules/code-server/out/node/entry.js afterwards)
# Needs Debian `rg` (ripgrep) and `libkrb5-dev` (for the kerberos native module).
set -euo pipefail
VERSION=${CODE_SERVER_VERSION:-4.100.3}
DEST=${1:?usage: install-code-server.sh DEST}
MARK="$DEST/.installed-$VERSION"
if [ -f "$MARK" ]; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi
RG=$(command -v rg) || { echo "install-code-server: ripgrep (rg) is missing: apt-get install ripgrep" >&2; exit 2; }
TMP="$DEST.partial"
# Keep code-server from writing its default config into the real home folder.
export XDG_CONFIG_HOME="$TMP/.xdg-config" XDG_DATA_HOME="$TMP/.xdg-data"
rm -rf "$TMP"
mkdir -p "$TMP"
cd "$TMP"
echo '{"name":"code-server-host","private":true}' > package.json
echo "== npm install code-server@$VERSION --ignore-scripts"
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
CS="$TMP/node_modules/code-server"
echo "== rebuild argon2"
# argon2 is hoisted to the host project, so rebuild it from there.
npm rebuild argon2
node "$CS/out/node/entry.js" --version >/dev/null
echo "== lib/vscode dependencies"
cd "$CS/lib/vscode"
npm install --no-audit --no-fund --omit=dev --ignore-scripts
# @vscode/ripgrep's install script downloads rg unless bin/ already exists: give it Debian's.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$RG" node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild
ln -sfn node_modules node_modules.asar
echo "== extensions dependencies"
cd "$CS/lib/vscode/extensions"
npm install --no-audit --no-fund --omit=dev
cd "$CS"
# The bin/ helper links that code-server's postinstall.sh would have made.
(cd "$CS/lib/vscode/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$CS/lib/vscode/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
node "$CS/out/node/entry.js" --version
touch "$TMP/.installed-$VERSION"
rm -rf "$DEST"
mv "$TMP" "$DEST"
echo "code-server $VERSION installed in $DEST"
