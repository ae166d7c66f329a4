/**
 * "Set Up Flutter Tune" in the editor: a Python environment in the extension's global storage with the
 * Flutter Tune wheel that ships in the .vsix (plan and state machine in setupPlan.ts).
 *
 * Progress shows in a notification (cancellable: the running pip is stopped with its children), pip's
 * output goes to the output channel, a failure names the step and pip's error and offers the log.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  basePythonCandidates,
  type BaseProbe,
  envState,
  type EnvState,
  type ExecResult,
  makeMarker,
  MARKER_FILE,
  minimumPython,
  noBasePythonMessage,
  parseProbe,
  pickBasePython,
  pipStatus,
  PROBE_SCRIPT,
  runSetup,
  type SetupStep,
  setupSteps,
  venvPython,
  type WheelManifest,
} from "./setupPlan";
import { pythonExtensionInterpreter } from "./python";

/** Where the wheel and its manifest sit inside the extension. */
export const WHEEL_FOLDER = "python";

/** Share of the progress bar each step takes (the downloads dominate). */
const STEP_WEIGHT: Record<SetupStep["id"], number> = { venv: 5, torch: 40, flutterTune: 40, dependencies: 40, model: 10, verify: 5 };

/** Runs one step as a child process in its own process group; lines go to `onLine`. */
function runStep(step: SetupStep, onLine: (line: string) => void, signal: AbortSignal): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, {
      detached: process.platform !== "win32",
      env: { ...process.env, PYTHONUNBUFFERED: "1", PIP_DISABLE_PIP_VERSION_CHECK: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let cancelled = false;
    const stop = () => {
      cancelled = true;
      try {
        if (child.pid && process.platform !== "win32") {
          process.kill(-child.pid, "SIGTERM"); // pip and whatever it started
        } else {
          child.kill();
        }
      } catch {
        // already gone
      }
    };
    signal.addEventListener("abort", stop, { once: true });
    for (const stream of [child.stdout, child.stderr]) {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (partial + chunk).split(/\r?\n/);
        partial = lines.pop() ?? "";
        lines.forEach(onLine);
      });
      stream.on("end", () => partial && onLine(partial));
    }
    child.on("error", (error) => {
      onLine(`${step.command}: ${error.message}`);
      signal.removeEventListener("abort", stop);
      resolve({ code: -1, cancelled });
    });
    child.on("close", (code) => {
      signal.removeEventListener("abort", stop);
      resolve({ code, cancelled });
    });
  });
}

function probeBase(command: string): Promise<BaseProbe> {
  return new Promise((resolve) => {
    execFile(command, ["-c", PROBE_SCRIPT], { timeout: 30_000 }, (error, stdout) => resolve(parseProbe(command, error ? undefined : stdout)));
  });
}

