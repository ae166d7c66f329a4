/**
 * The training panel: a webview with the live training and validation loss curves, step, tokens/s, time
 * left, a Cancel button and, when the run ends, how it ended and whether the adapter became active.
 *
 * `TrainingMonitor` keeps the current run's view (trainingView.ts) whether or not the panel is open, so
 * the panel opened from the status bar mid-run shows the whole curve so far.
 */
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import {
  applyFailure,
  applyProgress,
  applyResult,
  parsePanelMessage,
  type PanelMessage,
  startingView,
  summaryLine,
  type TrainingProgress,
  type TrainingRunView,
  type TrainResult,
} from "./trainingView";

export const TRAINING_VIEW_TYPE = "flutterTune.training";

/** What the panel's buttons do (wired by commands.ts). */
export interface TrainingActions {
  cancel(): Promise<void>;
  resume(): Promise<void>;
  train(): Promise<void>;
}

/** The current run and, when open, the panel that shows it. */
export class TrainingMonitor implements vscode.Disposable {
  view: TrainingRunView | undefined;
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly actions: TrainingActions) {}

  /** A run is about to start from this window: fresh curves. */
  begin(): void {
    this.view = startingView();
    this.post();
  }

  progress(progress: TrainingProgress): void {
    this.view = applyProgress(this.view, progress);
    this.post();
  }

  finish(result: TrainResult | undefined): void {
    this.view = applyResult(this.view, result);
    this.post();
  }

  fail(message: string): void {
    this.view = applyFailure(this.view, message);
    this.post();
  }

  /** Open (or bring forward) the panel. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      this.post();
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, "media");
    const panel = vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, "Flutter Tune: Training", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, "images", "icon.png");
    panel.webview.html = trainingHtml(panel.webview, media);
    panel.webview.onDidReceiveMessage((message: unknown) => this.handle(parsePanelMessage(message)));
    panel.onDidDispose(() => {
      this.panel = undefined;
    });
    this.panel = panel;
  }

  private handle(message: PanelMessage | undefined): void {
    switch (message?.type) {
      case "ready":
        this.post();
        break;
      case "cancel":
        void this.actions.cancel();
        break;
      case "resume":
        void this.actions.resume();
        break;
      case "train":
        void this.actions.train();
        break;
      default:
        break; // not ours: ignored
    }
  }

  private post(): void {
    if (this.panel && this.view) {
      void this.panel.webview.postMessage({ type: "state", view: this.view, summary: summaryLine(this.view) });
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/** The panel's page: scripts only from media/ with a nonce, no inline handlers, no network. */
function trainingHtml(webview: vscode.Webview, media: vscode.Uri): string {
  const nonce = randomBytes(16).toString("base64");
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, "training.js"));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, "training.css"));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource}; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}">
<title>Flutter Tune: Training</title></head>
<body data-state="starting">
<h1><span id="state">Starting</span> · Flutter Tune adapter</h1>
<div id="summary" role="status" aria-live="polite"></div>
<div class="progress"><div id="bar"></div></div>
<svg id="chart" role="img" aria-label="Training and validation loss by step"></svg>
<div class="legend"><span class="train">training loss</span><span class="eval">validation loss</span></div>
<dl><dt>Learning rate</dt><dd id="lr">–</dd><dt>Tokens/s</dt><dd id="tps">–</dd></dl>
<div id="outcome"></div>
<button id="cancel">Cancel</button><button id="resume" hidden>Resume Training</button><button id="train" class="secondary" hidden>Train Again</button>
<script nonce="${nonce}" src="${script}"></script>
</body></html>`;
}
