import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/commands";
import { CANDIDATE_COMMANDS } from "../../src/candidateUi";
import { WALKTHROUGH, WALKTHROUGH_STEPS } from "../../src/walkthrough";

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"));
const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

describe("package.json", () => {
  it("contributes every command the code registers, and nothing else", () => {
    expect(contributed).toEqual(new Set([...Object.values(COMMANDS), ...Object.values(CANDIDATE_COMMANDS)]));
  });

  it("the walkthrough's steps complete on the context keys the extension sets, in order", () => {
    const [walkthrough] = pkg.contributes.walkthroughs;
    expect(`${pkg.publisher}.${pkg.name}#${walkthrough.id}`).toBe(WALKTHROUGH);
    const events = walkthrough.steps.map((s: { completionEvents: string[] }) => s.completionEvents);
    expect(events).toEqual(WALKTHROUGH_STEPS.map((step) => [`onContext:flutterTune.${step}`]));
    for (const step of walkthrough.steps) {
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        expect(contributed).toContain(command);
      }
      expect(() => readFileSync(fileURLToPath(new URL(`../../${step.media.markdown}`, import.meta.url)))).not.toThrow();
    }
  });

  it("binds stepping between candidates to keys only while candidates are offered", () => {
    const bindings = pkg.contributes.keybindings;
    expect(bindings.map((b: { command: string }) => b.command)).toEqual([CANDIDATE_COMMANDS.next, CANDIDATE_COMMANDS.previous]);
    expect(bindings.every((b: { when: string }) => b.when.includes("flutterTune.hasCandidates"))).toBe(true);
  });

  it("is ready to publish: icon, repository, license, no dev-only escape hatches in the package script", () => {
    expect(pkg.icon).toBe("images/icon.png");
    expect(pkg.repository.url).toMatch(/^https:\/\//);
    expect(pkg.license).toBe("Apache-2.0");
    expect(pkg.scripts.package).not.toMatch(/allow-missing-repository|skip-license/);
  });
});
