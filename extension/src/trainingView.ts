/**
 * What the training panel shows, built from the server's `flutterTune/trainingProgress` notifications
 * and the `flutterTune.train` result; and the messages the panel's webview may send back. No VS Code
 * imports: unit-tested.
 *
 * A notification belongs to the run named by its `job` field (server-sent); a new job starts new curves.
 */

/** `flutterTune/trainingProgress` (CONTRACT: step, totalSteps, epoch, loss, evalLoss, learningRate,
 * tokensPerSecond, etaSeconds, state, adapter?, switched?; `job` names the run). */
export interface TrainingProgress {
  job?: string;
  step?: number;
  totalSteps?: number;
  epoch?: number;
  loss?: number | null;
  evalLoss?: number | null;
  learningRate?: number | null;
  tokensPerSecond?: number | null;
  etaSeconds?: number | null;
  state?: "running" | "done" | "cancelled" | "failed";
  adapter?: string | null;
  switched?: boolean;
}

/** The `flutterTune.train` result (docs/ARCHITECTURE.md and CONTRACT). */
export interface TrainResult {
  cancelled?: boolean;
  resumable?: boolean;
  message?: string;
  adapter?: string;
  name?: string;
  validationLoss?: number | null;
  previousValidationLoss?: number | null;
  switched?: boolean;
}

export type RunState = "starting" | "running" | "done" | "cancelled" | "failed";

/** Everything the panel draws. Points are [step, value]. */
export interface TrainingRunView {
  job?: string;
  state: RunState;
  step: number;
  totalSteps?: number;
  epoch?: number;
  trainLoss: [number, number][];
  evalLoss: [number, number][];
  learningRate?: number;
  tokensPerSecond?: number;
  etaSeconds?: number;
  /** When the run ended: one line saying how, and whether the adapter became active. */
  outcome?: string;
  adapter?: string;
  switched?: boolean;
  resumable?: boolean;
}

export function startingView(): TrainingRunView {
  return { state: "starting", step: 0, trainLoss: [], evalLoss: [] };
}

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Add a point, replacing one at the same step (a resumed run repeats its last step). */
function addPoint(points: [number, number][], step: number, value: number): [number, number][] {
  const kept = points.filter(([s]) => s < step);
  return [...kept, [step, value]];
}

/** Fold one notification into the view (a different `job` starts a fresh view). */
export function applyProgress(view: TrainingRunView | undefined, progress: TrainingProgress): TrainingRunView {
  let next: TrainingRunView = view && (!progress.job || !view.job || view.job === progress.job) ? { ...view } : startingView();
  next.job = progress.job ?? next.job;
  const step = finite(progress.step) ? progress.step : next.step;
  next.step = step;
  if (finite(progress.totalSteps) && progress.totalSteps > 0) {
    next.totalSteps = progress.totalSteps;
  }
  if (finite(progress.epoch)) {
    next.epoch = progress.epoch;
  }
  if (finite(progress.loss)) {
    next.trainLoss = addPoint(next.trainLoss, step, progress.loss);
  }
  if (finite(progress.evalLoss)) {
    next.evalLoss = addPoint(next.evalLoss, step, progress.evalLoss);
  }
  if (finite(progress.learningRate)) {
    next.learningRate = progress.learningRate;
  }
  if (finite(progress.tokensPerSecond)) {
    next.tokensPerSecond = progress.tokensPerSecond;
  }
  next.etaSeconds = finite(progress.etaSeconds) ? progress.etaSeconds : next.etaSeconds;
  const state = progress.state ?? "running";
  if (state !== "running") {
    next = { ...next, state, etaSeconds: undefined, adapter: progress.adapter ?? next.adapter, switched: progress.switched ?? next.switched };
  } else if (next.state === "starting") {
    next.state = "running";
  }
  return next;
}

/** Fold the train command's answer in: it is the authority on how the run ended. */
export function applyResult(view: TrainingRunView | undefined, result: TrainResult | undefined): TrainingRunView {
  const next: TrainingRunView = { ...(view ?? startingView()), etaSeconds: undefined };
  if (!result) {
    return { ...next, state: "failed", outcome: "Training failed: the server gave no answer." };
  }
  if (result.cancelled) {
    next.state = "cancelled";
    next.resumable = result.resumable === true;
    const resume = next.resumable ? " It can be resumed from its last checkpoint." : "";
    next.outcome = `Training cancelled.${resume}${result.message ? ` ${result.message}` : ""}`;
    return next;
  }
  next.state = "done";
  next.adapter = result.adapter ?? next.adapter;
  next.switched = result.switched === true;
  next.resumable = false;
  const loss = finite(result.validationLoss) ? ` (validation loss ${result.validationLoss.toFixed(4)}` : "";
  const versus = loss && finite(result.previousValidationLoss) ? ` vs ${result.previousValidationLoss.toFixed(4)})` : loss ? ")" : "";
  const name = result.name ?? result.adapter ?? "the new adapter";
  next.outcome = next.switched
    ? `Training finished: ${name} is now the active adapter${loss}${versus}.`
    : `Training finished: ${name} was saved; the current adapter stays active${loss}${versus}.`;
  return next;
}

/** The view after the train command failed (e.g. "Training is already running (pid …)"). */
export function applyFailure(view: TrainingRunView | undefined, message: string): TrainingRunView {
  return { ...(view ?? startingView()), state: "failed", etaSeconds: undefined, outcome: message };
}

/** "1m05s" / "42s". */
export function formatSeconds(seconds: number | undefined): string | undefined {
  if (!finite(seconds)) {
    return undefined;
  }
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** One line with step, epoch, speed and time left (the panel's header and its accessible text). */
export function summaryLine(view: TrainingRunView): string {
  const parts: string[] = [];
  parts.push(view.totalSteps ? `step ${view.step}/${view.totalSteps}` : `step ${view.step}`);
  if (finite(view.epoch)) {
    parts.push(`epoch ${view.epoch.toFixed(2)}`);
  }
  const last = view.trainLoss.at(-1);
  if (last) {
    parts.push(`loss ${last[1].toFixed(4)}`);
  }
  const lastEval = view.evalLoss.at(-1);
  if (lastEval) {
    parts.push(`validation loss ${lastEval[1].toFixed(4)}`);
  }
  if (finite(view.tokensPerSecond)) {
    parts.push(`${Math.round(view.tokensPerSecond)} tokens/s`);
  }
  const eta = formatSeconds(view.etaSeconds);
  if (eta && view.state === "running") {
    parts.push(`${eta} left`);
  }
  return parts.join(" · ");
}

/** Messages the webview sends. Anything else is ignored (the webview is not trusted input). */
export type PanelMessage = { type: "ready" } | { type: "cancel" } | { type: "resume" } | { type: "train" };

export function parsePanelMessage(message: unknown): PanelMessage | undefined {
  if (!message || typeof message !== "object") {
    return undefined;
  }
  const type = (message as { type?: unknown }).type;
  return type === "ready" || type === "cancel" || type === "resume" || type === "train" ? { type } : undefined;
}
