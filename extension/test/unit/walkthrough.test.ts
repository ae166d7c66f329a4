import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as vscode from "vscode";
import { doneSteps, initWalkthrough, markStep, openWalkthrough, REPLAY_AFTER_MS } from "../../src/walkthrough";

/** A Memento in memory. */
function memento() {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: async (key: string, value: unknown) => void values.set(key, value),
  };
}

describe("walkthrough steps", () => {
  const calls: unknown[][] = [];
  const commands = (vscode as unknown as { commands: { executeCommand: (...args: unknown[]) => Promise<unknown> } }).commands;
  const original = commands.executeCommand;

  beforeEach(() => {
    vi.useFakeTimers();
    calls.length = 0;
    commands.executeCommand = async (...args: unknown[]) => void calls.push(args);
  });
  afterEach(() => {
    vi.useRealTimers();
    commands.executeCommand = original;
  });

  it("pulses the step's context key (true, then false) and remembers the step", () => {
    const state = memento();
    initWalkthrough(state as unknown as vscode.Memento);
    markStep("harvested");
    markStep("harvested");
    expect(calls.slice(0, 1)).toEqual([["setContext", "flutterTune.harvested", true]]);
    vi.advanceTimersByTime(1000);
    expect(calls.filter((c) => c[2] === false)).toEqual([["setContext", "flutterTune.harvested", false], ["setContext", "flutterTune.harvested", false]]);
    expect(doneSteps()).toEqual(["harvested"]);
  });

  it("opening the walkthrough ticks off, again, every step that happened before (in walkthrough order)", async () => {
    const state = memento();
    initWalkthrough(state as unknown as vscode.Memento);
    markStep("trained");
    markStep("serverReady");
    vi.advanceTimersByTime(1000);
    calls.length = 0;
    await openWalkthrough();
    expect(calls).toEqual([["workbench.action.openWalkthrough", "flutter-tune.flutter-tune#start", false]]);
    vi.advanceTimersByTime(REPLAY_AFTER_MS[0]);
    expect(calls.slice(1)).toEqual([["setContext", "flutterTune.serverReady", true], ["setContext", "flutterTune.trained", true]]);
    vi.advanceTimersByTime(10_000);
    const pulses = calls.filter((c) => c[1] === "flutterTune.trained");
    expect(pulses).toHaveLength(2 * REPLAY_AFTER_MS.length); // true and false each time
  });
});
