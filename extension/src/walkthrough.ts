/**
 * The "Get Started with Flutter Tune" walkthrough (package.json `contributes.walkthroughs`): each step
 * completes on `onContext:flutterTune.<step>`, set here when the real event happened (the server runs
 * with Flutter Tune, a harvest wrote samples, a training finished, a widget was inserted, a report
 * was written). VS Code remembers completed steps.
 */
import * as vscode from "vscode";

export const WALKTHROUGH_STEPS = ["serverReady", "harvested", "trained", "generated", "evaluated"] as const;
export type WalkthroughStep = (typeof WALKTHROUGH_STEPS)[number];

/** Mark a walkthrough step as done (context key `flutterTune.<step>`). */
export function markStep(step: WalkthroughStep): void {
  void vscode.commands.executeCommand("setContext", `flutterTune.${step}`, true);
}
