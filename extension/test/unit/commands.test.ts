import { describe, expect, it } from "vitest";
import * as vscode from "vscode";
import { trainOptions } from "../../src/commands";

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
