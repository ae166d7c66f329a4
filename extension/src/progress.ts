/**
 * How the server's work-done progress looks in VS Code.
 *
 * vscode-languageclient shows server progress only as a quiet status bar spinner. Long jobs (training,
 * harvest, evaluation, model loading) deserve a notification with the percentage, the server's message
 * (for training: step, loss and ETA) and a Cancel button that reaches the server
 * (`window/workDoneProgress/cancel`). This feature takes over `window/workDoneProgress/create`; where a
 * progress shows is decided by its token (progressText.progressLocation): the Generate Widget command's
 * progress, which has the command's own notification, stays in the status bar.
 */
import * as vscode from "vscode";
import {
  type ClientCapabilities,
  type FeatureState,
  type LanguageClient,
  type ProgressToken,
  type StaticFeature,
  WorkDoneProgress,
  type WorkDoneProgressBegin,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from "vscode-languageclient/node";
import { progressLocation, PercentTracker, progressMessage } from "./progressText";

type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

/** One server progress token shown with `window.withProgress`. */
class ProgressView {
  private readonly listener: vscode.Disposable;
  private readonly percent = new PercentTracker();
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private finish: () => void = () => undefined;
  private finished = false;
  private lastMessage: string | undefined;
  private lastPercent: number | undefined;

  constructor(private readonly client: LanguageClient, private readonly token: ProgressToken, private readonly onDone: (view: ProgressView) => void) {
    this.listener = client.onProgress(WorkDoneProgress.type, token, (value: ProgressValue) => this.handle(value));
  }

  private handle(value: ProgressValue): void {
    if (value.kind === "begin") {
      this.begin(value);
    } else if (value.kind === "report") {
      this.report(value.percentage, value.message);
    } else {
      this.done();
    }
  }

  private begin(value: WorkDoneProgressBegin): void {
    if (this.finished) {
      return;
    }
    const options = { location: progressLocation(this.token), title: value.title, cancellable: value.cancellable === true };
    void vscode.window.withProgress(options, (progress, cancel) => {
      this.progress = progress;
      cancel.onCancellationRequested(() => {
        void this.client.sendNotification(WorkDoneProgressCancelNotification.type, { token: this.token });
      });
      this.report(value.percentage, value.message);
      return new Promise<void>((resolve) => {
        this.finish = resolve;
        if (this.finished) {
          resolve();
        }
      });
    });
  }

  private report(percentage: number | undefined, message: string | undefined): void {
    this.lastMessage = message || this.lastMessage;
    this.lastPercent = percentage ?? this.lastPercent;
    this.progress?.report({ increment: this.percent.step(percentage), message: progressMessage(this.lastPercent, this.lastMessage) });
  }

  /** End the progress (the server said so, or the client stopped). */
  done(): void {
    if (this.finished) {
      return;
    }
    this.finished = true;
    this.listener.dispose();
    this.finish();
    this.onDone(this);
  }
}

/** A client feature that renders every server-created progress token with ProgressView. */
export class ServerProgressFeature implements StaticFeature {
  private readonly views = new Set<ProgressView>();

  constructor(private readonly client: LanguageClient) {}

  getState(): FeatureState {
    return { kind: "static" };
  }

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
  }

  initialize(): void {
    // Registered after the built-in progress feature, so this handler replaces its handler.
    this.client.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      this.views.add(new ProgressView(this.client, params.token, (view) => this.views.delete(view)));
    });
  }

  /** The client stops or restarts (e.g. after a crash): close what the old server left open. */
  clear(): void {
    for (const view of [...this.views]) {
      view.done();
    }
    this.views.clear();
  }
}
