/**
 * Starting, stopping and restarting the Flutter Tune language server.
 *
 * The server is `[python, "-m", "server", "serve"]` over stdio, run from the extension's own folder (so
 * a `server/` folder in the user's workspace cannot shadow it). Settings go as `initializationOptions`
 * and, on change, as `workspace/didChangeConfiguration`. If the server crashes it is restarted (at most
 * MAX_RESTARTS times in RESTART_WINDOW_MS) and the user is told.
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
  chooseInterpreter,
  describeSource,
  type Interpreter,
  notInstalledMessage,
  pythonExtensionInterpreter,
} from "./python";
import { configuredPythonPath, currentServerSettings, SECTION } from "./settings";
import { ServerProgressFeature } from "./progress";
import { CrashPolicy, MAX_RESTARTS, RESTART_WINDOW_MS, SERVER_ARGS, STATUS_NOTIFICATION } from "./launch";
import type { ServerStatus, StatusBar } from "./statusBar";

/** Owns the LanguageClient: start with the right interpreter, restart, forward settings and status. */
export class ServerManager implements vscode.Disposable {
  client: LanguageClient | undefined;
  interpreter: Interpreter | undefined;
  private readonly crashPolicy = new CrashPolicy();
  private starting: Promise<boolean> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
    private readonly statusBar: StatusBar,
    private readonly setupGuide: () => Promise<void>,
  ) {}

  /** Start the server (once; concurrent callers share the attempt). False if it could not start. */
  start(): Promise<boolean> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<boolean> {
    if (this.client?.isRunning()) {
      return true;
    }
    if (this.client) {
      // A client that gave up after repeated crashes: release it before making a new one.
      const stale = this.client;
      this.client = undefined;
      await stale.dispose(2000).catch(() => undefined);
    }
    this.statusBar.show("starting");
    const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const interpreter = chooseInterpreter(configuredPythonPath(), await pythonExtensionInterpreter(resource));
    this.interpreter = interpreter;
    this.output.info(`Python: ${interpreter.command} (from ${describeSource(interpreter.source)})`);
    const check = await checkFlutterTune(interpreter.command, this.context.extensionPath);
    if (!check.ok) {
      this.output.info(`Flutter Tune is not usable in ${interpreter.command}: ${check.reason}`);
      this.statusBar.show("stopped");
      void this.showNotInstalled(notInstalledMessage(interpreter, check));
      return false;
    }
    this.output.info(`flutter-tune ${check.version}; starting the language server`);
    const client = new LanguageClient("flutterTune", "Flutter Tune", this.serverOptions(interpreter), this.clientOptions());
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped) {
        this.statusBar.show("stopped");
      } else if (event.newState === State.Starting) {
        this.statusBar.show("starting");
      }
    });
    // Registered before start so that it survives the client's own restarts after a crash.
    client.onNotification(STATUS_NOTIFICATION, (status: ServerStatus) => this.statusBar.show(status));
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
    return true;
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
      initializationOptions: currentServerSettings(),
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
      await this.setupGuide();
    } else if (choice === "Set Interpreter") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "flutterTune.pythonPath");
    }
  }

  /** Stop the server if it runs. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.output.info(`stopping the server: ${String(error)}`);
      }
    }
    this.statusBar.show("stopped");
  }

  /** Stop and start again (also re-reads the interpreter setting). */
  async restart(): Promise<boolean> {
    this.output.info("restarting the language server");
    await this.stop();
    return this.start();
  }

  /** Send the current settings to the running server. */
  async sendSettings(): Promise<void> {
    if (this.client?.isRunning()) {
      await this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: currentServerSettings() },
      });
    }
  }

  /**
   * Run a server command (`workspace/executeCommand`), starting the server first if needed.
   * `workDoneToken`: a client-created progress token the server reports on (see training.ts).
   */
  async executeCommand<T = unknown>(
    command: string,
    args: unknown[] = [],
    token?: vscode.CancellationToken,
    workDoneToken?: string,
  ): Promise<T> {
    if (!this.client?.isRunning() && !(await this.start())) {
      throw new Error("the Flutter Tune server is not running (see Flutter Tune: Show Server Log)");
    }
    const params = { command, arguments: args, ...(workDoneToken ? { workDoneToken } : {}) };
    return (await this.client!.sendRequest(ExecuteCommandRequest.type, params, token)) as T;
  }

  dispose(): void {
    void this.stop();
  }
}
