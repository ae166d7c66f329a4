// Package the extension into ../dist/flutter-tune.vsix with vsce (its `vscode:prepublish` bundles the
// code and builds the Python wheel), then check what went in: only the bundle, the manifest,
// README/CHANGELOG/LICENSE, the icon, webview media, walkthrough pages, the README's screenshots and the
// wheel (nothing from the development tree: no sources, tests, e2e, source maps). extension/LICENSE
// must be the repository's LICENSE.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(here, "..");
const out = path.join(repoRoot, "dist", "flutter-tune.vsix");
const vsce = path.join(repoRoot, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");

/** Files allowed in the .vsix (paths relative to extension/). */
export const ALLOWED = [
  /^dist\/extension\.js$/,
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^images\/icon\.png$/,
  /^media\/[\w.-]+\.(js|css)$/,
  /^walkthrough\/[\w.-]+\.md$/,
  /^test-artifacts\/screenshots\/[\w.-]+\.png$/,
  /^python\/flutter_tune-[\w.+-]+\.whl$/,
  /^python\/manifest\.json$/,
];

function vsceRun(args) {
  const result = spawnSync(vsce, args, { cwd: here, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`vsce ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

if (readFileSync(path.join(repoRoot, "LICENSE"), "utf8") !== readFileSync(path.join(here, "LICENSE"), "utf8")) {
  throw new Error("extension/LICENSE differs from the repository's LICENSE: copy it over");
}
mkdirSync(path.dirname(out), { recursive: true });
// Relative links stay relative: the README's screenshots ship inside the .vsix.
process.stdout.write(vsceRun(["package", "--no-dependencies", "--no-rewrite-relative-links", "--out", out]));
const files = vsceRun(["ls", "--no-dependencies"]).split("\n").map((l) => l.trim()).filter(Boolean);
const stray = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
const missing = ["dist/extension.js", "LICENSE", "CHANGELOG.md", "images/icon.png", "python/manifest.json"].filter((f) => !files.includes(f));
if (stray.length || missing.length) {
  rmSync(out, { force: true });
  throw new Error(`bad .vsix contents: ${stray.length ? `from the development tree: ${stray.join(", ")} (see .vscodeignore)` : ""}` +
    `${missing.length ? ` missing: ${missing.join(", ")}` : ""}`);
}
console.log(`${files.length} files:\n  ${files.join("\n  ")}`);
