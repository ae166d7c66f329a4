import * as os from "node:os";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as vscode from "vscode";
import {
  configuredPythonPath,
  currentServerSettings,
  expandPath,
  RESTRICTED_KEYS,
  SERVER_KEYS,
  toServerSettings,
} from "../../src/settings";
import { configLike, fakeConfiguration, manifest } from "./helpers";

const mock = vscode as unknown as {
  workspace: { isTrusted: boolean; configuration: Record<string, unknown>; workspaceFolders?: { uri: { fsPath: string } }[] };
};

describe("toServerSettings", () => {
  it("sends every server key with the declared defaults, retrieval nested", () => {
    expect(toServerSettings(configLike())).toEqual({
      baseModel: "default",
      adapter: "active",
      quantization: "auto",
      device: "auto",
      maxNewTokens: 384,
      temperature: 0.8,
      topP: 0.95,
      timeLimitSeconds: 120,
      backend: "auto",
      candidates: 8,
      checkNames: true,
      datasetDir: null,
      adaptersDir: null,
      autoSwitch: true,
      continuousLearning: "retrieval",
      retrainAfter: 20,
      flutterSdkPath: null,
      retrieval: { enabled: true, k: 2, tokenBudget: 1024 },
    });
  });

  it("takes the Flutter SDK from the Dart extension when flutterTune.flutterSdkPath is empty", () => {
    const dart = (user: Record<string, string>, workspace: Record<string, string> = {}) => ({
      inspect: <T>(key: string) =>
        ({ globalValue: user[key], workspaceValue: workspace[key] }) as { globalValue?: T; workspaceValue?: T },
    });
    const send = (ours: Record<string, unknown>, theirs: ReturnType<typeof dart>, trusted = true) =>
      toServerSettings(configLike(ours), "/srv/app", trusted, theirs).flutterSdkPath;
    expect(send({}, dart({ flutterSdkPath: "~/flutter", sdkPath: "/opt/dart" }))).toBe(path.join(os.homedir(), "flutter"));
    expect(send({}, dart({ sdkPath: "/opt/dart-sdk" }))).toBe("/opt/dart-sdk");
    expect(send({ flutterSdkPath: "/mine/flutter" }, dart({ flutterSdkPath: "/theirs" }))).toBe("/mine/flutter");
    expect(send({}, dart({}, { flutterSdkPath: ".fvm/flutter_sdk" }))).toBe(".fvm/flutter_sdk");
    expect(send({}, dart({}, { flutterSdkPath: "/evil/flutter" }), false)).toBeNull(); // untrusted: user values only
    expect(send({}, dart({}))).toBeNull();
    expect(toServerSettings(configLike()).flutterSdkPath).toBeNull();
  });

  it("never sends the interpreter path", () => {
    const settings = toServerSettings(configLike({ pythonPath: "/venv/bin/python" }));
    expect(JSON.stringify(settings)).not.toContain("pythonPath");
  });

  it("workspace values beat user values, and nested retrieval keys map into the retrieval object", () => {
    const settings = toServerSettings(
      configLike({ maxNewTokens: 100, "retrieval.k": 5 }, { maxNewTokens: 64, "retrieval.enabled": false }),
    );
    expect(settings.maxNewTokens).toBe(64);
    expect(settings.retrieval).toEqual({ enabled: false, k: 5, tokenBudget: 1024 });
  });

  it("maps empty folders and adapter to null and an empty base model to the default", () => {
    const settings = toServerSettings(configLike({ adapter: "  ", datasetDir: "", baseModel: "" }));
    expect(settings.adapter).toBeNull();
    expect(settings.datasetDir).toBeNull();
    expect(settings.baseModel).toBe("default");
  });

  it("expands ~ and ${workspaceFolder} in path settings but not 'latest'", () => {
    const settings = toServerSettings(
      configLike({ datasetDir: "~/ft/dataset", adaptersDir: "${workspaceFolder}/adapters", adapter: "latest" }),
      "/srv/me/app",
    );
    expect(settings.datasetDir).toBe(path.join(os.homedir(), "ft/dataset"));
    expect(settings.adaptersDir).toBe("/srv/me/app/adapters");
    expect(settings.adapter).toBe("latest");
  });

  it("ignores workspace values of restricted settings in an untrusted workspace", () => {
    const config = configLike({ baseModel: "/models/mine" }, { baseModel: "/evil/model", maxNewTokens: 50 });
    expect(toServerSettings(config, undefined, false).baseModel).toBe("/models/mine");
    expect(toServerSettings(config, undefined, false).maxNewTokens).toBe(50);
    expect(toServerSettings(config, undefined, true).baseModel).toBe("/evil/model");
  });

  it("turns continuous learning off in an untrusted workspace, whatever the settings say", () => {
    const config = configLike({ continuousLearning: "retrieval" });
    expect(toServerSettings(config, undefined, true).continuousLearning).toBe("retrieval");
    expect(toServerSettings(config, undefined, false).continuousLearning).toBe("off");
  });
});

describe("manifest and settings agree", () => {
  it("declares every server key and the interpreter under contributes.configuration", () => {
    const declared = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace("flutterTune.", ""));
    expect(new Set(declared)).toEqual(new Set([...SERVER_KEYS, "pythonPath"]));
  });

  it("restricts the same settings in untrusted workspaces as the client does", () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.map((k) => k.replace("flutterTune.", ""));
    expect(new Set(restricted)).toEqual(RESTRICTED_KEYS);
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe("limited");
  });
});

describe("reading VS Code's configuration", () => {
  beforeEach(() => {
    mock.workspace.isTrusted = true;
    mock.workspace.workspaceFolders = [{ uri: { fsPath: "/work/app" } }];
  });

  it("currentServerSettings reads the live configuration", () => {
    mock.workspace.configuration = fakeConfiguration({ device: "cpu", datasetDir: "${workspaceFolder}/data" });
    const settings = currentServerSettings();
    expect(settings.device).toBe("cpu");
    expect(settings.datasetDir).toBe("/work/app/data");
  });

  it("configuredPythonPath takes the workspace interpreter only when trusted", () => {
    mock.workspace.configuration = fakeConfiguration({ pythonPath: "/user/python" }, { pythonPath: "./.venv/bin/python" });
    expect(configuredPythonPath()).toBe("./.venv/bin/python");
    mock.workspace.isTrusted = false;
    expect(configuredPythonPath()).toBe("/user/python");
  });

  it("configuredPythonPath is empty when unset", () => {
    mock.workspace.configuration = fakeConfiguration();
    expect(configuredPythonPath()).toBe("");
  });
});

describe("expandPath", () => {
  it("leaves other paths alone", () => {
    expect(expandPath("/abs/path", "/w")).toBe("/abs/path");
    expect(expandPath("rel/~/x", undefined)).toBe("rel/~/x");
  });
});
