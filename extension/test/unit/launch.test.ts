import { describe, expect, it } from "vitest";
import { CrashPolicy, SERVER_ARGS, STATUS_NOTIFICATION } from "../../src/launch";
import * as vscode from "vscode";
import { PercentTracker, progressFeature, progressLocation, progressMessage } from "../../src/progressText";
import { manifest } from "./helpers";

describe("server launch contract", () => {
  it("runs `python -m server serve` and listens for flutterTune/status", () => {
    expect(SERVER_ARGS).toEqual(["-m", "server", "serve"]);
    expect(STATUS_NOTIFICATION).toBe("flutterTune/status");
  });
});

describe("CrashPolicy", () => {
  it("restarts up to the limit inside the window, then stops", () => {
    const policy = new CrashPolicy(2, 1000);
    expect(policy.shouldRestart(0)).toBe(true);
    expect(policy.shouldRestart(10)).toBe(true);
    expect(policy.shouldRestart(20)).toBe(false);
  });

  it("forgets crashes older than the window", () => {
    const policy = new CrashPolicy(1, 1000);
    expect(policy.shouldRestart(0)).toBe(true);
    expect(policy.shouldRestart(5000)).toBe(true);
  });
});

describe("server progress", () => {
  it("turns absolute percentages into increments that never go backwards", () => {
    const tracker = new PercentTracker();
    expect(tracker.step(10)).toBe(10);
    expect(tracker.step(37)).toBe(27);
    expect(tracker.step(30)).toBe(0);
    expect(tracker.step(undefined)).toBe(0);
    expect(tracker.step(150)).toBe(63);
  });

  it("shows the server's message (step and loss) or the percentage", () => {
    expect(progressMessage(37, "step 37/100 · loss 0.8120 · ETA 12s")).toBe("37% · step 37/100 · loss 0.8120 · ETA 12s");
    expect(progressMessage(37.4, "")).toBe("37%");
    expect(progressMessage(undefined, "loading")).toBe("loading");
    expect(progressMessage(undefined, undefined)).toBeUndefined();
  });

  it("routes by the token's feature: Generate Widget's progress in the status bar, the rest in a notification", () => {
    expect(progressFeature("flutter-tune-codeAction-0a1b2c3d4e5f")).toBe("codeAction");
    expect(progressFeature(7)).toBeUndefined();
    expect(progressLocation("flutter-tune-generate-0a1b2c3d4e5f")).toBe(vscode.ProgressLocation.Window);
    for (const feature of ["codeAction", "train", "harvest", "evaluate", "load"]) {
      expect(progressLocation(`flutter-tune-${feature}-0a1b2c3d4e5f`)).toBe(vscode.ProgressLocation.Notification);
    }
    expect(progressLocation("someone-elses-token")).toBe(vscode.ProgressLocation.Notification);
  });
});

describe("contributed commands", () => {
  it("are all in the Flutter Tune category, and harvest/train need a trusted workspace", () => {
    const commands = manifest.contributes.commands;
    expect(commands.map((c) => c.title)).toEqual([
      "Generate Widget from Description",
      "Harvest Workspace into Dataset",
      "Train Adapter",
      "Evaluate Adapter",
      "Select Adapter",
      "Show Server Log",
      "Restart Server",
      "Set Up Python Environment",
      "Show Training",
      "Resume Training",
      "Next Candidate",
      "Previous Candidate",
      "Remove Inserted Widget",
      "Get Started",
    ]);
    expect(commands.every((c) => c.category === "Flutter Tune")).toBe(true);
    const trusted = commands.filter((c) => c.enablement === "isWorkspaceTrusted").map((c) => c.command);
    expect(trusted).toEqual(["flutterTune.harvestWorkspace", "flutterTune.trainAdapter", "flutterTune.resumeTraining"]);
  });

  it("never reuse a server command name (the language client registers those itself)", () => {
    const server = ["generate", "harvest", "train", "evaluate", "listAdapters", "useAdapter", "cancel"].map((c) => `flutterTune.${c}`);
    for (const command of manifest.contributes.commands) {
      expect(server).not.toContain(command.command);
    }
  });
});
