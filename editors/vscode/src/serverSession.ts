import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { DstackCli } from './dstackCli';
import { documentSelector } from './documentSelector';
import { locateServer, LaunchError, thisMachine, type Machine, type ServerLaunch } from './programLocation';
import { reportProblem } from './problems';
import { ServerCommands } from './serverCommands';
import { validateWithCli } from './validateWithCli';
import { baseFolder, readSettings } from './settings';

/**
 * The language client and its server process. Starts, stops and restarts are queued one after another, so a burst of
 * setting changes ends with one server, started with the last values.
 */
export class ServerSession implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private validateFallback: vscode.Disposable | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly extensionPath: string,
    private readonly output: vscode.LogOutputChannel,
    private readonly cli: DstackCli,
    private readonly machine: Machine = thisMachine,
  ) {}

  /** The running client, for requests such as `workspace/executeCommand`; undefined while there is none. */
  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.startNow());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.stopNow());
  }

  restart(reason: string): Promise<void> {
    return this.enqueue(async () => {
      this.output.info(`restarting the language server: ${reason}`);
      await this.stopNow();
      await this.startNow();
    });
  }

  dispose(): void {
    void this.stop();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step, step);
    return this.queue;
  }

  private async startNow(): Promise<void> {
    let launch: ServerLaunch;
    try {
      launch = locateServer(readSettings(), this.extensionPath, this.machine, baseFolder());
    } catch (e) {
      if (!(e instanceof LaunchError)) {
        throw e;
      }
      this.provideValidateFallback([]);
      void reportProblem(e, this.output);
      return;
    }

    this.output.info(`starting the language server (${launch.source}): ${launch.command} ${launch.args.join(' ')}`);
    const serverOptions: ServerOptions = { command: launch.command, args: [...launch.args], options: { cwd: path.dirname(launch.serverPath) } };
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    };
    const client = new LanguageClient('dstack', 'Dstack', serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      this.client = undefined;
      this.provideValidateFallback([]);
      const reason = e instanceof Error ? e.message : String(e);
      // The client registers a command for each one the server advertises; one the extension registers too collides.
      const clash = /command '([^']+)' already exists/.exec(reason);
      const fix = clash
        ? ` The server advertises ${clash[1]}, which this extension provides itself: use a server and an extension of the same version.`
        : '';
      void reportProblem(new Error(`The dstack language server (${launch.serverPath}) did not start: ${reason}.${fix}`), this.output);
      return;
    }
    this.provideValidateFallback(client.initializeResult?.capabilities.executeCommandProvider?.commands ?? []);
  }

  private async stopNow(): Promise<void> {
    this.validateFallback?.dispose();
    this.validateFallback = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop();
      } catch (e) {
        this.output.warn(`the language server did not stop cleanly: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** "Dstack: Validate" through the CLI when the server does not provide dstack.validate itself (see serverCommands.ts). */
  private provideValidateFallback(advertised: readonly string[]): void {
    if (advertised.includes(ServerCommands.validate) || this.validateFallback) {
      return;
    }
    this.output.info(`the language server does not provide ${ServerCommands.validate}: it runs \`dstack validate\` instead`);
    this.validateFallback = vscode.commands.registerCommand(ServerCommands.validate, (target?: unknown) => validateWithCli(target, this.cli, this.output));
  }
}
