// End-to-end test: the packaged .vsix in code-server, driven by Playwright in Debian's Chromium, with the
// real Flutter Tune language server on a tiny model. Screenshots go to extension/test-artifacts/e2e/.
//
// Needs: dist/flutter-tune.vsix (npm run package), .venv with flutter-tune, `chromium` and `rg` on PATH.
// code-server is installed once into $FLUTTER_TUNE_E2E_CACHE (default ~/.cache/flutter-tune-e2e); pip's
// cache for the set-up scenario lives there too ($FLUTTER_TUNE_E2E_CACHE/pip).
// The profile starts clean: no interpreter in the user settings; the workspace names the repository's
// .venv Python, which counts only once the workspace is trusted (the run starts untrusted).
// FLUTTER_TUNE_E2E_ONLY=name,name runs only those scenarios (without the set-up ones: trusted at once).
// The README's screenshots are copied to extension/test-artifacts/screenshots/ after a run.
//
// Showcase: FLUTTER_TUNE_E2E_SHOWCASE=<adapter folder> runs the scenarios that show generation
// (SHOWCASE_SCENARIOS) on the embedded default model with a copy of that adapter instead of the tiny model,
// with retrieval from a copy of its dataset (FLUTTER_TUNE_E2E_SHOWCASE_DATASET, default: the dataset the
// adapter's flutter_tune.json names), and the README's generation screenshots (generate.png, candidates.png)
// come from it; a normal run leaves those alone. The server uses your Flutter Tune cache ($FLUTTER_TUNE_CACHE,
// default ~/.cache/flutter-tune), so the default model converted once (e.g. by scripts/demo.sh) is reused;
// the adapter's serving model is exported there on first use. Artifacts: extension/test-artifacts/e2e/showcase/.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { codeServerDirs, freePort, installExtension, startCodeServer, stopProcessGroup } from "./codeServer.mjs";
import {
  buildTinyModel, makeWorkspace, plainPythonBin, showcaseSettings, writeUserSettings, writeWorkspaceSettings,
} from "./fixtures.mjs";
import {
  README_SCREENSHOTS, scenarios, SETUP_SCENARIOS, SHOWCASE_README_SCREENSHOTS, SHOWCASE_SCENARIOS,
} from "./scenarios.mjs";
import { CHROMIUM_ARGS, waitForWorkbench } from "./workbench.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..", "..");
const CODE_SERVER_VERSION = "4.100.3";
const cacheRoot = process.env.FLUTTER_TUNE_E2E_CACHE
  ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "flutter-tune-e2e");
