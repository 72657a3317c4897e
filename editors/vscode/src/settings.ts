import * as vscode from 'vscode';

/** Every setting the extension contributes (package.json `contributes.configuration`). */
export const SettingIds = {
  serverPath: 'dstack.server.path',
  dotnetPath: 'dstack.dotnetPath',
  cliPath: 'dstack.cliPath',
  /** Read by vscode-languageclient itself (the client's id is `dstack`). */
  traceServer: 'dstack.trace.server',
} as const;

/** Changing one of these restarts the language server. */
export const restartSettingIds: readonly string[] = [SettingIds.serverPath, SettingIds.dotnetPath];

export interface DstackSettings {
  readonly serverPath: string;
  readonly dotnetPath: string;
  readonly cliPath: string;
}

export function readSettings(): DstackSettings {
  const configuration = vscode.workspace.getConfiguration('dstack');
  const text = (key: string) => (configuration.get<string>(key) ?? '').trim();
  return { serverPath: text('server.path'), dotnetPath: text('dotnetPath'), cliPath: text('cliPath') };
}

/** Relative paths in settings are relative to the first workspace folder. */
export function baseFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}
