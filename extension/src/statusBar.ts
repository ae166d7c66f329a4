/**
 * The status bar item: active base model and adapter, and what the server is doing.
 *
 * Fed by the server's `flutterTune/status` notification ({state, percent?, base, adapter, message?,
 * resumable?, job?, learned?, background?}); clicking it runs Select Adapter, or shows the training panel while training runs.
 */
import * as vscode from "vscode";

export type ServerState = "idle" | "loading" | "ready" | "generating" | "training" | "error";

/** The `flutterTune/status` notification's payload (docs/ARCHITECTURE.md). */
export interface ServerStatus {
  state: ServerState;
  percent?: number;
  base: string;
  adapter: string | null;
  message?: string;
  /** An interrupted training can be resumed (CONTRACT). */
  resumable?: boolean;
  /** The job the server is running, if any (CONTRACT). */
  job?: { kind: string; id: string } | null;
  /** Train widgets the active adapter has not learned, counted after a save (continuous learning). */
  learned?: number;
  /** The training runs in the background (continuous learning). */
  background?: boolean;
}

/** "12 widgets learned since the last training" (or, with no adapter, not trained on yet); "" for none. */
export function learnedText(status: ServerStatus): string {
  const n = status.learned;
  if (typeof n !== "number" || n <= 0) {
    return "";
  }
  const widgets = n === 1 ? "1 widget" : `${n} widgets`;
  return status.adapter ? `${widgets} learned since the last training` : `${widgets} harvested, not trained on yet`;
}

/** What the client knows when no status has arrived: the server is starting or has stopped. */
export type ClientState = "starting" | "stopped";

/** The last path component of a model or adapter folder (ids like "org/model" keep their last part too). */
export function shortName(name: string): string {
  const trimmed = name.replace(/[\\/]+$/, "");
  const parts = trimmed.split(/[\\/]/);
  return parts[parts.length - 1] || trimmed;
}

/** The state word shown after the model names, e.g. "training 37%". */
export function stateLabel(status: ServerStatus): string {
  const percent = typeof status.percent === "number" ? ` ${Math.round(status.percent)}%` : "";
  switch (status.state) {
    case "loading":
      return `${status.state}${percent}`;
    case "training":
      return `training${status.background ? " in the background" : ""}${percent}`;
    default:
      return status.state;
  }
}

const ICONS: Record<ServerState, string> = {
  idle: "$(sparkle)",
  ready: "$(sparkle)",
  loading: "$(sync~spin)",
  generating: "$(loading~spin)",
  training: "$(loading~spin)",
  error: "$(error)",
};

/** Text and tooltip for a status (or for the client's own state before/without one). */
export function statusText(status: ServerStatus | ClientState): { text: string; tooltip: string } {
  if (status === "starting") {
    return { text: "$(sync~spin) Flutter Tune: starting", tooltip: "Starting the Flutter Tune language server" };
  }
  if (status === "stopped") {
    return { text: "$(debug-disconnect) Flutter Tune: stopped", tooltip: "The Flutter Tune server is not running" };
  }
  const base = shortName(status.base || "base model");
  const models = status.adapter ? `${base} + ${shortName(status.adapter)}` : base;
  const learned = learnedText(status);
  const quiet = status.state === "ready" || status.state === "idle";
  const count = learned && quiet ? ` · $(book) ${status.learned} new` : "";
  const text = `${ICONS[status.state] ?? "$(sparkle)"} ${models} · ${stateLabel(status)}${count}`;
  const lines = [
    `Base model: ${status.base}`,
    `Adapter: ${status.adapter ?? "none (base model only)"}`,
    `State: ${stateLabel(status)}`,
  ];
  if (learned) {
    lines.push(learned);
  }
  if (status.message) {
    lines.push(status.message);
  }
  lines.push(status.state === "training" ? "Click to show the training" : "Click to select an adapter");
  return { text, tooltip: lines.join("\n") };
}

/** Owns the status bar item and keeps the last status the server sent. */
export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  last: ServerStatus | undefined;

  constructor(private readonly selectAdapterCommand: string, private readonly showTrainingCommand?: string) {
    this.item = vscode.window.createStatusBarItem("flutterTune.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "Flutter Tune";
    this.item.command = selectAdapterCommand;
    this.show("starting");
    this.item.show();
  }

  /** Show a server status or the client's own state. */
  show(status: ServerStatus | ClientState): void {
    if (typeof status !== "string") {
      this.last = status;
    } else {
      this.last = undefined;
    }
    const { text, tooltip } = statusText(status);
    this.item.text = text;
    this.item.tooltip = tooltip;
    const training = typeof status !== "string" && status.state === "training";
    this.item.command = training && this.showTrainingCommand ? this.showTrainingCommand : this.selectAdapterCommand;
    const isError = typeof status !== "string" && status.state === "error";
    this.item.backgroundColor = isError ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