const codeServerHome = path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
const entry = path.join(codeServerHome, "node_modules", "code-server", "out", "node", "entry.js");
const vsix = process.env.FLUTTER_TUNE_VSIX ?? path.join(repoRoot, "dist", "flutter-tune.vsix");
const python = process.env.FLUTTER_TUNE_PYTHON ?? path.join(repoRoot, ".venv", "bin", "python");
const showcaseAdapter = process.env.FLUTTER_TUNE_E2E_SHOWCASE ? path.resolve(process.env.FLUTTER_TUNE_E2E_SHOWCASE) : "";
const artifacts = path.join(repoRoot, "extension", "test-artifacts", "e2e", ...(showcaseAdapter ? ["showcase"] : []));
const screenshots = path.join(repoRoot, "extension", "test-artifacts", "screenshots");
const readmeScreenshots = showcaseAdapter ? SHOWCASE_README_SCREENSHOTS : README_SCREENSHOTS;
const onlyGiven = (process.env.FLUTTER_TUNE_E2E_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const only = onlyGiven.length || !showcaseAdapter ? onlyGiven : SHOWCASE_SCENARIOS;
const plainPython = process.env.FLUTTER_TUNE_E2E_PLAIN_PYTHON ?? "/usr/bin/python3"; // no flutter-tune in it
const keepWork = process.env.FLUTTER_TUNE_E2E_KEEP === "1";

function log(message) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function which(command) {
  const result = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
}

/** The showcase's adapter and dataset (a copy of each under `dataHome`) and the Flutter Tune cache it uses. */
function showcaseFixtures(dataHome) {
  if (!existsSync(path.join(showcaseAdapter, "adapter_config.json"))) {
    throw new Error(`FLUTTER_TUNE_E2E_SHOWCASE is not an adapter folder (no adapter_config.json): ${showcaseAdapter}`);
  }
  let dataset = process.env.FLUTTER_TUNE_E2E_SHOWCASE_DATASET;
  if (!dataset) {
    const info = path.join(showcaseAdapter, "flutter_tune.json");
    const named = existsSync(info) ? JSON.parse(readFileSync(info, "utf8")).dataset : undefined;
    // Training records the dataset as it was given: relative to where it ran (the repository, for the demo).
    dataset = named ? [path.resolve(named), path.resolve(repoRoot, named)].find((d) => existsSync(d)) : undefined;
  }
  if (dataset && !existsSync(path.join(dataset, "train.jsonl"))) {
    throw new Error(`FLUTTER_TUNE_E2E_SHOWCASE_DATASET has no train.jsonl: ${dataset}`);
  }
  const adaptersDir = path.join(dataHome, "adapters");
  const adapter = path.join(adaptersDir, path.basename(showcaseAdapter));
  cpSync(showcaseAdapter, adapter, { recursive: true });
  const datasetDir = dataset ? path.join(dataHome, "dataset") : undefined;
  if (dataset) {
    cpSync(dataset, datasetDir, { recursive: true });
  }
  const cache = process.env.FLUTTER_TUNE_CACHE
    || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "flutter-tune");
  log(`showcase: adapter ${showcaseAdapter}; retrieval from ${dataset ?? "(no dataset: off)"}; cache ${cache}`);
  if (!existsSync(path.join(cache, "models"))) {
    log(`showcase: no converted model in ${cache}: the server converts the default model first (minutes)`);
  }
  return { settings: showcaseSettings({ adapter, datasetDir, adaptersDir }), cache, name: path.basename(adapter) };
}

function ensureCodeServer() {
  if (existsSync(entry) && existsSync(path.join(codeServerHome, `.installed-${CODE_SERVER_VERSION}`))) {
    return;
  }
  log(`installing code-server ${CODE_SERVER_VERSION} into ${codeServerHome}`);
  const result = spawnSync("bash", [path.join(here, "install-code-server.sh"), codeServerHome], { stdio: "inherit" });
  if (result.status !== 0) {
    throw new Error("installing code-server failed");
  }
}

