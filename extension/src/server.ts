/**
 * Starting, stopping and restarting the Flutter Tune language server.
 *
 * The server is `[python, "-m", "server", "serve"]` over stdio, run from the extension's own folder (so
 * a `server/` folder in the user's workspace cannot shadow it). The interpreter comes from python.ts's
 * search; when none has Flutter Tune the user is offered the set-up (setup.ts). Settings go as
 * `initializationOptions` (read again at every start, crash restarts included) and, on change, as
 * `workspace/didChangeConfiguration`. If the server crashes it is restarted (at most MAX_RESTARTS times
 * in RESTART_WINDOW_MS) and the user is told. Start, stop and restart run one at a time (lifecycle.ts).
 */
import * as vscode from "vscode";
import {
  CloseAction,
  type CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  type ErrorHandler,
  type ErrorHandlerResult,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import {
  checkFlutterTune,
  describeSource,
  findInterpreter,
  type Interpreter,
  interpreterCandidates,
  notInstalledMessage,
  pythonExtensionInterpreter,
  setupOfferMessage,
} from "./python";
import { configuredPythonPath, currentServerSettings, SECTION } from "./settings";
import { ServerProgressFeature } from "./progress";
import { LifecycleQueue } from "./lifecycle";
import {
  CrashPolicy,
  MAX_RESTARTS,
  RESTART_WINDOW_MS,
  SERVER_ARGS,
  LEARNED_NOTIFICATION,
  type LearnedReport,
  STATUS_NOTIFICATION,
  TRAINING_PROGRESS_NOTIFICATION,
} from "./launch";
import type { ServerStatus, StatusBar } from "./statusBar";
import type { EnvironmentSetup } from "./setup";
import type { TrainingProgress } from "./trainingView";

/** Commands the manager needs from the rest of the extension (buttons in its messages). */
export interface ServerHooks {
  setupGuide(): Promise<void>;
  /** Run the set-up (the "Set Up Flutter Tune" button). */
  runSetup(): Promise<void>;
  onStatus(status: ServerStatus): void;
  onTrainingProgress(progress: TrainingProgress): void;
  /** A harvest after a save (continuous learning) ended. */
  onLearned(report: LearnedReport): void;
  /** The server runs with Flutter Tune (the walkthrough's first step). */
  onReady(): void;
}

/** Owns the LanguageClient: start with the right interpreter, restart, forward settings and status. */
export class ServerManager implements vscode.Disposable {
  client: LanguageClient | undefined;
  interpreter: Interpreter | undefined;
  private readonly crashPolicy = new CrashPolicy();
  private readonly lifecycle = new LifecycleQueue({ startNow: () => this.startNow(), stopNow: () => this.stopNow() });
  private stopping = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
    private readonly statusBar: StatusBar,
    private readonly setup: EnvironmentSetup,
    private readonly hooks: ServerHooks,
  ) {}

  /** Start the server if it is not running. False if it could not start. */
  start(): Promise<boolean> {
    return this.lifecycle.start();
  }

  /** Stop the server if it runs. */
  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  /** Stop and start again, re-reading the interpreter and the settings. Overlapping requests collapse into one. */
  restart(): Promise<boolean> {
    this.output.info("restart requested");
    return this.lifecycle.restart();
  }

  private async startNow(): Promise<boolean> {
    if (this.client?.isRunning()) {
      return true;
    }
    if (this.client) {
      await this.stopNow(); // a client that gave up after repeated crashes, or failed to start
    }
    this.statusBar.show("starting");
    const interpreter = await this.findInterpreter();
    if (!interpreter) {
      this.statusBar.show("stopped");
      return false;
    }
    this.interpreter = interpreter;
    const client = new LanguageClient("flutterTune", "Flutter Tune", this.serverOptions(interpreter), this.clientOptions());
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped) {
        this.statusBar.show("stopped");
      } else if (event.newState === State.Starting) {
        this.statusBar.show("starting");
      }
    });
    // Registered before start so that they survive the client's own restarts after a crash.
    client.onNotification(STATUS_NOTIFICATION, (status: ServerStatus) => this.hooks.onStatus(status));
    client.onNotification(TRAINING_PROGRESS_NOTIFICATION, (progress: TrainingProgress) => this.hooks.onTrainingProgress(progress));
    client.onNotification(LEARNED_NOTIFICATION, (report: LearnedReport) => this.hooks.onLearned(report));
    client.registerFeature(new ServerProgressFeature(client));
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.error(`the server failed to start: ${String(error)}`);
      this.statusBar.show("stopped");
      void this.offerLogAndRestart(`The Flutter Tune server failed to start: ${String(error)}`);
      return false;
    }
    this.output.info(`language server started (pid ${client.serverProcess?.pid ?? "?"})`);
    this.hooks.onReady();
    return true;
  }

  /** The interpreter to run the server with, or undefined (the user was told what to do). */
  private async findInterpreter(): Promise<Interpreter | undefined> {
    const configured = configuredPythonPath();
    const trusted = vscode.workspace.isTrusted;
    if (!configured) {
      await this.setup.updateIfOutdated(); // a newer wheel in a newer extension
    }
    const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const candidates = interpreterCandidates({
      configured,
      // The Python extension's choice is the workspace's: not used (not even asked) without trust.
      pythonExtension: trusted && !configured ? await pythonExtensionInterpreter(resource) : undefined,
      managed: configured ? undefined : await this.setup.readyPython(),
      trusted,
    });
    const search = await findInterpreter(candidates, (python) => checkFlutterTune(python, this.context.extensionPath));
    for (const { interpreter, check } of search.tried) {
      const verdict = check.ok ? `flutter-tune ${check.version}` : `not usable: ${check.reason}`;
      this.output.info(`Python ${interpreter.command} (${describeSource(interpreter.source)}): ${verdict}`);
    }
    if (search.found) {
      return search.interpreter;
    }
    if (configured) {
      void this.showNotInstalled(notInstalledMessage(search.tried[0].interpreter, search.tried[0].check as { reason: string }));
    } else {
      void this.offerSetup(setupOfferMessage(search.tried));
    }
    return undefined;
  }

  private serverOptions(interpreter: Interpreter): ServerOptions {
    return {
      command: interpreter.command,
      args: SERVER_ARGS,
      transport: TransportKind.stdio,
      options: { cwd: this.context.extensionPath, env: { ...process.env, PYTHONUNBUFFERED: "1" } },
    };
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: "file", language: "dart" },
        { scheme: "untitled", language: "dart" },
      ],
      outputChannel: this.output,
      // A function: the client calls it at every start, so a crash restart sends today's settings.
      initializationOptions: () => currentServerSettings(),
      errorHandler: this.errorHandler(),
      middleware: {
        workspace: {
          // Answer the server's own `workspace/configuration` pulls with the same mapped object.
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            return params.items.map((item, index) => (item.section === SECTION ? currentServerSettings() : answers[index]));
          },
        },
      },
    };
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
      closed: (): CloseHandlerResult => {
        if (this.stopping) {
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        if (this.crashPolicy.shouldRestart()) {
          void vscode.window.showWarningMessage("The Flutter Tune server stopped unexpectedly and was restarted.");
          return { action: CloseAction.Restart, handled: true };
        }
        void this.offerLogAndRestart(
          `The Flutter Tune server crashed ${MAX_RESTARTS + 1} times in ${RESTART_WINDOW_MS / 60_000} minutes and was not restarted.`,
        );
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  private async offerLogAndRestart(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, "Show Server Log", "Restart Server");
    if (choice === "Show Server Log") {
      this.output.show(true);
    } else if (choice === "Restart Server") {
      await this.restart();
    }
  }

  private async showNotInstalled(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, "Open Setup Guide", "Set Interpreter");
    if (choice === "Open Setup Guide") {
      await this.hooks.setupGuide();
    } else if (choice === "Set Interpreter") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "flutterTune.pythonPath");
    }
  }

  private async offerSetup(message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(message, "Set Up Flutter Tune", "Set Interpreter", "Open Setup Guide");
    if (choice === "Set Up Flutter Tune") {
      await this.hooks.runSetup();
    } else if (choice === "Set Interpreter") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "flutterTune.pythonPath");
    } else if (choice === "Open Setup Guide") {
      await this.hooks.setupGuide();
    }
  }

  /**
   * Stop the client and make sure its process is gone. A client still starting (its own restart after
   * a crash) is waited for first: vscode-languageclient cannot stop a starting client.
   */
  private async stopNow(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) {
      this.statusBar.show("stopped");
      return;
    }
    const process = client.serverProcess;
    this.stopping = true;
    try {
      if (client.state === State.Starting) {
        await client.start().catch(() => undefined);
      }
      if (client.isRunning()) {
        await client.stop(5000);
      }
    } catch (error) {
      this.output.info(`stopping the server: ${String(error)}`);
    } finally {
      this.stopping = false;
      await client.dispose(1000).catch(() => undefined);
      await killIfAlive(client.serverProcess ?? process);
    }
    this.statusBar.show("stopped");
  }

  /** Send the current settings to the running server. */
  async sendSettings(): Promise<void> {
    if (this.client?.isRunning()) {
      await this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: currentServerSettings() },
      });
    }
  }

  /** Run a server command (`workspace/executeCommand`), starting the server first if needed. */
  async executeCommand<T = unknown>(command: string, args: unknown[] = [], token?: vscode.CancellationToken): Promise<T> {
    if (!this.client?.isRunning() && !(await this.start())) {
      throw new Error("the Flutter Tune server is not running (see Flutter Tune: Show Server Log)");
    }
    return (await this.client!.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }, token)) as T;
  }

  dispose(): void {
    void this.stop();
  }
}

/** TERM, then KILL after a grace period, a server process that did not exit when asked. */
async function killIfAlive(child: { pid?: number; exitCode: number | null; signalCode: NodeJS.Signals | null; kill(signal?: NodeJS.Signals): boolean } | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const alive = () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return false;
    }
    try {
      process.kill(child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const [signal, waitMs] of [["SIGTERM", 2000], ["SIGKILL", 1000]] as const) {
    if (!alive()) {
      return;
    }
    child.kill(signal);
    const deadline = Date.now() + waitMs;
    while (alive() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
