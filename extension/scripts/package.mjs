// Package the extension into ../dist/flutter-tune.vsix with vsce, then check what went in: only the
// bundle, the manifest, README/CHANGELOG/LICENSE, the icon, webview media, walkthrough pages, the
// README's screenshots and the Python wheel (nothing from the development tree: no sources, tests,
// e2e, source maps). The LICENSE is the repository's, copied here for vsce.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
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

copyFileSync(path.join(repoRoot, "LICENSE"), path.join(here, "LICENSE"));
mkdirSync(path.dirname(out), { recursive: true });
const files = vsceRun(["ls", "--no-dependencies"]).split("\n").map((l) => l.trim()).filter(Boolean);
const stray = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
if (stray.length) {
  throw new Error(`files from the development tree would go into the .vsix: ${stray.join(", ")} (see .vscodeignore)`);
}
for (const needed of ["dist/extension.js", "LICENSE", "images/icon.png", "python/manifest.json"]) {
  if (!files.includes(needed)) {
    throw new Error(`the .vsix would lack ${needed}`);
  }
}
// Relative links stay relative: the README's screenshots ship inside the .vsix.
process.stdout.write(vsceRun(["package", "--no-dependencies", "--no-rewrite-relative-links", "--out", out]));
console.log(`${files.length} files:\n  ${files.join("\n  ")}`);
