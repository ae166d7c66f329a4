import { describe, expect, it } from "vitest";
import {
  applyFailure,
  applyProgress,
  applyResult,
  formatSeconds,
  parsePanelMessage,
  startingView,
  summaryLine,
  type TrainingProgress,
  type TrainingRunView,
} from "../../src/trainingView";

const step = (n: number, extra: Partial<TrainingProgress> = {}): TrainingProgress => ({
  job: "train-a", step: n, totalSteps: 10, epoch: n / 5, loss: 2 - n * 0.1, learningRate: 2e-4, tokensPerSecond: 118.4, etaSeconds: 70, state: "running", ...extra,
});

function fold(notes: TrainingProgress[], view: TrainingRunView | undefined = startingView()) {
  return notes.reduce<TrainingRunView | undefined>((v, n) => applyProgress(v, n), view)!;
}

describe("applyProgress", () => {
  it("collects the training and validation curves with step, speed and time left", () => {
    const view = fold([step(1), step(2), step(3, { evalLoss: 1.9 }), step(4)]);
    expect(view.state).toBe("running");
    expect(view.trainLoss).toEqual([[1, 1.9], [2, 1.8], [3, 1.7], [4, 1.6]]);
    expect(view.evalLoss).toEqual([[3, 1.9]]);
    expect(view).toMatchObject({ job: "train-a", step: 4, totalSteps: 10, tokensPerSecond: 118.4, etaSeconds: 70, learningRate: 2e-4 });
    expect(summaryLine(view)).toBe("step 4/10 · epoch 0.80 · loss 1.6000 · validation loss 1.9000 · 118 tokens/s · 1m10s left");
  });

  it("ignores missing and non-finite numbers", () => {
    const view = fold([step(1, { loss: null, evalLoss: Number.NaN, tokensPerSecond: undefined })]);
    expect(view.trainLoss).toEqual([]);
    expect(view.evalLoss).toEqual([]);
    expect(view.tokensPerSecond).toBeUndefined();
  });

  it("a resumed run's repeated step replaces the point instead of drawing backwards", () => {
    const view = fold([step(1), step(2), step(3), step(2, { loss: 1.5 })]);
    expect(view.trainLoss).toEqual([[1, 1.9], [2, 1.5]]);
  });

  it("a notification of another job starts new curves (routing by the server's job field)", () => {
    const first = fold([step(1), step(2)]);
    const second = applyProgress(first, step(1, { job: "train-b", loss: 3 }));
    expect(second.job).toBe("train-b");
    expect(second.trainLoss).toEqual([[1, 3]]);
  });

  it("the final notification sets the end state, the adapter and whether it became active", () => {
    const view = fold([step(1), { job: "train-a", step: 10, state: "done", adapter: "/ad/2024-06-01", switched: true }]);
    expect(view).toMatchObject({ state: "done", adapter: "/ad/2024-06-01", switched: true, etaSeconds: undefined });
  });
});

describe("applyResult", () => {
  it("a finished run says whether its adapter became active, with the validation losses", () => {
    const view = applyResult(fold([step(1)]), { cancelled: false, adapter: "/ad/a2", name: "a2", validationLoss: 0.81234, previousValidationLoss: 0.9, switched: true });
    expect(view.state).toBe("done");
    expect(view.outcome).toBe("Training finished: a2 is now the active adapter (validation loss 0.8123 vs 0.9000).");
    const kept = applyResult(undefined, { cancelled: false, name: "a3", validationLoss: 1.2, previousValidationLoss: 0.9, switched: false });
    expect(kept.outcome).toBe("Training finished: a3 was saved; the current adapter stays active (validation loss 1.2000 vs 0.9000).");
  });

  it("a cancelled run that can be resumed offers it", () => {
    const view = applyResult(fold([step(3)]), { cancelled: true, resumable: true, message: "interrupted; checkpoint saved" });
    expect(view).toMatchObject({ state: "cancelled", resumable: true });
    expect(view.outcome).toBe("Training cancelled. It can be resumed from its last checkpoint. interrupted; checkpoint saved");
    expect(view.trainLoss).toHaveLength(1); // the curve stays on screen
    expect(applyResult(undefined, { cancelled: true }).resumable).toBe(false);
  });

  it("no answer or an error is a failure with its message", () => {
    expect(applyResult(undefined, undefined).state).toBe("failed");
    expect(applyFailure(fold([step(2)]), "Training failed: out of memory")).toMatchObject({ state: "failed", outcome: "Training failed: out of memory" });
  });
});

describe("webview messages", () => {
  it("accepts only the panel's own message types", () => {
    expect(parsePanelMessage({ type: "cancel" })).toEqual({ type: "cancel" });
    expect(parsePanelMessage({ type: "resume", extra: 1 })).toEqual({ type: "resume" });
    expect(parsePanelMessage({ type: "ready" })).toEqual({ type: "ready" });
    expect(parsePanelMessage({ type: "train" })).toEqual({ type: "train" });
    expect(parsePanelMessage({ type: "runCommand", command: "rm -rf" })).toBeUndefined();
    expect(parsePanelMessage("cancel")).toBeUndefined();
    expect(parsePanelMessage(null)).toBeUndefined();
  });

  it("formats times", () => {
    expect(formatSeconds(65)).toBe("1m05s");
    expect(formatSeconds(42.4)).toBe("42s");
    expect(formatSeconds(undefined)).toBeUndefined();
  });
});
