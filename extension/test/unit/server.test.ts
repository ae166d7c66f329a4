/**
 * ServerManager with a stand-in LanguageClient: what a start passes to the client (settings read at
 * every start, crash restarts included), which interpreter it starts, and that overlapping restarts
 * leave one client running.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as vscode from "vscode";
import { fakeConfiguration } from "./helpers";

const clients: FakeClient[] = [];

class FakeClient {
  state = 1; // Stopped
  started = 0;
  stopped = false;
  disposed = false;
  closedDuringStop: number | undefined;
  serverProcess = { pid: undefined, exitCode: 0, signalCode: null, kill: () => true };
  constructor(readonly id: string, readonly name: string, readonly serverOptions: { command: string; args: string[] }, readonly clientOptions: {
    initializationOptions: unknown;
    errorHandler: { closed(): { action: number } };
  }) {
    clients.push(this);
  }
  onDidChangeState() {}
  onNotification() {}
  registerFeature() {}
  isRunning() {
    return this.state === 2;
  }
  async start() {
    this.state = 3; // Starting
    await new Promise((resolve) => setTimeout(resolve, 20)); // the server's initialize
    this.started += 1;
    this.state = 2; // Running
  }
  async stop() {
    if (this.state !== 2) {
      throw new Error(`Client is not running and can't be stopped. It's current state is: ${this.state}`);
    }
    this.stopped = true;
    this.closedDuringStop = this.clientOptions.errorHandler.closed().action; // the connection closes
    this.state = 1;
  }
  async dispose() {
    this.disposed = true;
  }
}

vi.mock("vscode-languageclient/node", () => ({
  LanguageClient: FakeClient,
  State: { Stopped: 1, Running: 2, Starting: 3 },
  TransportKind: { stdio: 0 },
  CloseAction: { DoNotRestart: 1, Restart: 2 },
  ErrorAction: { Continue: 1, Shutdown: 2 },
  DidChangeConfigurationNotification: { type: "workspace/didChangeConfiguration" },
  ExecuteCommandRequest: { type: "workspace/executeCommand" },
}));

const checks: string[] = [];
vi.mock("../../src/python", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/python")>();
  return {
    ...original,
    // Flutter Tune is "installed" only in /ok/* interpreters.
    checkFlutterTune: async (python: string) => {
      checks.push(python);
      return python.startsWith("/ok/") ? { ok: true, version: "0.1.0" } : { ok: false, reason: "No module named 'server'" };
    },
    pythonExtensionInterpreter: async () => "/ok/workspace-selected/python",
  };
});

const { ServerManager } = await import("../../src/server");

const mock = vscode as unknown as {
  workspace: { isTrusted: boolean; configuration: Record<string, unknown>; workspaceFolders?: unknown };
  shown: [string, string, string[]][];
};

function makeManager(managed?: string) {
  const output = { info: () => undefined, error: () => undefined, show: () => undefined };
  const statusBar = { show: () => undefined };
  const setup = { updateIfOutdated: async () => true, readyPython: async () => managed };
  const hooks = { setupGuide: async () => undefined, runSetup: async () => undefined, onStatus: () => undefined, onTrainingProgress: () => undefined, onReady: () => undefined, onLearned: () => undefined };
  const context = { extensionPath: "/ext" };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new ServerManager(context as any, output as any, statusBar as any, setup as any, hooks);
}

beforeEach(() => {
  clients.length = 0;
  checks.length = 0;
  mock.shown.length = 0;
  mock.workspace.isTrusted = true;
  mock.workspace.workspaceFolders = undefined;
  mock.workspace.configuration = fakeConfiguration();
});

describe("ServerManager", () => {
  it("sends the settings of the moment at every start, so a crash restart does not send stale ones", async () => {
    mock.workspace.configuration = fakeConfiguration({ pythonPath: "/ok/venv/python", maxNewTokens: 100 });
    const manager = makeManager();
    expect(await manager.start()).toBe(true);
    const options = clients[0].clientOptions.initializationOptions;
    expect(typeof options).toBe("function");
    expect((options as () => { maxNewTokens: number })().maxNewTokens).toBe(100);
    mock.workspace.configuration = fakeConfiguration({ pythonPath: "/ok/venv/python", maxNewTokens: 64 });
    // vscode-languageclient calls it again when it restarts the server after a crash
    expect((options as () => { maxNewTokens: number })().maxNewTokens).toBe(64);
    expect(clients[0].clientOptions.errorHandler.closed().action).toBe(2); // Restart
  });

  it("starts the configured interpreter, and only it", async () => {
    mock.workspace.configuration = fakeConfiguration({ pythonPath: "/ok/venv/python" });
    await makeManager("/ok/managed/python").start();
    expect(clients[0].serverOptions.command).toBe("/ok/venv/python");
    expect(clients[0].serverOptions.args).toEqual(["-m", "server", "serve"]);
    expect(checks).toEqual(["/ok/venv/python"]);
  });

  it("in an untrusted workspace never asks the Python extension and never runs the workspace's pythonPath", async () => {
    mock.workspace.isTrusted = false;
    mock.workspace.configuration = fakeConfiguration({}, { pythonPath: "/ok/workspace/python" });
    expect(await makeManager().start()).toBe(false);
    expect(checks).toEqual(["python3"]);
    expect(clients).toHaveLength(0);
    const [kind, text, buttons] = mock.shown[0];
    expect(kind).toBe("warning");
    expect(text).toContain("not found in python3");
    expect(buttons[0]).toBe("Set Up Flutter Tune");
  });

  it("trusted, it takes the Python extension's interpreter when it has Flutter Tune", async () => {
    await makeManager("/ok/managed/python").start();
    expect(clients[0].serverOptions.command).toBe("/ok/workspace-selected/python");
  });

  it("falls back to the set-up environment", async () => {
    mock.workspace.isTrusted = false;
    await makeManager("/ok/managed/python").start();
    expect(clients[0].serverOptions.command).toBe("/ok/managed/python");
  });

  it("five restarts in quick succession (the first while starting) leave exactly one running client", async () => {
    mock.workspace.configuration = fakeConfiguration({ pythonPath: "/ok/venv/python" });
    const manager = makeManager();
    const starting = manager.start();
    const restarts = [];
    for (let i = 0; i < 5; i++) {
      restarts.push(manager.restart());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all([starting, ...restarts]);
    const running = clients.filter((c) => c.isRunning());
    expect(running).toHaveLength(1);
    expect(running[0]).toBe(manager.client);
    expect(clients.filter((c) => c !== running[0]).every((c) => c.stopped && c.disposed)).toBe(true);
  });

  it("a user stop is not mistaken for a crash", async () => {
    mock.workspace.configuration = fakeConfiguration({ pythonPath: "/ok/venv/python" });
    const manager = makeManager();
    await manager.start();
    await manager.stop();
    expect(clients[0].closedDuringStop).toBe(1); // DoNotRestart: no crash restart, no "stopped unexpectedly"
    expect(mock.shown).toEqual([]);
  });
});
