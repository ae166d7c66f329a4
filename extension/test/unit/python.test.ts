import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as vscode from "vscode";
import {
  checkFlutterTune,
  chooseInterpreter,
  DEFAULT_PYTHON,
  describeSource,
  findInterpreter,
  type InstallCheck,
  interpreterCandidates,
  notInstalledMessage,
  onPythonInterpreterChange,
  setupOfferMessage,
} from "../../src/python";

describe("chooseInterpreter", () => {
  it("prefers the flutterTune.pythonPath setting", () => {
    expect(chooseInterpreter("/venv/bin/python", "/other/python")).toEqual({ command: "/venv/bin/python", source: "setting" });
  });

  it("falls back to the Python extension's interpreter", () => {
    expect(chooseInterpreter("  ", "/selected/python")).toEqual({ command: "/selected/python", source: "pythonExtension" });
    expect(chooseInterpreter(undefined, "/selected/python").source).toBe("pythonExtension");
  });

  it("falls back to python3 when neither is set", () => {
    expect(chooseInterpreter("", undefined)).toEqual({ command: DEFAULT_PYTHON, source: "default" });
    expect(DEFAULT_PYTHON).toBe("python3");
  });

  it("never takes the Python extension's interpreter in an untrusted workspace", () => {
    expect(chooseInterpreter("", "/workspace/.venv/bin/python", false)).toEqual({ command: DEFAULT_PYTHON, source: "default" });
  });

  it("describes each source in words", () => {
    expect(describeSource("managed")).toContain("Set Up Flutter Tune");
    expect(describeSource("setting")).toContain("flutterTune.pythonPath");
    expect(describeSource("pythonExtension")).toContain("Python extension");
    expect(describeSource("default")).toContain("python3");
  });
});

describe("checkFlutterTune", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "ft-python-"));

  /** A fake interpreter: a shell script that prints `stdout` / `stderr` and exits with `code`. */
  function fakePython(name: string, body: string): string {
    const file = path.join(tmp, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it("reports the installed version", async () => {
    const python = fakePython("ok", 'echo "0.1.0"');
    expect(await checkFlutterTune(python, tmp)).toEqual({ ok: true, version: "0.1.0" });
  });

  it("reports the import error's last line when Flutter Tune is missing", async () => {
    const python = fakePython("missing", "echo 'Traceback...' >&2; echo \"ModuleNotFoundError: No module named 'server'\" >&2; exit 1");
    expect(await checkFlutterTune(python, tmp)).toEqual({ ok: false, reason: "ModuleNotFoundError: No module named 'server'" });
  });

  it("says when the interpreter does not exist", async () => {
    const result = await checkFlutterTune(path.join(tmp, "nope"), tmp);
    expect(result).toEqual({ ok: false, reason: `${path.join(tmp, "nope")} was not found`, missing: true });
  });
});

describe("notInstalledMessage", () => {
  it("names the interpreter, where it came from, and what to do", () => {
    const message = notInstalledMessage(
      { command: "/usr/bin/python3", source: "default" },
      { reason: "ModuleNotFoundError: No module named 'server'" },
    );
    expect(message).toBe(
      "Flutter Tune is not installed in /usr/bin/python3 (python3 on PATH (flutterTune.pythonPath is not set)): " +
        "ModuleNotFoundError: No module named 'server'. " +
        "Set flutterTune.pythonPath to a Python that has Flutter Tune, or clear it to let Flutter Tune set up its own environment.",
    );
  });

  it("says plainly when the interpreter does not exist", () => {
    const message = notInstalledMessage({ command: "/nope/python", source: "setting" }, { reason: "x", missing: true });
    expect(message).toMatch(/^Flutter Tune: the Python interpreter \/nope\/python \(the flutterTune.pythonPath setting\) was not found\./);
  });
});

describe("interpreterCandidates", () => {
  it("a configured path is the only candidate", () => {
    expect(interpreterCandidates({ configured: " /venv/bin/python ", pythonExtension: "/sel/python", managed: "/store/env/bin/python", trusted: true }))
      .toEqual([{ command: "/venv/bin/python", source: "setting" }]);
  });

  it("tries the Python extension's, then the set-up environment, then python3", () => {
    expect(interpreterCandidates({ pythonExtension: "/sel/python", managed: "/store/env/bin/python", trusted: true }).map((c) => c.source))
      .toEqual(["pythonExtension", "managed", "default"]);
  });

  it("leaves out the workspace-chosen interpreter when the workspace is not trusted", () => {
    expect(interpreterCandidates({ pythonExtension: "/sel/python", managed: "/store/env/bin/python", trusted: false }))
      .toEqual([{ command: "/store/env/bin/python", source: "managed" }, { command: "python3", source: "default" }]);
  });
});

describe("findInterpreter", () => {
  const has = (pythons: Record<string, InstallCheck>) => async (python: string) => pythons[python] ?? { ok: false, reason: "No module named 'server'" };

  it("takes the first candidate that has Flutter Tune and stops there", async () => {
    const checked: string[] = [];
    const check = async (python: string) => {
      checked.push(python);
      return has({ "/store/env/bin/python": { ok: true, version: "0.2.0" }, python3: { ok: true, version: "0.1.0" } })(python);
    };
    const result = await findInterpreter(interpreterCandidates({ pythonExtension: "/sel/python", managed: "/store/env/bin/python", trusted: true }), check);
    expect(result).toMatchObject({ found: true, interpreter: { source: "managed" }, version: "0.2.0" });
    expect(checked).toEqual(["/sel/python", "/store/env/bin/python"]);
  });

  it("reports every candidate tried when none has it, and the offer names them", async () => {
    const result = await findInterpreter(interpreterCandidates({ pythonExtension: "/sel/python", trusted: true }), has({}));
    expect(result.found).toBe(false);
    expect(result.tried.map((t) => t.interpreter.command)).toEqual(["/sel/python", "python3"]);
    const message = setupOfferMessage(result.tried);
    expect(message).toContain("not found in /sel/python, python3");
    expect(message).toContain("Set one up now?");
  });
});

describe("onPythonInterpreterChange", () => {
  const extensions = (vscode as unknown as { extensions: { getExtension: (id: string) => unknown } }).extensions;

  it("calls back when the Python extension's selected interpreter changes", async () => {
    let fire: (() => void) | undefined;
    const api = { environments: { onDidChangeActiveEnvironmentPath: (listener: () => void) => ((fire = listener), { dispose: () => (fire = undefined) }) } };
    const original = extensions.getExtension;
    extensions.getExtension = (id: string) => (id === "ms-python.python" ? { isActive: true, exports: api } : undefined);
    try {
      let calls = 0;
      const subscription = await onPythonInterpreterChange(() => (calls += 1));
      fire?.();
      fire?.();
      expect(calls).toBe(2);
      subscription?.dispose();
      expect(fire).toBeUndefined();
    } finally {
      extensions.getExtension = original;
    }
  });

  it("does nothing without the Python extension", async () => {
    expect(await onPythonInterpreterChange(() => undefined)).toBeUndefined();
  });
});
