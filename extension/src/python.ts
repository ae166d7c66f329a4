/**
 * Which Python runs the language server, and whether Flutter Tune is installed in it.
 *
 * Order: the `flutterTune.pythonPath` setting; else the interpreter selected in the Python extension
 * (ms-python.python) if it is installed; else `python3` from PATH.
 */
import { execFile } from "node:child_process";
import * as vscode from "vscode";

export type InterpreterSource = "setting" | "pythonExtension" | "default";

/** The interpreter to use and where the choice came from (shown in the log and in messages). */
export interface Interpreter {
  command: string;
  source: InterpreterSource;
}

export const DEFAULT_PYTHON = "python3";

/** Pick the interpreter from the configured path and the Python extension's selection (either may be empty). */
export function chooseInterpreter(configured: string | undefined, fromPythonExtension: string | undefined): Interpreter {
  if (configured && configured.trim()) {
    return { command: configured.trim(), source: "setting" };
  }
  if (fromPythonExtension && fromPythonExtension.trim()) {
    return { command: fromPythonExtension.trim(), source: "pythonExtension" };
  }
  return { command: DEFAULT_PYTHON, source: "default" };
}

/** Human words for where the interpreter came from. */
export function describeSource(source: InterpreterSource): string {
  switch (source) {
    case "setting":
      return "the flutterTune.pythonPath setting";
    case "pythonExtension":
      return "the interpreter selected in the Python extension";
    default:
      return "python3 on PATH (flutterTune.pythonPath is not set)";
  }
}

/** The part of the Python extension's API we use (both its newer and its older shape). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(path: string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined;
  };
}

/** The interpreter selected in the Python extension, or undefined if it is not installed or has none. */
export async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const active = api?.environments?.getActiveEnvironmentPath(resource);
    if (active?.path) {
      const resolved = await api?.environments?.resolveEnvironment?.(active.path);
      return resolved?.executable?.uri?.fsPath ?? active.path;
    }
    return api?.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
  } catch {
    return undefined;
  }
}

/** What the import check found: the installed version, or why it failed (`missing`: no such interpreter). */
export type InstallCheck = { ok: true; version: string } | { ok: false; reason: string; missing?: boolean };

/** Code run in the interpreter: Flutter Tune's server package must import and have a version. */
export const CHECK_SCRIPT =
  "import importlib.metadata as m, server.cli; print(m.version('flutter-tune'))";

/** Check that Flutter Tune is importable in `python` (run from `cwd`, so the workspace cannot shadow it). */
export function checkFlutterTune(python: string, cwd: string, timeoutMs = 60_000): Promise<InstallCheck> {
  return new Promise((resolve) => {
    execFile(python, ["-c", CHECK_SCRIPT], { cwd, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ ok: true, version: stdout.trim() });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        resolve({ ok: false, reason: `${python} was not found`, missing: true });
        return;
      }
      const lastLine = stderr.trim().split("\n").pop() ?? error.message;
      resolve({ ok: false, reason: lastLine });
    });
  });
}

/** The one message shown when the server cannot start in `interpreter` (says what to do). */
export function notInstalledMessage(interpreter: Interpreter, check: { reason: string; missing?: boolean }): string {
  const where = describeSource(interpreter.source);
  const fix = "Install Flutter Tune (scripts/setup.sh) and set flutterTune.pythonPath to that environment's Python.";
  if (check.missing) {
    return `Flutter Tune: the Python interpreter ${interpreter.command} (${where}) was not found. ${fix}`;
  }
  return `Flutter Tune is not installed in ${interpreter.command} (${where}): ${check.reason}. ${fix}`;
}
