// A stand-in for the `vscode` module: the parts of the API the extension uses, recording what it is asked to do.
// VS Code itself cannot run here; every test resets this state with resetVscode().
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Listener<T> = (value: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return new Disposable(() => (this.listeners = this.listeners.filter(l => l !== listener)));
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      listener(value);
    }
  }
}

export class Disposable {
  constructor(private readonly onDispose: () => void) {}
  dispose(): void {
    this.onDispose();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(file: string): Uri {
    return new Uri('file', file);
  }
  static parse(text: string): Uri {
    if (text.startsWith('file:')) {
      return new Uri('file', fileURLToPath(text));
    }
    const colon = text.indexOf(':');
    return new Uri(text.slice(0, colon), text.slice(colon + 1));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return this.scheme === 'file' ? pathToFileURL(this.path).toString() : `${this.scheme}:${this.path}`;
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

export interface Message {
  readonly level: 'error' | 'warning' | 'info';
  readonly text: string;
  readonly actions: string[];
}

export class FakeTerminal {
  readonly sent: string[] = [];
  shown = false;
  constructor(readonly creationOptions: { name?: string; cwd?: string }) {}
  get name(): string | undefined {
    return this.creationOptions.name;
  }
  show(): void {
    this.shown = true;
  }
  sendText(text: string): void {
    this.sent.push(text);
  }
  dispose(): void {
    stub.closeTerminal.fire(this);
  }
}

export class FakeStatusBarItem {
  text = '';
  tooltip: string | undefined;
  name: string | undefined;
  command: unknown;
  visible = false;
  disposed = false;
  constructor(readonly id: string) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.disposed = true;
    this.visible = false;
  }
}

class FakeOutputChannel {
  readonly lines: string[] = [];
  constructor(readonly name: string) {}
  info(text: string): void {
    this.lines.push(`info ${text}`);
  }
  warn(text: string): void {
    this.lines.push(`warn ${text}`);
  }
  error(text: string): void {
    this.lines.push(`error ${text}`);
  }
  trace(text: string): void {
    this.lines.push(`trace ${text}`);
  }
  appendLine(text: string): void {
    this.lines.push(text);
  }
  append(text: string): void {
    this.lines.push(text);
  }
  show(): void {}
  dispose(): void {}
}

function freshState() {
  return {
    commands: new Map<string, (...args: unknown[]) => unknown>(),
    executed: [] as { command: string; args: unknown[] }[],
    settings: new Map<string, unknown>(),
    messages: [] as Message[],
    /** Answers to messages with actions, by the start of the message; none: the message is dismissed. */
    messageAnswers: [] as { startsWith: string; answer: string }[],
    inputBoxAnswers: [] as (string | undefined)[],
    inputBoxes: [] as { value?: string; title?: string; validateInput?: (value: string) => unknown }[],
    /** Picks an item of each quick pick; none: dismissed. */
    quickPicks: [] as ((items: { label: string }[]) => { label: string } | undefined)[],
    quickPickTitles: [] as (string | undefined)[],
    terminals: [] as FakeTerminal[],
    statusBarItems: [] as FakeStatusBarItem[],
    statusBarMessages: [] as string[],
    outputs: [] as FakeOutputChannel[],
    closeTerminal: new EventEmitter<FakeTerminal>(),
    changeConfiguration: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
    activeFile: undefined as string | undefined,
    /** The cursor's line (0-based) in the active editor. */
    activeLine: 0,
    workspaceFolder: undefined as string | undefined,
    shell: '/bin/bash',
    /** What vscode.env.openExternal was given, as strings. */
    openedExternally: [] as string[],
    /** What vscode.env.openExternal answers. */
    openExternalAnswer: true,
  };
}

export let stub = freshState();

export function resetVscode(): void {
  stub = freshState();
}

/** Changes settings as the settings editor would, firing onDidChangeConfiguration. */
export function changeSettings(values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    stub.settings.set(key, value);
  }
  stub.changeConfiguration.fire({
    affectsConfiguration: section => Object.keys(values).some(key => key === section || key.startsWith(`${section}.`)),
  });
}

function message(level: Message['level']) {
  return async (text: string, ...actions: string[]) => {
    stub.messages.push({ level, text, actions });
    return stub.messageAnswers.find(a => text.startsWith(a.startsWith) && actions.includes(a.answer))?.answer;
  };
}

export const window = {
  createOutputChannel: (name: string) => {
    const channel = new FakeOutputChannel(name);
    stub.outputs.push(channel);
    return channel;
  },
  showErrorMessage: message('error'),
  showWarningMessage: message('warning'),
  showInformationMessage: message('info'),
  showInputBox: async (options: { value?: string; title?: string; validateInput?: (value: string) => unknown }) => {
    stub.inputBoxes.push(options);
    return stub.inputBoxAnswers.shift();
  },
  showQuickPick: async <T extends { label: string }>(items: T[] | Promise<T[]>, options?: { title?: string }) => {
    stub.quickPickTitles.push(options?.title);
    const pick = stub.quickPicks.shift();
    return pick ? (pick(await items) as T | undefined) : undefined;
  },
  createTerminal: (options: { name?: string; cwd?: string }) => {
    const terminal = new FakeTerminal(options);
    stub.terminals.push(terminal);
    return terminal;
  },
  createStatusBarItem: (id: string) => {
    const item = new FakeStatusBarItem(id);
    stub.statusBarItems.push(item);
    return item;
  },
  setStatusBarMessage: (text: string) => {
    stub.statusBarMessages.push(text);
    return new Disposable(() => {});
  },
  withProgress: async <R>(_options: unknown, task: () => Promise<R>) => task(),
  onDidCloseTerminal: (listener: Listener<FakeTerminal>) => stub.closeTerminal.event(listener),
  get activeTextEditor() {
    const file = stub.activeFile;
    return file
      ? { document: { uri: Uri.file(file), getText: () => nodeFs.readFileSync(file, 'utf8') }, selection: { active: { line: stub.activeLine, character: 0 } } }
      : undefined;
  },
};

export const commands = {
  registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
    if (stub.commands.has(id)) {
      // What VS Code does too; the reason the extension must not register the server's commands.
      throw new Error(`command '${id}' already exists`);
    }
    stub.commands.set(id, handler);
    return new Disposable(() => stub.commands.delete(id));
  },
  executeCommand: async (id: string, ...args: unknown[]) => {
    stub.executed.push({ command: id, args });
    return stub.commands.get(id)?.(...args);
  },
};

export const workspace = {
  getConfiguration: (section: string) => ({
    get: <T>(key: string, fallback?: T) => (stub.settings.has(`${section}.${key}`) ? stub.settings.get(`${section}.${key}`) : fallback) as T,
  }),
  onDidChangeConfiguration: (listener: Listener<{ affectsConfiguration(section: string): boolean }>) => stub.changeConfiguration.event(listener),
  get workspaceFolders() {
    return stub.workspaceFolder ? [{ uri: Uri.file(stub.workspaceFolder), name: nodePath.basename(stub.workspaceFolder), index: 0 }] : undefined;
  },
  textDocuments: [] as unknown[],
  createFileSystemWatcher: (pattern: string) => ({ pattern, dispose() {} }),
};

export const env = {
  get shell() {
    return stub.shell;
  },
  openExternal: async (uri: Uri) => {
    stub.openedExternally.push(uri.toString());
    return stub.openExternalAnswer;
  },
};
