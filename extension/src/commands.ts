/**
 * The palette commands (category "Flutter Tune"). Each one is a thin wrapper over a server command
 * (`workspace/executeCommand`, names in docs/ARCHITECTURE.md); the server does the work and applies
 * edits with `workspace/applyEdit`, so they are undoable.
 *
 * Client command ids differ from the server's (`flutterTune.generateWidget` vs `flutterTune.generate`)
 * because vscode-languageclient registers the server's commands under their own names.
 */
import * as vscode from "vscode";
import { adapterPickItems, parseAdapterList } from "./adapters";
import type { ServerManager } from "./server";
import type { StatusBar } from "./statusBar";

/** Client command ids (package.json `contributes.commands`). */
export const COMMANDS = {
  generateWidget: "flutterTune.generateWidget",
  harvestWorkspace: "flutterTune.harvestWorkspace",
  trainAdapter: "flutterTune.trainAdapter",
  evaluateAdapter: "flutterTune.evaluateAdapter",
  selectAdapter: "flutterTune.selectAdapter",
  showServerLog: "flutterTune.showServerLog",
  restartServer: "flutterTune.restartServer",
} as const;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Run `body`, showing any failure as one error message (never an unhandled rejection). */
function guarded(name: string, body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
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

async function generateWidget(manager: ServerManager): Promise<void> {
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
      }
    },
  );
}

async function harvestWorkspace(manager: ServerManager): Promise<void> {
  if (!requireTrust("harvesting")) {
    return;
  }
  const roots = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  if (!roots.length) {
    void vscode.window.showWarningMessage("Flutter Tune: open a folder with your Flutter project(s) to harvest.");
    return;
  }
  // The server reports progress (notification with Cancel) and shows the summary itself.
  await manager.executeCommand("flutterTune.harvest", [{ roots }]);
}

/** Train a new adapter: the server runs it in the background and reports step, loss and ETA. */
async function trainAdapter(manager: ServerManager): Promise<void> {
  if (!requireTrust("training")) {
    return;
  }
  await manager.executeCommand("flutterTune.train", [{}]);
}

async function evaluateAdapter(manager: ServerManager): Promise<void> {
  const result = await manager.executeCommand<{ reportPath?: string; cancelled?: boolean }>("flutterTune.evaluate", [{}]);
  if (result?.cancelled || !result?.reportPath) {
    return;
  }
  const report = vscode.Uri.file(result.reportPath);
  await vscode.window.showTextDocument(report, { preview: false });
  await vscode.commands.executeCommand("markdown.showPreviewToSide", report);
}

async function selectAdapter(manager: ServerManager, statusBar: StatusBar): Promise<void> {
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

/** Register every palette command. */
export function registerCommands(manager: ServerManager, statusBar: StatusBar): vscode.Disposable[] {
  const register = (id: string, name: string, body: () => Promise<void>) =>
    vscode.commands.registerCommand(id, guarded(name, body));
  return [
    register(COMMANDS.generateWidget, "generate", () => generateWidget(manager)),
    register(COMMANDS.harvestWorkspace, "harvest", () => harvestWorkspace(manager)),
    register(COMMANDS.trainAdapter, "training", () => trainAdapter(manager)),
    register(COMMANDS.evaluateAdapter, "evaluation", () => evaluateAdapter(manager)),
    register(COMMANDS.selectAdapter, "select adapter", () => selectAdapter(manager, statusBar)),
    register(COMMANDS.showServerLog, "show log", async () => manager.output.show(true)),
    register(COMMANDS.restartServer, "restart", async () => {
      if (await manager.restart()) {
        void vscode.window.setStatusBarMessage("Flutter Tune: server restarted", 3000);
      }
    }),
  ];
}
