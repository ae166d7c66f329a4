// End-to-end test: the packaged .vsix in code-server, driven by Playwright in Debian's Chromium, with the
// real Flutter Tune language server on a tiny model. Screenshots go to extension/test-artifacts/e2e/.
//
// Needs: dist/flutter-tune.vsix (npm run package), .venv with flutter-tune, `chromium` and `rg` on PATH.
// code-server is installed once into $FLUTTER_TUNE_E2E_CACHE (default ~/.cache/flutter-tune-e2e).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { codeServerDirs, freePort, installExtension, startCodeServer, stopProcessGroup } from "./codeServer.mjs";
import { buildTinyModel, makeWorkspace, writeUserSettings } from "./fixtures.mjs";
import { scenarios } from "./scenarios.mjs";
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
const artifacts = path.join(repoRoot, "extension", "test-artifacts", "e2e");
const keepWork = process.env.FLUTTER_TUNE_E2E_KEEP === "1";

function log(message) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function which(command) {
  const result = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
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
  log("building the tiny test model");
  const model = buildTinyModel(python, repoRoot, path.join(work, "model"));
  const dataHome = path.join(work, "flutter-tune-home");
  const { dirs, env } = codeServerDirs(path.join(work, "code-server"), {
    FLUTTER_TUNE_HOME: dataHome,
    FLUTTER_TUNE_CACHE: path.join(work, "flutter-tune-cache"),
    HF_HUB_OFFLINE: "1",
    TRANSFORMERS_OFFLINE: "1",
  });
  writeUserSettings(dirs.userData, { python, model, dataHome });
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
  try {
    server = await startCodeServer(entry, dirs, env, port);
    log(`code-server on port ${port} (pid ${server.pid})`);
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(60_000);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    const ctx = {
      page,
      dartFile,
      relativeDartFile: path.relative(workspace, dartFile),
      modelName: path.basename(model),
      dataHome,
      codeServerPid: server.pid,
      python,
      artifacts,
      log,
    };
    expected = scenarios(ctx).length;
    let index = 0;
    for (const [name, run] of scenarios(ctx)) {
      index += 1;
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
