/** Turning server progress (token, absolute percent, message) into VS Code progress updates. */
import * as vscode from "vscode";

/** The text under a progress title: "37% · step 3/8 · loss 0.8120", or whichever part the server sent. */
export function progressMessage(percent: number | undefined, message: string | undefined): string | undefined {
  const parts: string[] = [];
  if (percent !== undefined) {
    parts.push(`${Math.round(Math.max(0, Math.min(100, percent)))}%`);
  }
  if (message && message.trim()) {
    parts.push(message.trim());
  }
  return parts.length ? parts.join(" · ") : undefined;
}

/**
 * The feature a server progress belongs to: the server's tokens are `flutter-tune-<feature>-<id>`
 * (docs/ARCHITECTURE.md), feature one of generate, codeAction, harvest, train, evaluate, load.
 */
export function progressFeature(token: string | number): string | undefined {
  return /^flutter-tune-([A-Za-z]+)-/.exec(String(token))?.[1];
}

/**
 * Where a server progress shows: the Generate Widget command has its own notification, so the
 * `generate` progress stays in the status bar; everything else (code actions, training, harvest,
 * evaluation, loading) gets a notification with a Cancel button.
 */
export function progressLocation(token: string | number): vscode.ProgressLocation {
  return progressFeature(token) === "generate" ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
}

/** Tracks the percentage already reported, since `progress.report` takes increments. */
export class PercentTracker {
  private last = 0;

  /** The increment that moves the bar to `percent` (0 if it would go backwards). */
  step(percent: number | undefined): number {
    if (percent === undefined) {
      return 0;
    }
    const clamped = Math.max(0, Math.min(100, percent));
    const increment = Math.max(0, clamped - this.last);
    this.last = Math.max(this.last, clamped);
    return increment;
  }
}
