/**
 * A small stand-in for the `vscode` module, enough for the client's pure logic to import and run in
 * Node. Tests set `workspace.configuration` / `workspace.isTrusted` and read `window.created` items.
 */
export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  dispose(): void {
    this.fn();
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class Uri {
  constructor(readonly fsPath: string) {}
  static file(path: string): Uri {
    return new Uri(path);
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

/** A status bar item that just records what was set on it. */
export class FakeStatusBarItem {
  text = "";
  tooltip: string | undefined;
  name: string | undefined;
  command: string | undefined;
  backgroundColor: ThemeColor | undefined;
  visible = false;
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
  }
}

type Inspect = { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown; defaultValue?: unknown };

export const workspace = {
  isTrusted: true,
  workspaceFolders: undefined as { uri: Uri }[] | undefined,
  /** key (without "flutterTune.") → inspect() result */
  configuration: {} as Record<string, Inspect>,
  getConfiguration(_section?: string) {
    const values = workspace.configuration;
    return {
      inspect: (key: string) => values[key],
      get: (key: string, fallback?: unknown) => {
        const info = values[key];
        return info?.workspaceFolderValue ?? info?.workspaceValue ?? info?.globalValue ?? info?.defaultValue ?? fallback;
      },
    };
  },
};

/** Messages shown with show*Message: [kind, text, buttons]. */
export const shown: [string, string, string[]][] = [];

function message(kind: string) {
  return async (text: string, ...buttons: string[]) => {
    shown.push([kind, text, buttons]);
    return undefined;
  };
}

export const window = {
  created: [] as FakeStatusBarItem[],
  activeTextEditor: undefined,
  showErrorMessage: message("error"),
  showWarningMessage: message("warning"),
  showInformationMessage: message("info"),
  setStatusBarMessage: () => new Disposable(),
  createStatusBarItem(): FakeStatusBarItem {
    const item = new FakeStatusBarItem();
    window.created.push(item);
    return item;
  },
};

export const extensions = {
  getExtension: (_id: string) => undefined,
};

export const commands = {
  executeCommand: async () => undefined,
  registerCommand: () => new Disposable(),
};
