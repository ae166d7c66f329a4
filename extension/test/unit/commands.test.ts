import { describe, expect, it } from "vitest";
import * as vscode from "vscode";
import { offerResume, resetResumeOffer, retrainInBackground, trainOptions } from "../../src/commands";

describe("trainOptions", () => {
  it("passes a keybinding's or task's args object on to the server", () => {
    expect(trainOptions({ maxSteps: 8, evalSteps: 4 })).toEqual({ maxSteps: 8, evalSteps: 4 });
  });

  it("is empty from the palette or a context menu", () => {
    expect(trainOptions(undefined)).toEqual({});
    expect(trainOptions(vscode.Uri.file("/w/lib/a.dart"))).toEqual({});
    expect(trainOptions(["x"])).toEqual({});
    expect(trainOptions("maxSteps=8")).toEqual({});
  });
});

describe("offerResume", () => {
  it("offers once per interruption however often the server's status says so", async () => {
    const shown = (vscode as unknown as { shown: [string, string, string[]][] }).shown;
    shown.length = 0;
    await offerResume("Flutter Tune: training stopped; its last checkpoint is kept and it can be resumed.");
    await offerResume("Flutter Tune: a training run was interrupted. Resume it from its last checkpoint?");
    expect(shown).toEqual([["info", "Flutter Tune: training stopped; its last checkpoint is kept and it can be resumed.", ["Resume Training"]]]);
    resetResumeOffer(); // the server says nothing is resumable any more
    await offerResume("again");
    expect(shown).toHaveLength(2);
  });
});

describe("retrainInBackground", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const context = (state: string, calls: unknown[][]): any => ({
    manager: { executeCommand: async (...args: unknown[]) => { calls.push(args); return { cancelled: false }; }, output: { warn: () => undefined } },
    statusBar: { last: { state } },
    training: { begin: () => undefined, show: () => calls.push(["shown"]), finish: () => undefined, fail: () => undefined },
  });

  it("trains from the active adapter in the background when the server says it is due, without opening the panel", async () => {
    const calls: unknown[][] = [];
    expect(await retrainInBackground(context("ready", calls), { retrainDue: true })).toBe(true);
    expect(calls).toEqual([["flutterTune.train", [{ continueTraining: true, background: true }]]]);
  });

  it("does nothing when not due, while training, or untrusted", async () => {
    const calls: unknown[][] = [];
    expect(await retrainInBackground(context("ready", calls), { retrainDue: false })).toBe(false);
    expect(await retrainInBackground(context("training", calls), { retrainDue: true })).toBe(false);
    (vscode.workspace as unknown as { isTrusted: boolean }).isTrusted = false;
    try {
      expect(await retrainInBackground(context("ready", calls), { retrainDue: true })).toBe(false);
    } finally {
      (vscode.workspace as unknown as { isTrusted: boolean }).isTrusted = true;
    }
    expect(calls).toEqual([]);
  });
});
