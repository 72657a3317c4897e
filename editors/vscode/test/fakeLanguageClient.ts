// A stand-in for vscode-languageclient/node: records each client and, like the real one, registers a VS Code command
// for every command the (pretend) server advertises in executeCommandProvider.
import { commands } from './vscode';

export const RevealOutputChannelOn = { Debug: 0, Info: 1, Warn: 2, Error: 3, Never: 4 } as const;

export const server = {
  /** What the next server advertises. */
  advertised: [] as string[],
  /** When set, the next start fails with this message. */
  startError: undefined as string | undefined,
};

export const clients: LanguageClient[] = [];

export class LanguageClient {
  state: 'new' | 'running' | 'stopped' | 'failed' = 'new';
  initializeResult: { capabilities: { executeCommandProvider?: { commands: string[] } } } | undefined;
  private registrations: { dispose(): void }[] = [];

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: { command: string; args: string[]; options?: { cwd?: string } },
    readonly clientOptions: { documentSelector: unknown[] },
  ) {
    clients.push(this);
  }

  async start(): Promise<void> {
    if (server.startError) {
      this.state = 'failed';
      throw new Error(server.startError);
    }
    this.initializeResult = { capabilities: { executeCommandProvider: { commands: [...server.advertised] } } };
    this.registrations = server.advertised.map(command => commands.registerCommand(command, () => `server ran ${command}`));
    this.state = 'running';
  }

  async stop(): Promise<void> {
    this.registrations.forEach(r => r.dispose());
    this.registrations = [];
    this.state = 'stopped';
  }
}

export function resetLanguageClient(): void {
  clients.length = 0;
  server.advertised = [];
  server.startError = undefined;
}
