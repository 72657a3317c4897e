import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExtensionCommands } from './commandIds';
import { savedFile } from './commandTarget';
import type { DstackCli } from './dstackCli';
import { isRunConfiguration } from './documentSelector';
import { reportProblem } from './problems';
import { ArgumentSyntaxError, splitArguments } from './runArguments';
import { runCommandLine, runInvocation } from './runInvocation';
import type { RunTracker } from './runStatus';
import { shellKindOf } from './shellQuote';

/** The workspaceState key under which a file's run arguments are remembered. */
export function argumentsKey(file: vscode.Uri): string {
  return `dstack.runArguments:${file.toString()}`;
}

/** `dstack.run` and `dstack.runWithArguments`: `dstack run` in a new terminal in the file's folder. */
export function activateRunCommands(context: vscode.ExtensionContext, cli: DstackCli, tracker: RunTracker, output: vscode.LogOutputChannel): void {
  const run = (target: unknown, askAgain: boolean) => runTask(target, askAgain, context.workspaceState, cli, tracker, output);
  context.subscriptions.push(
    vscode.commands.registerCommand(ExtensionCommands.run, (target?: unknown) => run(target, false)),
    vscode.commands.registerCommand(ExtensionCommands.runWithArguments, (target?: unknown) => run(target, true)),
  );
}

async function runTask(
  target: unknown,
  askAgain: boolean,
  state: vscode.Memento,
  cli: DstackCli,
  tracker: RunTracker,
  output: vscode.LogOutputChannel,
): Promise<vscode.Terminal | undefined> {
  const file = await savedFile(target, 'Dstack: Run Task');
  if (!file) {
    return undefined;
  }
  if (!isRunConfiguration(file.fsPath)) {
    void vscode.window.showErrorMessage(`Dstack: Run Task runs a *.dstack.yml task, service or dev environment; ${path.basename(file.fsPath)} is not one.`);
    return undefined;
  }

  const args = await runArguments(file, askAgain, state);
  if (!args) {
    return undefined;
  }
  try {
    const invocation = runInvocation(file.fsPath, args, cli.program());
    const line = runCommandLine(invocation, shellKindOf(vscode.env.shell, process.platform));
    output.info(`run in a terminal (in ${invocation.cwd}): ${line}`);
    const terminal = vscode.window.createTerminal({ name: `dstack run ${path.basename(file.fsPath)}`, cwd: invocation.cwd });
    terminal.show();
    terminal.sendText(line, true);
    tracker.track(terminal, file.fsPath);
    return terminal;
  } catch (e) {
    await reportProblem(e, output);
    return undefined;
  }
}

/**
 * The file's run arguments: asked the first time (or with askAgain) and remembered in the workspace; undefined when the
 * input box was dismissed. An empty answer is remembered too: the task takes no arguments.
 */
async function runArguments(file: vscode.Uri, askAgain: boolean, state: vscode.Memento): Promise<string[] | undefined> {
  const key = argumentsKey(file);
  let text = state.get<string>(key);
  if (text === undefined || askAgain) {
    text = await vscode.window.showInputBox({
      title: `Run arguments for ${path.basename(file.fsPath)}`,
      prompt: 'They fill ${{ run.args }}, quoted as in a shell. Remembered for this file; "Dstack: Run Task with Arguments..." changes them.',
      placeHolder: '--epochs 3 --prompt "Dogs in hats" (empty: none)',
      value: text ?? '',
      ignoreFocusOut: true,
      validateInput: value => {
        try {
          splitArguments(value);
          return undefined;
        } catch (e) {
          return e instanceof ArgumentSyntaxError ? e.message : String(e);
        }
      },
    });
    if (text === undefined) {
      return undefined;
    }
    await state.update(key, text);
  }
  try {
    return splitArguments(text);
  } catch (e) {
    void vscode.window.showErrorMessage(`The remembered run arguments cannot be read (${(e as Error).message}); change them with "Dstack: Run Task with Arguments...".`);
    return undefined;
  }
}