async function main() {
  const chromiumPath = process.env.CHROMIUM_PATH || which("chromium") || which("chromium-browser");
  if (!chromiumPath) {
    throw new Error("chromium is not installed (apt-get install chromium)");
  }
  for (const [what, file] of [["the .vsix (npm run package)", vsix], ["the Python environment (scripts/setup.sh)", python]]) {
    if (!existsSync(file)) {
      throw new Error(`missing ${what}: ${file}`);
    }
  }
  ensureCodeServer();
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const work = mkdtempSync(path.join(os.tmpdir(), "flutter-tune-e2e-"));
  log(`work folder ${work}`);
  const workspace = path.join(work, "workspace");
  const dartFile = makeWorkspace(repoRoot, workspace);
  const dataHome = path.join(work, "flutter-tune-home");
  const showcase = showcaseAdapter ? showcaseFixtures(dataHome) : undefined;
  let model;
  if (!showcase) {
    log("building the tiny test model");
    model = buildTinyModel(python, repoRoot, path.join(work, "model"));
  }
  const trust = !only.length || only.some((name) => SETUP_SCENARIOS.includes(name));
  const plainBin = plainPythonBin(path.join(work, "plain-bin"), plainPython);
  const { dirs, env } = codeServerDirs(path.join(work, "code-server"), {
    FLUTTER_TUNE_HOME: dataHome,
    FLUTTER_TUNE_CACHE: showcase?.cache ?? path.join(work, "flutter-tune-cache"),
    HF_HUB_OFFLINE: "1",
    TRANSFORMERS_OFFLINE: "1",
    PIP_CACHE_DIR: path.join(cacheRoot, "pip"),
    PATH: `${plainBin}${path.delimiter}${process.env.PATH}`,
  });
  writeUserSettings(dirs.userData, { model, dataHome, trust, flutterTune: showcase?.settings });
  writeWorkspaceSettings(workspace, { python });
  log(installExtension(entry, dirs, env, vsix).trim().split("\n").pop());

  const port = await freePort();
  let server;
  let browser;
  // Ctrl+C or a CI timeout: stop the browser and code-server's whole process group before leaving.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, async () => {
      log(`${signal}: stopping code-server and the browser`);
      await browser?.close().catch(() => undefined);
      await stopProcessGroup(server);
      if (!keepWork) {
        rmSync(work, { recursive: true, force: true });
      }
      process.exit(130);
    });
  }
  const results = [];
  let expected = Infinity;
  const ctx0 = {};
  try {
    server = await startCodeServer(entry, dirs, env, port, { trust });
    log(`code-server on port ${port} (pid ${server.pid})`);
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(60_000);
    const consoleLog = [];
    page.on("console", (message) => {
      if (["error", "warning"].includes(message.type())) {
        consoleLog.push(`[${message.type()}] ${message.text()}`);
      }
    });
    ctx0.consoleLog = consoleLog;
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    const ctx = {
      page,
      dartFile,
      relativeDartFile: path.relative(workspace, dartFile),
      // The status bar names the base model and the adapter ("default + <adapter>" in the showcase).
      modelName: showcase ? showcase.name : path.basename(model),
      dataHome,
      codeServerPid: server.pid,
      python,
      plainPython,
      userData: dirs.userData,
      workspace,
      artifacts,
      log,
      showcase: Boolean(showcase),
    };
    const all = scenarios(ctx);
    const selected = only.length ? all.filter(([name]) => only.includes(name)) : all;
    if (only.length && selected.length !== only.length) {
      throw new Error(`unknown scenario in ${onlyGiven.length ? "FLUTTER_TUNE_E2E_ONLY" : "SHOWCASE_SCENARIOS"}: ${only.join(", ")}; known: ${all.map(([n]) => n).join(", ")}`);
    }
    expected = selected.length;
    for (const [name, run] of selected) {
      const index = all.findIndex(([n]) => n === name) + 1;
      const shot = path.join(artifacts, `${String(index).padStart(2, "0")}-${name}.png`);
      const started = Date.now();
      try {
        await run();
        await page.screenshot({ path: shot });
        results.push({ name, ok: true, seconds: (Date.now() - started) / 1000 });
        log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)}s) → ${path.relative(repoRoot, shot)}`);
      } catch (error) {
        await page.screenshot({ path: shot.replace(".png", "-FAILED.png") }).catch(() => undefined);
        results.push({ name, ok: false, error: String(error?.stack ?? error) });
        log(`FAIL ${name}: ${error?.message ?? error}`);
        break;
      }
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await stopProcessGroup(server);
    for (const [from, to] of [[dirs.log, "code-server.log"], [path.join(dirs.userData, "logs"), "vscode-logs"]]) {
      if (existsSync(from)) {
        cpSync(from, path.join(artifacts, to), { recursive: true });
      }
    }
    writeFileSync(path.join(artifacts, "results.json"), JSON.stringify(results, null, 2));
    writeFileSync(path.join(artifacts, "browser-console.log"), (ctx0.consoleLog ?? []).join("\n") + "\n");
    // The README's screenshots: copied from this run (only those it took; generation's only from the showcase).
    mkdirSync(screenshots, { recursive: true });
    for (const [from, to] of Object.entries(readmeScreenshots)) {
      if (existsSync(path.join(artifacts, from))) {
        cpSync(path.join(artifacts, from), path.join(screenshots, to));
      }
    }
    if (!keepWork) {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const failed = results.filter((r) => !r.ok);
  if (failed.length || results.length !== expected) {
    for (const failure of failed) {
      console.error(`\n${failure.name}: ${failure.error}`);
    }
    console.error(`e2e: ${results.filter((r) => r.ok).length}/${expected} scenarios passed; artifacts in ${artifacts}`);
    process.exit(1);
  }
  log(`all ${expected} scenarios passed; screenshots in ${path.relative(repoRoot, artifacts)}`);
}

main().catch((error) => {
  console.error(`e2e: ${error?.stack ?? error}`);
  process.exit(1);
});
