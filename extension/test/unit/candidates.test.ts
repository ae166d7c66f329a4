import { describe, expect, it } from "vitest";
import { checksStatus, parseCandidateSet, rangeOfText, stepIndex, trackRange } from "../../src/candidates";

const checks = { parses: true, declaresWidget: true, requestedName: true, fieldsForParams: true, noSelfConstruction: true, noRepeatedArgs: true };
const dropped = "dropped the constructor parameter this.onTap (no field onTap)";
const result = {
  applied: true,
  passed: true,
  checks,
  failed: [],
  range: { start: { line: 10, character: 0 }, end: { line: 14, character: 1 } },
  candidates: [
    { text: "class A extends StatelessWidget {\n...\n}", code: "x", passed: true, checks, failed: [], meanLogprob: -0.3, mended: [dropped, 3] },
    {
      text: "class B {}",
      code: "y",
      passed: false,
      checks: { ...checks, requestedName: false, analyzer: false },
      failed: ["requestedName", "analyzer"],
      meanLogprob: -0.5,
      diagnostics: [
        { severity: "error", code: "undefined_named_parameter", message: "The named parameter 'color' isn't defined.", line: 3, column: 7 },
        { severity: "error", message: 42, line: 1 },
      ],
    },
    {
      text: "class C {}",
      code: "z",
      passed: false,
      checks: { ...checks, resolves: false },
      failed: ["resolves"],
      unresolved: ["Text: no parameter 'color'", "unknown class TrailIcon", 7],
      meanLogprob: -0.7,
      mended: [],
    },
    { nonsense: true },
  ],
};

describe("parseCandidateSet", () => {
  it("reads the range and the candidates (best first), dropping malformed entries", () => {
    const set = parseCandidateSet(result)!;
    expect(set.range).toEqual(result.range);
    expect(set.candidates.map((c) => c.passed)).toEqual([true, false, false]);
    expect(set.candidates[1].failed).toEqual(["requestedName", "analyzer"]);
    expect(set.candidates.map((c) => c.mended)).toEqual([[dropped], [], []]); // (non-strings dropped)
    expect(set.candidates.map((c) => c.unresolved)).toEqual([[], [], ["Text: no parameter 'color'", "unknown class TrailIcon"]]);
    expect(set.candidates.map((c) => c.diagnostics)).toEqual([
      [],
      [{ severity: "error", message: "The named parameter 'color' isn't defined.", line: 3 }], // (malformed dropped)
      [],
    ]);
  });

  it("has nothing to step through without an applied edit, a range or candidates", () => {
    expect(parseCandidateSet({ applied: true, code: "x" })).toBeUndefined();
    expect(parseCandidateSet({ ...result, applied: false })).toBeUndefined();
    expect(parseCandidateSet({ ...result, range: null })).toBeUndefined();
    expect(parseCandidateSet({ ...result, candidates: [] })).toBeUndefined();
    expect(parseCandidateSet(undefined)).toBeUndefined();
  });
});

describe("ranges", () => {
  it("rangeOfText covers single- and multi-line text", () => {
    expect(rangeOfText({ line: 3, character: 4 }, "abc")).toEqual({ start: { line: 3, character: 4 }, end: { line: 3, character: 7 } });
    expect(rangeOfText({ line: 3, character: 4 }, "a\nbc\n  def")).toEqual({ start: { line: 3, character: 4 }, end: { line: 5, character: 5 } });
    expect(rangeOfText({ line: 3, character: 4 }, "")).toEqual({ start: { line: 3, character: 4 }, end: { line: 3, character: 4 } });
  });

  const range = { start: { line: 10, character: 2 }, end: { line: 14, character: 1 } };

  it("moves with lines added or removed above it", () => {
    const added = trackRange(range, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: "import 'x.dart';\n\n" });
    expect(added).toEqual({ start: { line: 12, character: 2 }, end: { line: 16, character: 1 } });
    const removed = trackRange(range, { range: { start: { line: 1, character: 0 }, end: { line: 3, character: 0 } }, text: "" });
    expect(removed).toEqual({ start: { line: 8, character: 2 }, end: { line: 12, character: 1 } });
  });

  it("moves along its first line when text is typed just before it", () => {
    const typed = trackRange(range, { range: { start: { line: 10, character: 0 }, end: { line: 10, character: 2 } }, text: "    " });
    expect(typed).toEqual({ start: { line: 10, character: 4 }, end: { line: 14, character: 1 } });
  });

  it("stays when the change is after it, ends when the change touches it", () => {
    expect(trackRange(range, { range: { start: { line: 14, character: 1 }, end: { line: 14, character: 1 } }, text: "\n" })).toEqual(range);
    expect(trackRange(range, { range: { start: { line: 20, character: 0 }, end: { line: 22, character: 0 } }, text: "" })).toEqual(range);
    expect(trackRange(range, { range: { start: { line: 12, character: 0 }, end: { line: 12, character: 3 } }, text: "x" })).toBeUndefined();
    expect(trackRange(range, { range: { start: { line: 9, character: 0 }, end: { line: 11, character: 0 } }, text: "" })).toBeUndefined();
  });
});

describe("stepping and the status", () => {
  it("steps forward and back with wrap-around", () => {
    expect(stepIndex(0, 4, 1)).toBe(1);
    expect(stepIndex(3, 4, 1)).toBe(0);
    expect(stepIndex(0, 4, -1)).toBe(3);
    expect(stepIndex(0, 0, 1)).toBe(0);
  });

  it("says which checks the inserted candidate passed", () => {
    const set = parseCandidateSet(result)!;
    const best = checksStatus(set.candidates[0], 0, 2);
    expect(best.text).toBe("$(pass) candidate 1/2 · all 6 checks passed");
    expect(best.tooltip).not.toContain("Does not resolve");
    expect(best.tooltip).toContain("✓ uses the requested name");
    expect(best.tooltip).toContain("Alt+] next candidate");
    expect(best.tooltip).toContain(`Mended:\n• ${dropped}`);
    const second = checksStatus(set.candidates[1], 1, 2);
    expect(second.text).toBe("$(warning) candidate 2/2 · 5/7 checks passed");
    expect(second.tooltip).toContain("✗ uses the requested name");
    expect(second.tooltip).toContain("✗ the Dart analyzer finds no error in it");
    expect(second.tooltip).toContain("Dart analyzer:\n• line 3 (error): The named parameter 'color' isn't defined.");
    expect(second.tooltip).not.toContain("Mended");
    expect(best.tooltip).not.toContain("Dart analyzer");
    expect(checksStatus(set.candidates[0], 0, 1).text).toBe("$(pass) all 6 checks passed");
  });

  it("names what did not resolve against the API index", () => {
    const set = parseCandidateSet(result)!;
    const third = checksStatus(set.candidates[2], 2, 3);
    expect(third.text).toBe("$(warning) candidate 3/3 · 6/7 checks passed · 2 unresolved");
    expect(third.tooltip).toContain("✗ names only classes, arguments and members that exist");
    expect(third.tooltip).toContain("Does not resolve:\n• Text: no parameter 'color'\n• unknown class TrailIcon");
  });
});
