/** Evaluate Adapter's report in a webview: the same figures and plots as `report.html`. */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import { reportHtmlForWebview } from "./reportHtml";

export const REPORT_VIEW_TYPE = "flutterTune.report";

let panel: vscode.WebviewPanel | undefined;

/** Show `htmlPath` (a report folder's report.html) in the report panel, reusing it if open. */
export async function showReport(htmlPath: string, extensionUri: vscode.Uri): Promise<void> {
  const folder = vscode.Uri.file(path.dirname(htmlPath));
  const html = await fs.readFile(htmlPath, "utf8");
  if (!panel) {
    panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, "Flutter Tune: Evaluation", vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [folder],
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, "images", "icon.png");
    panel.onDidDispose(() => {
      panel = undefined;
    });
  } else {
    panel.webview.options = { enableScripts: false, localResourceRoots: [folder] };
    panel.reveal();
  }
  panel.title = `Flutter Tune: Evaluation (${path.basename(path.dirname(htmlPath))})`;
  panel.webview.html = reportHtmlForWebview(html, panel.webview.asWebviewUri(folder).toString(), panel.webview.cspSource);
}
