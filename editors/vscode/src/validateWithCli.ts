import * as path from 'node:path';
import * as vscode from 'vscode';
import { savedFile } from './commandTarget';
import type { DstackCli } from './dstackCli';
import { reportProblem } from './problems';

/** "Dstack: Validate" without the server's dstack.validate: `dstack validate FILE`, its report in the output channel. */
export async function validateWithCli(target: unknown, cli: DstackCli, output: vscode.LogOutputChannel): Promise<void> {
  const file = await savedFile(target, 'Dstack: Validate');
  if (!file) {
    return;
  }
  try {
    const result = await cli.run(['validate', path.basename(file.fsPath), '--no-color'], path.dirname(file.fsPath));
    const report = (result.stdout + result.stderr).trim();
    output.appendLine(report);
    const summary = report.split('\n').pop() ?? '';
    if (result.code === 0) {
      void vscode.window.showInformationMessage(`dstack validate: ${summary}`);
    } else {
      output.show(true);
      void vscode.window.showWarningMessage(`dstack validate: ${summary}`);
    }
  } catch (e) {
    await reportProblem(e, output);
  }
}
