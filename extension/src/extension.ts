/**
 * Flutter Tune for VS Code: entry point. Wires the output channel, status bar, language server, set-up,
 * training panel, candidate stepping and palette commands together, and restarts the server when what
 * chooses its interpreter changes (the pythonPath setting, the Python extension's selection, trust).
 */
import * as vscode from "vscode";
import { CandidateStepper } from "./candidateUi";
import { type CommandContext, COMMANDS, offerResume, registerCommands, resetResumeOffer, retrainInBackground, trainingActions } from "./commands";
import { onPythonInterpreterChange } from "./python";
import { ServerManager } from "./server";
import { DART_SDK_KEYS, SECTION } from "./settings";
import { EnvironmentSetup } from "./setup";
import { type ServerStatus, StatusBar } from "./statusBar";
import { TrainingMonitor } from "./trainingPanel";
import { initWalkthrough, markStep } from "./walkthrough";

let manager: ServerManager | undefined;

/** Open the "Setup" section of the extension's README (shipped in the .vsix as readme.md; works offline). */
async function openSetupGuide(context: vscode.ExtensionContext): Promise<void> {
  let readme = vscode.Uri.joinPath(context.extensionUri, "readme.md");
  for (const name of ["readme.md", "README.md"]) {
    const candidate = vscode.Uri.joinPath(context.extensionUri, name);
    try {
      await vscode.workspace.fs.stat(candidate);
      readme = candidate;
      break;
    } catch {
      // try the next spelling
    }
  }
  readme = readme.with({ fragment: "setup" });
  try {
    await vscode.commands.executeCommand("markdown.showPreview", readme);
  } catch {
    await vscode.window.showTextDocument(readme);
  }
}

/**
 * Offers "Resume training" when the server says an interrupted run can be resumed and this window has not
 * followed a training (e.g. after a restart of the editor); a run cancelled here has the panel's button.
 */
function onResumable(status: ServerStatus, training: TrainingMonitor): void {
  if (!status.resumable) {
    resetResumeOffer();
  } else if (status.state !== "training" && !training.view && vscode.workspace.isTrusted) {
    void offerResume("Flutter Tune: a training run was interrupted. Resume it from its last checkpoint?");
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Flutter Tune", { log: true });
  initWalkthrough(context.globalState, (message) => output.info(message));
  const statusBar = new StatusBar(COMMANDS.selectAdapter, COMMANDS.showTraining);
  const setup = new EnvironmentSetup(context, output);
  let ctx: CommandContext | undefined;
  const training = new TrainingMonitor(context.extensionUri, trainingActions(() => ctx!));
  const candidates = new CandidateStepper();
  manager = new ServerManager(context, output, statusBar, setup, {
    setupGuide: () => openSetupGuide(context),
    runSetup: async () => {
      await vscode.commands.executeCommand(COMMANDS.setUp);
    },
    onStatus: (status) => {
      statusBar.show(status);
      onResumable(status, training);
    },
    onTrainingProgress: (progress) => training.progress(progress),
    onLearned: (report) => {
      if (ctx) {
        void retrainInBackground(ctx, report);
      }
    },
    onReady: () => markStep("serverReady"),
  });
  const server = manager;
  ctx = { manager: server, statusBar, setup, training, candidates, extensionUri: context.extensionUri };
  context.subscriptions.push(output, statusBar, server, training, candidates, ...registerCommands(ctx));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      const dartSdk = DART_SDK_KEYS.some((key) => event.affectsConfiguration(`dart.${key}`));
      if (!event.affectsConfiguration(SECTION) && !dartSdk) {
        return;
      }
      if (event.affectsConfiguration(`${SECTION}.pythonPath`)) {
        await server.restart(); // another interpreter means another server process
      } else {
        await server.sendSettings();
      }
    }),
    // Trust brings the workspace's own interpreter and folder settings into effect.
    vscode.workspace.onDidGrantWorkspaceTrust(() => server.restart()),
  );
  // Another interpreter selected in the Python extension: restart unless flutterTune.pythonPath decides.
  void onPythonInterpreterChange(() => {
    if (server.interpreter?.source !== "setting") {
      output.info("the Python extension's interpreter changed");
      void server.restart();
    }
  }).then((disposable) => disposable && context.subscriptions.push(disposable));

  // Not awaited: finding the interpreter (or updating the environment) must not hold up activation.
  void server.start();
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}

