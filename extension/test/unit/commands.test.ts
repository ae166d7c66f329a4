import { describe, expect, it } from "vitest";
import * as vscode from "vscode";
import { offerResume, resetResumeOffer, trainOptions } from "../../src/commands";

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
