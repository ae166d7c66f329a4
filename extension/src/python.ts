/**
 * Which Python runs the language server, and whether Flutter Tune is installed in it.
 *
 * `flutterTune.pythonPath` wins when set (and is the only candidate then). Otherwise the first of these
 * that has Flutter Tune: the interpreter selected in the Python extension (ms-python.python; only in a
 * trusted workspace, since the workspace chooses it), the environment "Set Up Flutter Tune" made in the
 * extension's global storage, `python3` from PATH. When none has it, the editor offers the set-up.
 */
import { execFile } from "node:child_process";
import * as vscode from "vscode";

export type InterpreterSource = "setting" | "pythonExtension" | "managed" | "default";

/** The interpreter to use and where the choice came from (shown in the log and in messages). */
export interface Interpreter {
  command: string;
  source: InterpreterSource;
}

export const DEFAULT_PYTHON = "python3";

/** What the search knows: the setting, the Python extension's selection, the managed environment's Python. */
export interface InterpreterSources {
  configured?: string;
  pythonExtension?: string;
  managed?: string;
  /** Workspace trust: an untrusted workspace may not pick the interpreter (the Python extension's is per workspace). */
  trusted: boolean;
}

/** The interpreters to try, in order. A configured path is the only candidate. */
export function interpreterCandidates(sources: InterpreterSources): Interpreter[] {
  const configured = sources.configured?.trim();
  if (configured) {
    return [{ command: configured, source: "setting" }];
  }
  const candidates: Interpreter[] = [];
  const fromExtension = sources.pythonExtension?.trim();
  if (fromExtension && sources.trusted) {
    candidates.push({ command: fromExtension, source: "pythonExtension" });
  }
  if (sources.managed) {
    candidates.push({ command: sources.managed, source: "managed" });
  }
  candidates.push({ command: DEFAULT_PYTHON, source: "default" });
  return candidates;
}

/** The first candidate wins: kept for callers that want one interpreter without checking it. */
export function chooseInterpreter(configured: string | undefined, fromPythonExtension: string | undefined, trusted = true): Interpreter {
  return interpreterCandidates({ configured, pythonExtension: fromPythonExtension, trusted })[0];
}

/** One tried interpreter and what the import check said. */
export interface Tried {
  interpreter: Interpreter;
  check: InstallCheck;
}

/** The search's answer: a usable interpreter (with its version), or every candidate that failed. */
export type SearchResult =
  | { found: true; interpreter: Interpreter; version: string; tried: Tried[] }
  | { found: false; tried: Tried[] };

/** Try each candidate in order with `check`; the first with Flutter Tune wins. */
export async function findInterpreter(
  candidates: Interpreter[],
  check: (python: string) => Promise<InstallCheck>,
): Promise<SearchResult> {
  const tried: Tried[] = [];
  for (const interpreter of candidates) {
    const result = await check(interpreter.command);
    tried.push({ interpreter, check: result });
    if (result.ok) {
      return { found: true, interpreter, version: result.version, tried };
    }
  }
  return { found: false, tried };
}

/** Human words for where the interpreter came from. */
export function describeSource(source: InterpreterSource): string {
  switch (source) {
    case "setting":
      return "the flutterTune.pythonPath setting";
    case "pythonExtension":
      return "the interpreter selected in the Python extension";
    case "managed":
      return "the environment made by Set Up Flutter Tune";
    default:
      return "python3 on PATH (flutterTune.pythonPath is not set)";
  }
}

/** The part of the Python extension's API we use (both its newer and its older shape). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(path: string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
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

/**
 * Call `listener` whenever the interpreter selected in the Python extension changes (nothing when the
 * extension is not installed). The Python extension is activated lazily, so this subscribes once it is.
 */
export async function onPythonInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    return api?.environments?.onDidChangeActiveEnvironmentPath?.(() => listener());
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

/** The message shown when the configured interpreter cannot run the server (says what to do). */
export function notInstalledMessage(interpreter: Interpreter, check: { reason: string; missing?: boolean }): string {
  const where = describeSource(interpreter.source);
  const fix = "Set flutterTune.pythonPath to a Python that has Flutter Tune, or clear it to let Flutter Tune set up its own environment.";
  if (check.missing) {
    return `Flutter Tune: the Python interpreter ${interpreter.command} (${where}) was not found. ${fix}`;
  }
  return `Flutter Tune is not installed in ${interpreter.command} (${where}): ${check.reason}. ${fix}`;
}

/** The message offering the set-up when no candidate has Flutter Tune (names what was tried). */
export function setupOfferMessage(tried: Tried[]): string {
  const names = tried.map((t) => t.interpreter.command).join(", ");
  return (
    `Flutter Tune needs a Python environment with Flutter Tune installed (not found in ${names || "any interpreter"}). ` +
    "Set one up now? It downloads PyTorch and Flutter Tune's dependencies (1 GB or more) into the extension's storage."
  );
}
