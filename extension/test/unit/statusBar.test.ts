import { describe, expect, it } from "vitest";
import * as vscode from "vscode";
import { shortName, StatusBar, stateLabel, statusText } from "../../src/statusBar";

const base = "/srv/me/.cache/flutter-tune/SmolLM2-135M-Instruct";

describe("statusText", () => {
  it("shows base + adapter and the state", () => {
    const { text, tooltip } = statusText({ state: "ready", base, adapter: "/data/adapters/2024-06-01-trail" });
    expect(text).toBe("$(sparkle) SmolLM2-135M-Instruct + 2024-06-01-trail · ready");
    expect(tooltip).toContain(`Base model: ${base}`);
    expect(tooltip).toContain("Click to select an adapter");
  });

  it("shows training with its percentage", () => {
    expect(statusText({ state: "training", percent: 37, base, adapter: null }).text).toBe(
      "$(loading~spin) SmolLM2-135M-Instruct · training 37%",
    );
  });

  it("shows loading, generating and error states", () => {
    expect(statusText({ state: "loading", percent: 12.6, base, adapter: null }).text).toContain("loading 13%");
    expect(statusText({ state: "generating", base, adapter: null }).text).toContain("· generating");
    const error = statusText({ state: "error", base, adapter: null, message: "CUDA out of memory" });
    expect(error.text).toMatch(/^\$\(error\) .* · error$/);
    expect(error.tooltip).toContain("CUDA out of memory");
  });

  it("says when the training runs in the background", () => {
    expect(statusText({ state: "training", percent: 40, background: true, base, adapter: null }).text).toBe(
      "$(loading~spin) SmolLM2-135M-Instruct · training in the background 40%",
    );
  });

  it("counts the widgets learned since the last training when quiet", () => {
    const ready = statusText({ state: "ready", base, adapter: "/a/run-1", learned: 12 });
    expect(ready.text).toBe("$(sparkle) SmolLM2-135M-Instruct + run-1 · ready · $(book) 12 new");
    expect(ready.tooltip).toContain("12 widgets learned since the last training");
    expect(statusText({ state: "idle", base, adapter: null, learned: 1 }).tooltip).toContain(
      "1 widget harvested, not trained on yet",
    );
    expect(statusText({ state: "generating", base, adapter: "/a/run-1", learned: 3 }).text).not.toContain("new");
    expect(statusText({ state: "ready", base, adapter: "/a/run-1", learned: 0 }).text).not.toContain("new");
  });

  it("has texts for the client's own states", () => {
    expect(statusText("starting").text).toBe("$(sync~spin) Flutter Tune: starting");
    expect(statusText("stopped").text).toContain("stopped");
  });

  it("stateLabel leaves out a missing percentage", () => {
    expect(stateLabel({ state: "training", base, adapter: null })).toBe("training");
  });

  it("shortName keeps the last part of paths and model ids", () => {
    expect(shortName("HuggingFaceTB/SmolLM2-135M-Instruct")).toBe("SmolLM2-135M-Instruct");
    expect(shortName("/a/b/adapter/")).toBe("adapter");
    expect(shortName("C:\\models\\tiny")).toBe("tiny");
    expect(shortName("default")).toBe("default");
  });
});

describe("StatusBar", () => {
  it("updates the item, remembers the last status and opens Select Adapter on click", () => {
    const bar = new StatusBar("flutterTune.selectAdapter");
    const item = (vscode.window as unknown as { created: { text: string; command: string; visible: boolean; backgroundColor?: unknown }[] }).created.at(-1)!;
    expect(item.visible).toBe(true);
    expect(item.command).toBe("flutterTune.selectAdapter");
    expect(item.text).toContain("starting");
    bar.show({ state: "error", base, adapter: null, message: "boom" });
    expect(item.backgroundColor).toBeDefined();
    bar.show({ state: "ready", base, adapter: "a1" });
    expect(item.text).toContain("+ a1 · ready");
    expect(item.backgroundColor).toBeUndefined();
    expect(bar.last?.adapter).toBe("a1");
    bar.show("stopped");
    expect(bar.last).toBeUndefined();
  });
});
