import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExtensionCommands } from './commandIds';
import { savedFile } from './commandTarget';
import type { DstackCli } from './dstackCli';
import { reportProblem } from './problems';

/**
 * `dstack.showOffers` (also the offers lens's command): `dstack run . -f FILE --dry-run`, which plans the run, prints
 * the plan (the machine, its resources and price) or why no offer fits, and stops; its output goes to the channel.
 */
export function activateOffersCommand(context: vscode.ExtensionContext, cli: DstackCli, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(ExtensionCommands.showOffers, async (target?: unknown) => {
      const file = await savedFile(target, 'Dstack: Show Offers');
      if (!file) {
        return;
      }
      try {
        const args = ['run', '.', '-f', path.basename(file.fsPath), '--dry-run', '--no-color'];
        const result = await cli.run(args, path.dirname(file.fsPath));
        output.appendLine(`$ dstack ${args.join(' ')}`);
        output.appendLine((result.stdout + result.stderr).trimEnd());
        output.show(true);
        if (result.code !== 0) {
          void vscode.window.showWarningMessage(`No offer fits ${path.basename(file.fsPath)}: the reasons are in the Dstack output.`);
        }
      } catch (e) {
        await reportProblem(e, output);
      }
    }),
  );
}
