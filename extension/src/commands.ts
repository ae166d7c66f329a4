/**
 * The palette commands (category "Flutter Tune"). Each one is a thin wrapper over a server command
 * (`workspace/executeCommand`, names in docs/ARCHITECTURE.md); the server does the work and applies
 * edits with `workspace/applyEdit`, so they are undoable.
 *
 * Client command ids differ from the server's (`flutterTune.generateWidget` vs `flutterTune.generate`)
 * because vscode-languageclient registers the server's commands under their own names. Each command that
 * completes a walkthrough step sets that step's context key when it really did its work.
 */
import * as vscode from "vscode";
import { adapterPickItems, parseAdapterList } from "./adapters";
import type { CandidateStepper } from "./candidateUi";
import { showReport } from "./reportPanel";
import type { ServerManager } from "./server";
import type { EnvironmentSetup } from "./setup";
import type { StatusBar } from "./statusBar";
import type { TrainingMonitor } from "./trainingPanel";
import type { TrainResult } from "./trainingView";
import { markStep, openWalkthrough } from "./walkthrough";

/** Client command ids (package.json `contributes.commands`). */
export const COMMANDS = {
  generateWidget: "flutterTune.generateWidget",
  harvestWorkspace: "flutterTune.harvestWorkspace",
  trainAdapter: "flutterTune.trainAdapter",
  evaluateAdapter: "flutterTune.evaluateAdapter",
  selectAdapter: "flutterTune.selectAdapter",
  showServerLog: "flutterTune.showServerLog",
  restartServer: "flutterTune.restartServer",
  setUp: "flutterTune.setUp",
  showTraining: "flutterTune.showTraining",
  resumeTraining: "flutterTune.resumeTraining",
  getStarted: "flutterTune.getStarted",
} as const;

/** The server's answer when a training already runs (CONTRACT): not this window's run failing. */
const ALREADY_TRAINING = /^Training is already running/i;

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Run `body`, showing any failure as one error message (never an unhandled rejection). */
function guarded(name: string, body: (arg?: unknown) => Promise<void>): (arg?: unknown) => Promise<void> {
  return async (arg?: unknown) => {
    try {
      await body(arg);
    } catch (error) {
      void vscode.window.showErrorMessage(`Flutter Tune: ${name} failed: ${errorText(error)}`);
    }
  };
}

/** Harvest and training read and run things from the workspace: only in trusted workspaces. */
function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) {
    return true;
  }
  void vscode.window.showWarningMessage(`Flutter Tune: ${what} is only available in a trusted workspace.`);
  return false;
}

/** Everything the commands work with. */
export interface CommandContext {
  manager: ServerManager;
  statusBar: StatusBar;
  setup: EnvironmentSetup;
  training: TrainingMonitor;
  candidates: CandidateStepper;
  extensionUri: vscode.Uri;
}

async function generateWidget({ manager, candidates }: CommandContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "dart") {
    void vscode.window.showWarningMessage("Flutter Tune: open a Dart file and place the cursor where the widget should go.");
    return;
  }
  const instruction = await vscode.window.showInputBox({
    title: "Flutter Tune: Generate Widget from Description",
    prompt: "Describe the widget to write at the cursor",
    placeHolder: "A card showing a trail's name, length and difficulty",
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : "Describe the widget in a few words"),
  });
  if (!instruction?.trim()) {
    return;
  }
  const position = editor.selection.active;
  const args = {
    uri: editor.document.uri.toString(),
    position: { line: position.line, character: position.character },
    instruction: instruction.trim(),
  };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Flutter Tune: generating widget…", cancellable: true },
    async (_progress, token) => {
      const result = await manager.executeCommand<{ applied?: boolean; cancelled?: boolean }>("flutterTune.generate", [args], token);
      if (result?.cancelled || token.isCancellationRequested) {
        void vscode.window.setStatusBarMessage("Flutter Tune: generation cancelled", 3000);
        return;
      }
      candidates.start(editor.document.uri, result);
      if (result?.applied) {
        markStep("generated");
      }
    },
  );
}

async function harvestWorkspace({ manager }: CommandContext): Promise<void> {
  if (!requireTrust("harvesting")) {
    return;
  }
  const roots = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  if (!roots.length) {
    void vscode.window.showWarningMessage("Flutter Tune: open a folder with your Flutter project(s) to harvest.");
    return;
  }
  // The server reports progress (notification with Cancel) and shows the summary itself.
  const result = await manager.executeCommand<{ cancelled?: boolean; counts?: { total?: number } }>("flutterTune.harvest", [{ roots }]);
  if (result && !result.cancelled && (result.counts?.total ?? 0) > 0) {
    markStep("harvested");
  }
}

let resumeOffered = false;

/** The server says nothing can be resumed (any more): a later interruption gets its own offer. */
export function resetResumeOffer(): void {
  resumeOffered = false;
}

/**
 * Offer to continue an interrupted run from its last checkpoint, once per interruption (the train
 * command's answer and the server's status both tell, in either order).
 */
export async function offerResume(message: string): Promise<void> {
  if (resumeOffered) {
    return;
  }
  resumeOffered = true;
  const choice = await vscode.window.showInformationMessage(message, "Resume Training");
  if (choice === "Resume Training") {
    await vscode.commands.executeCommand(COMMANDS.resumeTraining);
  }
}

