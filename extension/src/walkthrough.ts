/**
 * The "Get Started with Flutter Tune" walkthrough (package.json `contributes.walkthroughs`): each step
 * completes on `onContext:flutterTune.<step>`, pulsed here when the real event happens (the server runs
 * with Flutter Tune, a harvest wrote samples, a training finished, a widget was inserted, a report was
 * written).
 *
 * Why a pulse (true, then false) and a memory of what happened: VS Code's walkthrough service ticks a
 * step off only when the context key *changes* to true while the service runs; a key that is already
 * true when the service starts (it starts lazily, e.g. when the walkthrough is first opened) is never
 * counted, and it registers an extension's walkthrough a moment after its page opens. So the keys are
 * false except during a pulse, the steps that happened are kept in the extension's global state, and
 * opening the walkthrough with Get Started pulses them again a few times while the page settles.
 */
import * as vscode from "vscode";

export const WALKTHROUGH_STEPS = ["serverReady", "harvested", "trained", "generated", "evaluated"] as const;
export type WalkthroughStep = (typeof WALKTHROUGH_STEPS)[number];

/** The walkthrough's id as VS Code knows it (publisher.name#id). */
export const WALKTHROUGH = "flutter-tune.flutter-tune#start";

const STATE_KEY = "flutterTune.walkthroughDone";
const PULSE_MS = 300;
/** When, after opening the walkthrough, the steps that happened are pulsed again. */
export const REPLAY_AFTER_MS = [300, 2000, 5000];

let memory: vscode.Memento | undefined;
let log: (message: string) => void = () => undefined;

/** Remember steps in `state` (the extension's global state); `logger` notes them. Called once at activation. */
export function initWalkthrough(state: vscode.Memento, logger?: (message: string) => void): void {
  memory = state;
  log = logger ?? log;
}

/** Steps that happened (in any session), in walkthrough order. */
export function doneSteps(state: vscode.Memento | undefined = memory): WalkthroughStep[] {
  const done = new Set(state?.get<string[]>(STATE_KEY) ?? []);
  return WALKTHROUGH_STEPS.filter((step) => done.has(step));
}

function pulse(step: WalkthroughStep): void {
  const key = `flutterTune.${step}`;
  const set = (value: boolean) =>
    vscode.commands.executeCommand("setContext", key, value).then(undefined, (error) => log(`setContext ${key}: ${String(error)}`));
  void set(true);
  setTimeout(() => void set(false), PULSE_MS);
}

/** A step's real event happened: tick it off (now, and again whenever the walkthrough is opened). */
export function markStep(step: WalkthroughStep): void {
  log(`walkthrough step done: ${step}`);
  if (memory && !doneSteps().includes(step)) {
    void memory.update(STATE_KEY, [...doneSteps(), step]);
  }
  pulse(step);
}

/** Open the walkthrough, then tick off every step that already happened. */
export async function openWalkthrough(): Promise<void> {
  await vscode.commands.executeCommand("workbench.action.openWalkthrough", WALKTHROUGH, false);
  log(`walkthrough opened; ticking off: ${doneSteps().join(", ") || "nothing yet"}`);
  for (const delay of REPLAY_AFTER_MS) {
    setTimeout(() => doneSteps().forEach(pulse), delay);
  }
}
