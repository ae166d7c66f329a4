/**
 * The launch contract with the language server and the crash-restart policy (no VS Code imports, so
 * unit tests can load it).
 */

/** Arguments after the interpreter: `server/__main__.py` runs the flutter-tune CLI's `serve`. */
export const SERVER_ARGS = ["-m", "server", "serve"];
export const STATUS_NOTIFICATION = "flutterTune/status";
/** Training's step, losses and speed while it runs (the training panel draws them). */
export const TRAINING_PROGRESS_NOTIFICATION = "flutterTune/trainingProgress";
/** What a harvest after a save found (continuous learning); `retrainDue`: time to train in the background. */
export const LEARNED_NOTIFICATION = "flutterTune/learned";

/** The `flutterTune/learned` notification's payload. */
export interface LearnedReport {
  unchanged: boolean;
  learned: number | null;
  retrainDue: boolean;
  filesReread: number;
  trainAdded: number;
}
export const MAX_RESTARTS = 4;
export const RESTART_WINDOW_MS = 3 * 60_000;

/** Decides, from the times of earlier crashes, whether one more crash gets a restart. */
export class CrashPolicy {
  private crashes: number[] = [];

  constructor(private readonly maxRestarts = MAX_RESTARTS, private readonly windowMs = RESTART_WINDOW_MS) {}

  /** Record a crash at `now`; true if the server should be restarted. */
  shouldRestart(now = Date.now()): boolean {
    this.crashes = this.crashes.filter((t) => now - t < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.maxRestarts;
  }
}