/**
 * The options of `flutterTune.trainAdapter` when invoked with an argument (a keybinding's or a task's
 * `args`, e.g. `{"maxSteps": 50}`): passed to the server's `flutterTune.train`, which validates them.
 * From the palette there is none.
 */
export function trainOptions(arg: unknown): Record<string, unknown> {
  return arg && typeof arg === "object" && !Array.isArray(arg) && !(arg instanceof vscode.Uri) ? { ...(arg as Record<string, unknown>) } : {};
}

/**
 * Train a new adapter (or resume the interrupted one): the panel shows the curves while the server
 * trains in the background; the command's answer says how it ended.
 */
async function trainAdapter({ manager, training }: CommandContext, options: Record<string, unknown> = {}): Promise<void> {
  if (!requireTrust("training")) {
    return;
  }
  training.begin();
  if (!options.background) {
    training.show(); // a background run: the status bar item opens the panel
  }
  let result: TrainResult | undefined;
  try {
    result = await manager.executeCommand<TrainResult>("flutterTune.train", [options]);
  } catch (error) {
    const message = errorText(error);
    if (!ALREADY_TRAINING.test(message)) {
      training.fail(`Training failed: ${message}`);
    }
    throw error;
  }
  training.finish(result); // a resumable run: the panel offers Resume Training
  if (result && !result.cancelled) {
    markStep("trained");
  }
}

async function evaluateAdapter({ manager, extensionUri }: CommandContext): Promise<void> {
  const result = await manager.executeCommand<{ reportPath?: string; htmlPath?: string; cancelled?: boolean }>("flutterTune.evaluate", [{}]);
  if (result?.cancelled || !(result?.htmlPath || result?.reportPath)) {
    return;
  }
  markStep("evaluated");
  if (result.htmlPath) {
    await showReport(result.htmlPath, extensionUri);
    return;
  }
  const report = vscode.Uri.file(result.reportPath!);
  await vscode.commands.executeCommand("markdown.showPreview", report);
}

async function selectAdapter({ manager, statusBar }: CommandContext): Promise<void> {
  const list = parseAdapterList(await manager.executeCommand("flutterTune.listAdapters", []));
  const items = adapterPickItems(list, statusBar.last?.adapter);
  const choice = await vscode.window.showQuickPick(items, {
    title: "Flutter Tune: Select Adapter",
    placeHolder: list.length ? "Adapter to generate with" : "No trained adapters yet: run Flutter Tune: Train Adapter",
    matchOnDetail: true,
  });
  if (!choice) {
    return;
  }
  await manager.executeCommand("flutterTune.useAdapter", [{ adapter: choice.adapter }]);
}

/** Set up the managed Python environment, then (re)start the server with it. */
export async function setUp({ manager, setup }: CommandContext): Promise<void> {
  if (await setup.run()) {
    await manager.restart();
  }
}

let retraining = false;

/**
 * Continuous learning's retraining: when a harvest after a save says enough is new (`retrainDue`), train in the
 * background from the active adapter (one at a time; the server's gate decides whether it is used, and it
 * speaks only when it switched). Trusted workspaces only, as every training.
 */
export async function retrainInBackground(ctx: CommandContext, report: { retrainDue: boolean }): Promise<boolean> {
  if (!report.retrainDue || retraining || !vscode.workspace.isTrusted || ctx.statusBar.last?.state === "training") {
    return false;
  }
  retraining = true;
  try {
    await trainAdapter(ctx, { continueTraining: true, background: true });
  } catch (error) {
    ctx.manager.output.warn(`background training: ${errorText(error)}`);
  } finally {
    retraining = false;
  }
  return true;
}

/** Register every palette command. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const register = (id: string, name: string, body: (arg?: unknown) => Promise<void>) =>
    vscode.commands.registerCommand(id, guarded(name, body));
  return [
    register(COMMANDS.generateWidget, "generate", () => generateWidget(ctx)),
    register(COMMANDS.harvestWorkspace, "harvest", () => harvestWorkspace(ctx)),
    register(COMMANDS.trainAdapter, "training", (arg) => trainAdapter(ctx, trainOptions(arg))),
    register(COMMANDS.resumeTraining, "resuming training", () => trainAdapter(ctx, { resume: true })),
    register(COMMANDS.evaluateAdapter, "evaluation", () => evaluateAdapter(ctx)),
    register(COMMANDS.selectAdapter, "select adapter", () => selectAdapter(ctx)),
    register(COMMANDS.showServerLog, "show log", async () => ctx.manager.output.show(true)),
    register(COMMANDS.restartServer, "restart", async () => {
      if (await ctx.manager.restart()) {
        void vscode.window.setStatusBarMessage("Flutter Tune: server restarted", 3000);
      }
    }),
    register(COMMANDS.setUp, "set-up", () => setUp(ctx)),
    register(COMMANDS.showTraining, "show training", async () => ctx.training.show()),
    register(COMMANDS.getStarted, "get started", () => openWalkthrough()),
  ];
}

/** The panel's buttons. */
export function trainingActions(getCtx: () => CommandContext) {
  return {
    cancel: async () => {
      await getCtx().manager.executeCommand("flutterTune.cancel", [{ job: "train" }]).catch((error) => {
        void vscode.window.showErrorMessage(`Flutter Tune: cancel failed: ${errorText(error)}`);
      });
    },
    resume: async () => {
      await vscode.commands.executeCommand(COMMANDS.resumeTraining);
    },
    train: async () => {
      await vscode.commands.executeCommand(COMMANDS.trainAdapter);
    },
  };
}
