import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExtensionCommands } from './commandIds';
import { savedFile } from './commandTarget';
import type { DstackCli } from './dstackCli';
import { isRunConfiguration } from './documentSelector';
import { reportProblem } from './problems';
import { ArgumentSyntaxError, splitArguments } from './runArguments';
import { runCommandLine, runInvocation, workflowInvocation, type RunInvocation } from './runInvocation';
import type { RunTracker } from './runStatus';
import { shellKindOf } from './shellQuote';
import { repoRootOfWorkflowsFile, workflowNameAt, workflowOption, type WorkflowChoice } from './workflowTarget';

/** The workspaceState key under which a file's run arguments (or those of one workflow of a workflows file) are remembered. */
export function argumentsKey(file: vscode.Uri, workflow?: string): string {
  return `dstack.runArguments:${file.toString()}${workflow === undefined ? '' : `#${workflow}`}`;
}

/**
 * `dstack.run` and `dstack.runWithArguments`: `dstack run` in a new terminal, in the file's folder for a task, in the
 * repository folder for a workflow (the one a lens names in its second argument, else the one under the cursor).
 */
export function activateRunCommands(context: vscode.ExtensionContext, cli: DstackCli, tracker: RunTracker, output: vscode.LogOutputChannel): void {
  const run = (target: unknown, options: unknown, askAgain: boolean) => runTask(target, options, askAgain, context.workspaceState, cli, tracker, output);
  context.subscriptions.push(
    vscode.commands.registerCommand(ExtensionCommands.run, (target?: unknown, options?: unknown) => run(target, options, false)),
    vscode.commands.registerCommand(ExtensionCommands.runWithArguments, (target?: unknown, options?: unknown) => run(target, options, true)),
  );
}

/** What one Run starts: the command, the terminal's name, and the key its arguments are remembered under. */
interface RunPlan {
  readonly label: string;
  readonly key: string;
  readonly workflow?: string;
  invocation(args: readonly string[]): RunInvocation;
}

async function runTask(
  target: unknown,
  options: unknown,
  askAgain: boolean,
  state: vscode.Memento,
  cli: DstackCli,
  tracker: RunTracker,
  output: vscode.LogOutputChannel,
): Promise<vscode.Terminal | undefined> {
  const file = await savedFile(target, 'Dstack: Run');
  if (!file) {
    return undefined;
  }
  const plan = planOf(file, options, cli);
  if (!plan) {
    return undefined;
  }

  const args = await runArguments(plan, askAgain, state);
  if (!args) {
    return undefined;
  }
  try {
    const invocation = plan.invocation(args);
    const line = runCommandLine(invocation, shellKindOf(vscode.env.shell, process.platform));
    output.info(`run in a terminal (in ${invocation.cwd}): ${line}`);
    const terminal = vscode.window.createTerminal({ name: `dstack run ${plan.label}`, cwd: invocation.cwd });
    terminal.show();
    terminal.sendText(line, true);
    tracker.track(terminal, file.fsPath, plan.workflow);
    return terminal;
  } catch (e) {
    await reportProblem(e, output);
    return undefined;
  }
}

/** How `file` runs: as a task, or as the chosen workflow of a workflows file; undefined after saying why it cannot. */
function planOf(file: vscode.Uri, options: unknown, cli: DstackCli): RunPlan | undefined {
  const repo = repoRootOfWorkflowsFile(file.fsPath);
  if (repo !== undefined) {
    const workflow = workflowOption(options) ?? workflowUnderCursor(file);
    if (!workflow) {
      void vscode.window.showErrorMessage(
        `Dstack: Run runs the workflow under the cursor in ${path.basename(file.fsPath)}: put the cursor inside a workflow (below its "- name:"), or use its Run lens.`,
      );
      return undefined;
    }
    return {
      label: workflow.withDeps ? `${workflow.name} --with-deps` : workflow.name,
      key: argumentsKey(file, workflow.name),
      workflow: workflow.name,
      invocation: args => workflowInvocation(repo, workflow, args, cli.program()),
    };
  }
  if (!isRunConfiguration(file.fsPath)) {
    void vscode.window.showErrorMessage(
      `Dstack: Run runs a *.dstack.yml task, service or dev environment, or a workflow of .dstack/workflows/*.yaml; ${path.basename(file.fsPath)} is not one.`,
    );
    return undefined;
  }
  return {
    label: path.basename(file.fsPath),
    key: argumentsKey(file),
    invocation: args => runInvocation(file.fsPath, args, cli.program()),
  };
}

/** The workflow around the cursor, when the active editor shows `file`. */
function workflowUnderCursor(file: vscode.Uri): WorkflowChoice | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.toString() !== file.toString()) {
    return undefined;
  }
  const name = workflowNameAt(editor.document.getText().split(/\r?\n/), editor.selection.active.line);
  return name === undefined ? undefined : { name, withDeps: false };
}

/**
 * The run arguments: asked the first time (or with askAgain) and remembered in the workspace; undefined when the
 * input box was dismissed. An empty answer is remembered too: the task takes no arguments.
 */
async function runArguments(plan: RunPlan, askAgain: boolean, state: vscode.Memento): Promise<string[] | undefined> {
  let text = state.get<string>(plan.key);
  if (text === undefined || askAgain) {
    text = await vscode.window.showInputBox({
      title: `Run arguments for ${plan.workflow ?? plan.label}`,
      prompt: 'They fill ${{ run.args }}, quoted as in a shell. Remembered for this file; "Dstack: Run with Arguments..." changes them.',
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
    await state.update(plan.key, text);
  }
  try {
    return splitArguments(text);
  } catch (e) {
    void vscode.window.showErrorMessage(`The remembered run arguments cannot be read (${(e as Error).message}); change them with "Dstack: Run with Arguments...".`);
    return undefined;
  }
}
