// Build the Flutter Tune wheel from this repository into extension/python/ with manifest.json, for the
// .vsix's "Set Up Flutter Tune" (src/setupPlan.ts reads the manifest). Facts come from their one place:
// the torch pin and Python requirement from pyproject.toml, the model package from trainer/default_model.py.
// Python: $FLUTTER_TUNE_BUILD_PYTHON, else the repository's .venv, else python3.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..", "..");
const outDir = path.resolve(here, "..", "python");
const venvPython = path.join(repoRoot, ".venv", process.platform === "win32" ? "Scripts/python.exe" : "bin/python");
const python = process.env.FLUTTER_TUNE_BUILD_PYTHON || (existsSync(venvPython) ? venvPython : "python3");

function run(args, options = {}) {
  const result = spawnSync(python, args, { cwd: repoRoot, encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(`${python} ${args.join(" ")} failed (${result.status}):\n${result.stdout ?? ""}\n${result.stderr ?? ""}`);
  }
  return result.stdout;
}

const FACTS = `
import ast, json, pathlib, tomllib
root = pathlib.Path(".")
project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
torch = [d for d in project["dependencies"] if d.replace(" ", "").startswith("torch==")]
tree = ast.parse((root / "trainer" / "default_model.py").read_text())
package = next(n.value.value for n in tree.body if isinstance(n, ast.Assign)
               and any(getattr(t, "id", "") == "PACKAGE" for t in n.targets))
print(json.dumps({"version": project["version"], "torch": torch[0].replace(" ", "") if torch else "torch",
                  "requiresPython": project.get("requires-python", ""), "model": package.replace("_", "-")}))
`;

const facts = JSON.parse(run(["-c", FACTS]));
if (!/^torch==/.test(facts.torch)) {
  throw new Error(`pyproject.toml must pin torch exactly (torch==X): an unpinned torch pulls GBs of CUDA; found ${facts.torch}`);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), "flutter-tune-wheel-"));
try {
  console.log(`building the flutter-tune ${facts.version} wheel with ${python}`);
  run(["-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", tmp, "."], { stdio: ["ignore", "inherit", "inherit"] });
  const wheel = readdirSync(tmp).find((name) => /^flutter_tune-.*\.whl$/.test(name));
  if (!wheel) {
    throw new Error(`pip wheel wrote no flutter_tune wheel into ${tmp}`);
  }
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(outDir)) {
    if (name.endsWith(".whl") || name === "manifest.json") {
      unlinkSync(path.join(outDir, name)); // only what this script writes
    }
  }
  renameSync(path.join(tmp, wheel), path.join(outDir, wheel));
  const sha256 = createHash("sha256").update(readFileSync(path.join(outDir, wheel))).digest("hex");
  const manifest = { wheel, sha256, ...facts };
  writeFileSync(path.join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  console.log(`extension/python/${wheel} (${sha256.slice(0, 12)}…), ${facts.torch}, model ${facts.model}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
