/** Turning server progress (absolute percent, message, title) into VS Code progress updates. */
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
 * Where a server progress shows: generation already has the command's own notification, so its
 * server progress stays in the status bar; long jobs (training, harvest, evaluation, loading) get a
 * notification with a Cancel button.
 */
export function progressLocation(title: string): vscode.ProgressLocation {
  return /generat/i.test(title) ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification;
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
