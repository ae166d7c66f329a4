/**
 * Choose among the candidates of a Generate Widget: a CodeLens over the inserted widget (which
 * candidate, Next, Previous, Remove), Alt+] / Alt+[ to step, and a status bar item saying which checks
 * the inserted code passed. Each step is one undoable edit. Logic in candidates.ts.
 */
import * as vscode from "vscode";
import {
  type CandidateSet,
  checksStatus,
  parseCandidateSet,
  type Range,
  rangeOfText,
  stepIndex,
  trackRange,
} from "./candidates";

export const CANDIDATE_COMMANDS = {
  next: "flutterTune.nextCandidate",
  previous: "flutterTune.previousCandidate",
  remove: "flutterTune.removeCandidate",
} as const;

const CONTEXT_KEY = "flutterTune.hasCandidates";

interface Session extends CandidateSet {
  uri: string;
  index: number;
}

function toVscodeRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

/** The candidates of the last generation in one document, until an edit touches them. */
export class CandidateStepper implements vscode.Disposable, vscode.CodeLensProvider {
  private session: Session | undefined;
  private applying = false;
  private readonly item: vscode.StatusBarItem;
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.item = vscode.window.createStatusBarItem("flutterTune.checks", vscode.StatusBarAlignment.Right, 99);
    this.item.name = "Flutter Tune: checks of the inserted widget";
    this.disposables.push(
      this.item,
      this.lensesChanged,
      vscode.languages.registerCodeLensProvider({ language: "dart" }, this),
      vscode.workspace.onDidChangeTextDocument((event) => this.onChange(event)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.toString() === this.session?.uri) {
          this.end();
        }
      }),
      vscode.commands.registerCommand(CANDIDATE_COMMANDS.next, () => this.step(1)),
      vscode.commands.registerCommand(CANDIDATE_COMMANDS.previous, () => this.step(-1)),
      vscode.commands.registerCommand(CANDIDATE_COMMANDS.remove, () => this.remove()),
    );
  }

  /** A generate result arrived for `uri`: start stepping (or show just the checks of a single candidate). */
  start(uri: vscode.Uri, result: unknown): void {
    const set = parseCandidateSet(result);
    if (!set) {
      this.end();
      return;
    }
    this.session = { ...set, uri: uri.toString(), index: 0 };
    void vscode.commands.executeCommand("setContext", CONTEXT_KEY, true);
    this.refresh();
  }

  get current(): Session | undefined {
    return this.session;
  }

  private async step(delta: number): Promise<void> {
    const session = this.session;
    if (!session || session.candidates.length < 2) {
      return;
    }
    const index = stepIndex(session.index, session.candidates.length, delta);
    await this.replace(session, session.candidates[index].text, index);
  }

  private async remove(): Promise<void> {
    const session = this.session;
    if (!session) {
      return;
    }
    await this.replace(session, "", session.index);
    this.end();
  }

  private async replace(session: Session, text: string, index: number): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(vscode.Uri.parse(session.uri), toVscodeRange(session.range), text);
    this.applying = true;
    let applied = false;
    try {
      applied = await vscode.workspace.applyEdit(edit);
    } finally {
      this.applying = false;
    }
    if (!applied) {
      void vscode.window.showWarningMessage("Flutter Tune: the editor did not apply the candidate (the file may have changed).");
      return;
    }
    if (this.session === session) {
      session.range = rangeOfText(session.range.start, text);
      session.index = index;
      this.refresh();
    }
  }

  private onChange(event: vscode.TextDocumentChangeEvent): void {
    const session = this.session;
    if (!session || this.applying || event.document.uri.toString() !== session.uri || !event.contentChanges.length) {
      return;
    }
    let range: Range | undefined = session.range;
    // Changes of one event are relative to the document before it and come in reverse order.
    for (const change of event.contentChanges) {
      range = range && trackRange(range, {
        range: { start: change.range.start, end: change.range.end },
        text: change.text,
      });
    }
    if (!range) {
      this.end();
      return;
    }
    if (JSON.stringify(range) !== JSON.stringify(session.range)) {
      session.range = range;
      this.lensesChanged.fire(); // only when the widget moved: typing below it re-lays out nothing
    }
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const session = this.session;
    if (!session || document.uri.toString() !== session.uri) {
      return [];
    }
    const at = toVscodeRange({ start: session.range.start, end: session.range.start });
    const candidate = session.candidates[session.index];
    const count = session.candidates.length;
    const status = checksStatus(candidate, session.index, count);
    const lenses = [
      // Label only (no command): which candidate this is and how it did on the checks.
      new vscode.CodeLens(at, { title: `Flutter Tune: ${status.text.replace(/^\$\([^)]*\) /, "")}`, tooltip: status.tooltip, command: "" }),
    ];
    if (count > 1) {
      lenses.push(
        new vscode.CodeLens(at, { title: "Next candidate (Alt+])", command: CANDIDATE_COMMANDS.next }),
        new vscode.CodeLens(at, { title: "Previous (Alt+[)", command: CANDIDATE_COMMANDS.previous }),
      );
    }
    lenses.push(new vscode.CodeLens(at, { title: "Remove", command: CANDIDATE_COMMANDS.remove }));
    return lenses;
  }

  private refresh(): void {
    const session = this.session;
    if (!session) {
      return;
    }
    const { text, tooltip } = checksStatus(session.candidates[session.index], session.index, session.candidates.length);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = session.candidates.length > 1 ? CANDIDATE_COMMANDS.next : undefined;
    this.item.show();
    this.lensesChanged.fire();
  }

  /** Stop offering candidates (the inserted text was edited, removed, or its document closed). */
  end(): void {
    if (!this.session) {
      return;
    }
    this.session = undefined;
    this.item.hide();
    void vscode.commands.executeCommand("setContext", CONTEXT_KEY, false);
    this.lensesChanged.fire();
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
