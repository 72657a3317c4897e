import * as vscode from 'vscode';
import { LaunchError } from './programLocation';

const openSettings = 'Open Settings';
const showOutput = 'Show Output';

/** Shows a failure with the way out: the setting to change for a program not found, else the output channel. */
export async function reportProblem(error: unknown, output: vscode.LogOutputChannel): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  output.error(message);
  if (error instanceof LaunchError && error.setting) {
    if ((await vscode.window.showErrorMessage(message, openSettings)) === openSettings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', error.setting);
    }
    return;
  }
  if ((await vscode.window.showErrorMessage(message, showOutput)) === showOutput) {
    output.show(true);
  }
}
