/**
 * Editor settings (`contributes.configuration`, section `flutterTune`) → the server's settings object.
 *
 * The server receives the same object as `initializationOptions` at start and as
 * `workspace/didChangeConfiguration` `{settings: {flutterTune: ...}}` on every change. Every key is sent
 * every time (the server merges onto its current settings, so a setting reset to its default must be
 * sent too); the defaults in package.json match server/settings.py. Empty folder settings are sent as
 * null ("use the default folder" / "no adapter"). `pythonPath` is the client's business (which
 * interpreter runs the server) and is never sent. An empty `flutterSdkPath` is filled from the Dart
 * extension's own `dart.flutterSdkPath` (else `dart.sdkPath`): the SDK the user already chose for Dart.
 */
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export const SECTION = "flutterTune";

/** Keys the server understands (docs/ARCHITECTURE.md), in their `flutterTune.` form. */
export const SERVER_KEYS = [
  "baseModel",
  "adapter",
  "quantization",
  "device",
  "backend",
  "maxNewTokens",
  "temperature",
  "topP",
  "timeLimitSeconds",
  "candidates",
  "checkNames",
  "datasetDir",
  "adaptersDir",
  "autoSwitch",
  "continuousLearning",
  "retrainAfter",
  "flutterSdkPath",
  "retrieval.enabled",
  "retrieval.k",
  "retrieval.tokenBudget",
] as const;

/** Settings whose values are paths: `~` and `${workspaceFolder}` are expanded before sending. */
const PATH_KEYS = new Set(["baseModel", "adapter", "datasetDir", "adaptersDir", "flutterSdkPath"]);

/** Settings where an empty string means "none / the default folder", sent as null. */
const NULLABLE_KEYS = new Set(["adapter", "datasetDir", "adaptersDir", "flutterSdkPath"]);

/** The Dart extension's settings (section `dart`) naming its SDK, in the order they are taken. */
export const DART_SDK_KEYS = ["flutterSdkPath", "sdkPath"] as const;

/** Values that name something other than a path, left as they are. */
const NOT_PATHS = new Set(["active", "latest", "default"]);

/** The settings object sent to the server: flat keys plus a nested `retrieval` object. */
export interface ServerSettings {
  baseModel?: string;
  adapter?: string | null;
  quantization?: string;
  device?: string;
  backend?: string;
  maxNewTokens?: number;
  temperature?: number;
  topP?: number;
  timeLimitSeconds?: number;
  candidates?: number;
  checkNames?: boolean;
  datasetDir?: string | null;
  adaptersDir?: string | null;
  autoSwitch?: boolean;
  continuousLearning?: string;
  retrainAfter?: number;
  flutterSdkPath?: string | null;
  retrieval?: { enabled?: boolean; k?: number; tokenBudget?: number };
}

/** The part of `vscode.WorkspaceConfiguration` this module reads (lets tests pass a plain fake). */
export interface ConfigurationLike {
  inspect<T>(key: string):
    | { globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T; defaultValue?: T }
    | undefined;
}

/**
 * Settings a workspace may not choose until it is trusted (mirrors `restrictedConfigurations` in
 * package.json): an untrusted folder must not pick the interpreter or the files the server reads.
 */
export const RESTRICTED_KEYS = new Set([
  "pythonPath",
  "baseModel",
  "adapter",
  "datasetDir",
  "adaptersDir",
  "flutterSdkPath",
]);

/**
 * The effective value of `key`: folder beats workspace beats user beats the declared default.
 * In an untrusted workspace, restricted keys skip the workspace's values.
 */
export function effectiveValue<T>(
  config: ConfigurationLike,
  key: string,
  trusted = true,
  restricted = RESTRICTED_KEYS.has(key),
): T | undefined {
  const info = config.inspect<T>(key);
  if (!info) {
    return undefined;
  }
  if (!trusted && restricted) {
    return info.globalValue ?? info.defaultValue;
  }
  return info.workspaceFolderValue ?? info.workspaceValue ?? info.globalValue ?? info.defaultValue;
}

/** Expand a leading `~` and `${workspaceFolder}` in a path-like setting. */
export function expandPath(value: string, workspaceFolder: string | undefined): string {
  let result = value;
  if (workspaceFolder) {
    result = result.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (result === "~" || result.startsWith("~/")) {
    result = path.join(os.homedir(), result.slice(1));
  }
  return result;
}

/**
 * The SDK the Dart extension is set to (`dart.flutterSdkPath`, else `dart.sdkPath`), or "" — both name an
 * executable the server runs, so a workspace's values count only when it is trusted.
 */
export function dartExtensionSdk(dart: ConfigurationLike | undefined, trusted = true): string {
  for (const key of DART_SDK_KEYS) {
    const value = dart ? effectiveValue<unknown>(dart, key, trusted, true) : undefined;
    if (typeof value === "string" && value.trim()) {
      return value.trim();
    }
  }
  return "";
}

/** Build the server's settings object (every key) from `config` (and `dart`, the Dart extension's settings). */
export function toServerSettings(
  config: ConfigurationLike,
  workspaceFolder?: string,
  trusted = true,
  dart?: ConfigurationLike,
): ServerSettings {
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    let value = effectiveValue<unknown>(config, key, trusted);
    if (key === "flutterSdkPath" && (typeof value !== "string" || !value.trim())) {
      value = dartExtensionSdk(dart, trusted);
    }
    if (key === "continuousLearning" && !trusted) {
      value = "off"; // nothing runs on its own in an untrusted workspace (the server restarts on trust)
    }
    if (value === undefined) {
      continue;
    }
    if (typeof value === "string") {
      value = value.trim();
      if (value === "" && NULLABLE_KEYS.has(key)) {
        value = null;
      } else if (value === "" && key === "baseModel") {
        value = "default";
      } else if (PATH_KEYS.has(key) && !NOT_PATHS.has(value as string)) {
        value = expandPath(value as string, workspaceFolder);
      }
    }
    const [head, tail] = key.split(".");
    if (tail) {
      const group = (settings[head] ??= {}) as Record<string, unknown>;
      group[tail] = value;
    } else {
      settings[head] = value;
    }
  }
  return settings as ServerSettings;
}

/** The first workspace folder's path, used to expand `${workspaceFolder}`. */
function firstWorkspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** The current server settings read from VS Code. */
export function currentServerSettings(): ServerSettings {
  return toServerSettings(
    vscode.workspace.getConfiguration(SECTION),
    firstWorkspaceFolder(),
    vscode.workspace.isTrusted,
    vscode.workspace.getConfiguration("dart"),
  );
}

/** The `flutterTune.pythonPath` setting, expanded; empty string when unset. */
export function configuredPythonPath(): string {
  const config = vscode.workspace.getConfiguration(SECTION);
  const value = effectiveValue<string>(config, "pythonPath", vscode.workspace.isTrusted) ?? "";
  return value.trim() ? expandPath(value.trim(), firstWorkspaceFolder()) : "";
}
