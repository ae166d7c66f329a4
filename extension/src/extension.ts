/**
 * Flutter Tune for VS Code: entry point. Wires the output channel, status bar, language server and
 * palette commands together, and forwards setting and trust changes to the server.
 */
import * as vscode from "vscode";
import { registerCommands, COMMANDS } from "./commands";
import { ServerManager } from "./server";
import { SECTION } from "./settings";
import { StatusBar } from "./statusBar";

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

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Flutter Tune", { log: true });
  const statusBar = new StatusBar(COMMANDS.selectAdapter);
  manager = new ServerManager(context, output, statusBar, () => openSetupGuide(context));
  const server = manager;
  context.subscriptions.push(output, statusBar, server, ...registerCommands(server, statusBar));

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) {
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

  await server.start();
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}
