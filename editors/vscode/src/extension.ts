import * as vscode from 'vscode';
import { ExtensionCommands } from './commandIds';
import { DstackCli } from './dstackCli';
import { activateOffersCommand } from './offers';
import { activateEndpointCommands } from './runEndpoints';
import { activateRunsCommands } from './runsView';
import { RunTracker } from './runStatus';
import { activateRunCommands } from './runTask';
import { ServerSession } from './serverSession';
import { restartSettingIds } from './settings';

let session: ServerSession | undefined;

/** What activate returns; tests use it to reach the session. */
export interface DstackExtension {
  readonly server: ServerSession;
  readonly runs: RunTracker;
}

export async function activate(context: vscode.ExtensionContext): Promise<DstackExtension> {
  const output = vscode.window.createOutputChannel('Dstack', { log: true });
  context.subscriptions.push(output);
  const cli = new DstackCli(output);
  const runs = new RunTracker(cli, output);
  const server = new ServerSession(context.extensionPath, output, cli);
  context.subscriptions.push(runs, server);
  session = server;

  activateRunCommands(context, cli, runs, output);
  activateRunsCommands(context, cli, output);
  activateOffersCommand(context, cli, output);
  activateEndpointCommands(context, output);
  activateServerCommands(context, server, output);
  activateSettingsWatcher(context, server);

  await server.start();
  return { server, runs };
}

export async function deactivate(): Promise<void> {
  await session?.stop();
  session = undefined;
}

function activateServerCommands(context: vscode.ExtensionContext, server: ServerSession, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(ExtensionCommands.restartServer, () => server.restart('asked for')),
    vscode.commands.registerCommand(ExtensionCommands.showOutput, () => output.show()),
  );
}

/** A new server path or dotnet takes effect at once: the server restarts, and says so. */
function activateSettingsWatcher(context: vscode.ExtensionContext, server: ServerSession): void {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(event => {
      const changed = restartSettingIds.filter(id => event.affectsConfiguration(id));
      if (changed.length > 0) {
        void vscode.window.showInformationMessage(`${changed.join(' and ')} changed: restarting the dstack language server.`);
        void server.restart(`${changed.join(', ')} changed`);
      }
    }),
  );
}