/** The managed environment: its state, its Python, and the set-up/update runs. */
export class EnvironmentSetup {
  private running: Promise<boolean> | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.LogOutputChannel) {}

  get envDir(): string {
    return path.join(this.context.globalStorageUri.fsPath, "python-env");
  }

  /** The wheel's manifest, or undefined in a development build that ships no wheel. */
  async manifest(): Promise<WheelManifest | undefined> {
    try {
      const text = await fs.readFile(path.join(this.context.extensionPath, WHEEL_FOLDER, "manifest.json"), "utf8");
      return JSON.parse(text) as WheelManifest;
    } catch {
      return undefined;
    }
  }

  async state(manifest?: WheelManifest): Promise<EnvState | undefined> {
    manifest ??= await this.manifest();
    if (!manifest) {
      return undefined;
    }
    const exists = await fs.stat(this.envDir).then(() => true, () => false);
    const marker = await fs.readFile(path.join(this.envDir, MARKER_FILE), "utf8").then((t) => JSON.parse(t) as unknown, () => undefined);
    return envState(exists, marker, manifest);
  }

  /** The managed environment's Python when the set-up finished (also when a newer wheel waits). */
  async readyPython(): Promise<string | undefined> {
    const state = await this.state();
    return state === "ready" || state === "outdated" ? venvPython(this.envDir) : undefined;
  }

  /** A newer wheel than the environment's: update it (progress shown). True if nothing was left to do. */
  async updateIfOutdated(): Promise<boolean> {
    if ((await this.state()) !== "outdated") {
      return true;
    }
    this.output.info("the extension ships a newer Flutter Tune: updating its Python environment");
    return this.run();
  }

  /** Set up the environment, finish an interrupted set-up, or update it to the shipped wheel. One run at a time in this window. */
  run(): Promise<boolean> {
    this.running ??= this.doRun().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async doRun(): Promise<boolean> {
    const manifest = await this.manifest();
    if (!manifest) {
      void vscode.window.showErrorMessage(
        "Flutter Tune: this build of the extension ships no Python package to install. Set flutterTune.pythonPath to a Python with Flutter Tune.",
      );
      return false;
    }
    const state = await this.state(manifest);
    if (state === "foreign") {
      void vscode.window.showErrorMessage(
        `Flutter Tune: ${this.envDir} exists but was not made by Flutter Tune; it is left alone. Move it away, or set flutterTune.pythonPath.`,
      );
      return false;
    }
    if (state === "ready") {
      return true;
    }
    const plan = state === "outdated" ? "update" : "create";
    let basePython = "";
    if (plan === "create") {
      const base = await this.findBasePython(manifest);
      if (!base) {
        return false;
      }
      basePython = base;
    }
    const wheelPath = path.join(this.context.extensionPath, WHEEL_FOLDER, manifest.wheel);
    if (!(await this.wheelIntact(wheelPath, manifest))) {
      return false;
    }
    const steps = setupSteps(plan, { basePython, envDir: this.envDir, wheelPath }, manifest);
    this.output.info(`set-up (${plan}) of ${this.envDir} with ${manifest.wheel}`);
    const title = plan === "create" ? "Flutter Tune: setting up" : "Flutter Tune: updating its Python environment";
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let stepTitle = "";
        let weight = 0;
        const total = steps.reduce((sum, step) => sum + STEP_WEIGHT[step.id], 0);
        return runSetup(steps, {
          signal: abort.signal,
          run: runStep,
          writeMarker: async (markerState) => {
            await fs.mkdir(this.envDir, { recursive: true });
            await fs.writeFile(path.join(this.envDir, MARKER_FILE), JSON.stringify(makeMarker(markerState, manifest), null, 2));
          },
          onStep: (index, step) => {
            progress.report({ increment: (100 * weight) / total, message: `${index + 1}/${steps.length} ${step.title}` });
            weight = STEP_WEIGHT[step.id];
            stepTitle = `${index + 1}/${steps.length} ${step.title}`;
            this.output.info(`${stepTitle}: ${step.command} ${step.args.join(" ")}`);
          },
          onLine: (line) => {
            this.output.info(line);
            const status = pipStatus(line);
            if (status) {
              progress.report({ message: `${stepTitle} · ${status}` });
            }
          },
        });
      },
    );
    if (outcome.state === "done") {
      this.output.info("set-up finished");
      void vscode.window.setStatusBarMessage("Flutter Tune: Python environment ready", 5000);
      return true;
    }
    if (outcome.state === "cancelled") {
      this.output.info(`set-up cancelled during: ${outcome.step.title}`);
      void vscode.window.showInformationMessage("Flutter Tune: set-up cancelled. Run it again to finish; what was installed is kept.");
      return false;
    }
    this.output.error(`set-up failed during "${outcome.step.title}": ${outcome.reason}`);
    void this.reportFailure(`Flutter Tune set-up failed while ${lowerFirst(outcome.step.title)}: ${outcome.reason}`);
    return false;
  }

  private async reportFailure(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, "Show Log", "Retry");
    if (choice === "Show Log") {
      this.output.show(true);
    } else if (choice === "Retry") {
      await vscode.commands.executeCommand("flutterTune.setUp");
    }
  }

  /** The base interpreter for the venv (the Python extension's only in a trusted workspace). */
  private async findBasePython(manifest: WheelManifest): Promise<string | undefined> {
    const minimum = minimumPython(manifest.requiresPython) ?? [3, 11];
    const fromExtension = vscode.workspace.isTrusted ? await pythonExtensionInterpreter() : undefined;
    const probes: BaseProbe[] = [];
    for (const command of basePythonCandidates(fromExtension)) {
      const probe = await probeBase(command);
      probes.push(probe);
      const chosen = pickBasePython([probe], minimum);
      if (chosen) {
        this.output.info(`set-up: base Python ${command} ${probe.version!.join(".")}`);
        return command;
      }
    }
    const message = noBasePythonMessage(probes, minimum);
    this.output.error(message);
    void vscode.window.showErrorMessage(message, "Show Log").then((c) => c && this.output.show(true));
    return undefined;
  }

  private async wheelIntact(wheelPath: string, manifest: WheelManifest): Promise<boolean> {
    try {
      const digest = createHash("sha256").update(await fs.readFile(wheelPath)).digest("hex");
      if (digest === manifest.sha256) {
        return true;
      }
      void vscode.window.showErrorMessage(`Flutter Tune: ${wheelPath} does not match its manifest; reinstall the extension.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Flutter Tune: cannot read ${wheelPath}: ${String(error)}; reinstall the extension.`);
    }
    return false;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
