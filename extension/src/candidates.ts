/**
 * Stepping between the candidates of one Generate Widget (no VS Code imports: unit-tested).
 *
 * The server inserts the best candidate and answers with `range` (where the inserted text is now) and
 * `candidates` (best first, each `text` ready to replace that range, with the checks it passed). The
 * client keeps that range up to date while the user edits elsewhere, replaces it with the next or
 * previous candidate, and ends the session when an edit touches the inserted text.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** An error or warning of the Dart analyzer inside a candidate (`line` 1 is the widget's first line). */
export interface Diagnostic {
  severity: string;
  message: string;
  line: number;
}

export interface Candidate {
  text: string;
  passed: boolean;
  checks: Record<string, boolean>;
  failed: string[];
  /** What the server changed in the model's code to make it pass (e.g. an unused parameter dropped). */
  mended: string[];
  /** What did not resolve against Flutter's API and the user's symbols ("Text: no parameter 'color'"). */
  unresolved: string[];
  /** What the Dart analyzer found in it (only when the machine has a Dart SDK). */
  diagnostics: Diagnostic[];
}

function diagnosticsOf(value: unknown): Diagnostic[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value
    .filter((d) => d && typeof d.message === "string" && typeof d.severity === "string" && Number.isInteger(d.line))
    .map((d) => ({ severity: d.severity as string, message: d.message as string, line: d.line as number }));
}

/** What the generate result says about the candidates (undefined: nothing to step through). */
export interface CandidateSet {
  range: Range;
  candidates: Candidate[];
}

function isPosition(value: unknown): value is Position {
  const v = value as Position | null;
  return !!v && Number.isInteger(v.line) && Number.isInteger(v.character) && v.line >= 0 && v.character >= 0;
}

/** Read `range` and `candidates` from a `flutterTune.generate` result (undefined when there is nothing to step through). */
export function parseCandidateSet(result: unknown): CandidateSet | undefined {
  const r = result as { applied?: unknown; range?: { start?: unknown; end?: unknown } | null; candidates?: unknown } | null;
  if (!r || r.applied !== true || !r.range || !isPosition(r.range.start) || !isPosition(r.range.end) || !Array.isArray(r.candidates)) {
    return undefined;
  }
  const candidates: Candidate[] = [];
  for (const entry of r.candidates) {
    const c = entry as Partial<Candidate> | null;
    if (!c || typeof c.text !== "string") {
      continue;
    }
    const checks: Record<string, boolean> = {};
    for (const [name, ok] of Object.entries(c.checks ?? {})) {
      if (typeof ok === "boolean") {
        checks[name] = ok;
      }
    }
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((f): f is string => typeof f === "string") : []);
    candidates.push({
      text: c.text,
      passed: c.passed === true,
      checks,
      failed: strings(c.failed),
      mended: strings(c.mended),
      unresolved: strings(c.unresolved),
      diagnostics: diagnosticsOf(c.diagnostics),
    });
  }
  return candidates.length ? { range: { start: r.range.start, end: r.range.end }, candidates } : undefined;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** The range `text` covers when inserted at `start`. */
export function rangeOfText(start: Position, text: string): Range {
  const lines = text.split("\n");
  const end = lines.length === 1
    ? { line: start.line, character: start.character + lines[0].length }
    : { line: start.line + lines.length - 1, character: lines[lines.length - 1].length };
  return { start, end };
}

/** One document change: `range` (before the change) replaced by `text`. */
export interface TextChange {
  range: Range;
  text: string;
}

/** Where `pos` (at or after the change's end) is after the change. */
function shiftPosition(pos: Position, change: TextChange): Position {
  const { start, end } = change.range;
  const inserted = rangeOfText(start, change.text).end;
  if (pos.line > end.line) {
    return { line: pos.line + (inserted.line - end.line), character: pos.character };
  }
  return { line: inserted.line, character: inserted.character + (pos.character - end.character) };
}

/**
 * The inserted text's range after a change elsewhere, or undefined when the change touches it (the
 * user edited or undid the inserted code: stepping ends). Changes after the range leave it as it is.
 */
export function trackRange(range: Range, change: TextChange): Range | undefined {
  const empty = comparePositions(range.start, range.end) === 0;
  if (!empty && comparePositions(change.range.start, range.end) >= 0) {
    return range; // after the inserted text
  }
  if (comparePositions(change.range.end, range.start) <= 0) {
    return { start: shiftPosition(range.start, change), end: shiftPosition(range.end, change) };
  }
  return undefined; // overlaps the inserted text
}

/** The index after stepping `delta` (wraps around). */
export function stepIndex(index: number, count: number, delta: number): number {
  return count ? (((index + delta) % count) + count) % count : 0;
}

/** Readable names of the server's checks (unknown names are shown as sent). */
export const CHECK_NAMES: Record<string, string> = {
  parses: "parses as Dart",
  declaresWidget: "declares a widget",
  requestedName: "uses the requested name",
  fieldsForParams: "has a field for each constructor parameter",
  createsState: "a stateful widget creates its State",
  noSelfConstruction: "does not construct itself",
  noRepeatedArgs: "repeats no named argument",
  resolves: "names only classes, arguments and members that exist",
  analyzer: "the Dart analyzer finds no error in it",
};

/**
 * Status bar text and tooltip for the candidate shown now: how many checks passed (and how many
 * references did not resolve), each check, what did not resolve, what was mended.
 */
export function checksStatus(candidate: Candidate, index: number, count: number): { text: string; tooltip: string } {
  const names = Object.keys(candidate.checks);
  const which = count > 1 ? `candidate ${index + 1}/${count} · ` : "";
  const failed = candidate.failed.length ? candidate.failed : names.filter((n) => !candidate.checks[n]);
  const unresolved = candidate.unresolved.length ? ` · ${candidate.unresolved.length} unresolved` : "";
  const text = failed.length
    ? `$(warning) ${which}${names.length - failed.length}/${names.length} checks passed${unresolved}`
    : `$(pass) ${which}${names.length ? `all ${names.length} checks passed` : "checks passed"}`;
  const lines = names.map((name) => `${candidate.checks[name] ? "✓" : "✗"} ${CHECK_NAMES[name] ?? name}`);
  if (candidate.unresolved.length) {
    lines.push("", "Does not resolve:", ...candidate.unresolved.map((u) => `• ${u}`));
  }
  if (candidate.mended.length) {
    lines.push("", "Mended:", ...candidate.mended.map((m) => `• ${m}`));
  }
  if (candidate.diagnostics.length) {
    lines.push("", "Dart analyzer:", ...candidate.diagnostics.map((d) => `• line ${d.line} (${d.severity}): ${d.message}`));
  }
  if (count > 1) {
    lines.push("", "Alt+] next candidate · Alt+[ previous candidate");
  }
  return { text, tooltip: ["Checks of the inserted widget:", ...lines].join("\n") };
}
