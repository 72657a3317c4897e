import * as vscode from 'vscode';
import { ExtensionCommands } from './commandIds';

/** What a run publishes: a service's http(s) URL, an IDE's link (the configuration's `ide:` names the application). */
const openableSchemes = ['http', 'https', 'vscode', 'vscode-insiders', 'cursor', 'windsurf'];

/** A host alias of the SSH config dstack writes: a run name, never an option. */
const sshHostPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * The commands of the lenses on a running service or a ready dev environment (the language server reads the
 * endpoints from the state store): `dstack.openUrl` [uri, url] and `dstack.ssh` [uri, host].
 */
export function activateEndpointCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(ExtensionCommands.openUrl, (_target?: unknown, url?: unknown) => openEndpoint(url, output)),
    vscode.commands.registerCommand(ExtensionCommands.ssh, (_target?: unknown, host?: unknown) => sshInto(host, output)),
  );
}

/**
 * Opens a service's URL in the browser, or a dev environment's IDE link, with `vscode.env.openExternal`: one path for
 * both. A link of VS Code's own scheme (`vscode://vscode-remote/ssh-remote+RUN/PATH`) is handled by VS Code itself,
 * which opens a new Remote-SSH window on the run; a `cursor://` link opens Cursor, as the configuration's `ide:` asked
 * (`vscode.openFolder` would always open the run in this application). False when nothing was opened.
 */
export async function openEndpoint(url: unknown, output: vscode.LogOutputChannel): Promise<boolean> {
  const scheme = typeof url === 'string' ? /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1].toLowerCase() : undefined;
  if (typeof url !== 'string' || scheme === undefined || !openableSchemes.includes(scheme)) {
    void vscode.window.showErrorMessage(`Dstack: ${String(url)} is not opened: a run publishes http(s) URLs and vscode:// or cursor:// links only.`);
    return false;
  }
  output.info(`open ${url}`);
  const opened = await vscode.env.openExternal(vscode.Uri.parse(url));
  if (!opened) {
    void vscode.window.showErrorMessage(`Dstack: ${url} could not be opened${scheme.startsWith('http') ? '' : ` (is the application for ${scheme}:// links, with its Remote - SSH extension, installed?)`}.`);
  }
  return opened;
}

/** `ssh HOST` in a new terminal: the host alias dstack wrote into its SSH config for the dev environment. */
export function sshInto(host: unknown, output: vscode.LogOutputChannel): vscode.Terminal | undefined {
  if (typeof host !== 'string' || !sshHostPattern.test(host)) {
    void vscode.window.showErrorMessage(`Dstack: ${String(host)} is not a run's SSH host.`);
    return undefined;
  }
  output.info(`ssh ${host} in a terminal`);
  const terminal = vscode.window.createTerminal({ name: `ssh ${host}` });
  terminal.show();
  terminal.sendText(`ssh ${host}`, true);
  return terminal;
}
