import * as vscode from 'vscode';
import { ExtensionCommands } from './commandIds';
import type { DstackCli } from './dstackCli';
import { reportProblem } from './problems';
import { describeStatus, isActive, type RunSummary } from './runList';
import { commandLine, shellKindOf } from './shellQuote';

/** `dstack.showRuns` and `dstack.stop`. */
export function activateRunsCommands(context: vscode.ExtensionContext, cli: DstackCli, output: vscode.LogOutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(ExtensionCommands.showRuns, (name?: unknown) => guarded(() => showRuns(cli, output, name), output)),
    vscode.commands.registerCommand(ExtensionCommands.stop, (name?: unknown) => guarded(() => stopRun(cli, output, name), output)),
  );
}

async function guarded(action: () => Promise<void>, output: vscode.LogOutputChannel): Promise<void> {
  try {
    await action();
  } catch (e) {
    await reportProblem(e, output);
  }
}

interface RunItem extends vscode.QuickPickItem {
  readonly run: RunSummary;
}

function runItem(run: RunSummary): RunItem {
  return {
    label: `${isActive(run) ? '$(sync~spin)' : '$(circle-outline)'} ${run.name}`,
    description: describeStatus(run),
    detail: [run.configuration, run.submittedAt && `submitted ${new Date(run.submittedAt).toLocaleString()}`].filter(Boolean).join(' · '),
    run,
  };
}

/** Every run (`dstack ps -a --json`), newest first; the chosen one's actions: logs, attach, stop, abort. */
async function showRuns(cli: DstackCli, output: vscode.LogOutputChannel, name: unknown): Promise<void> {
  const runs = await cli.listRuns(true);
  let run = typeof name === 'string' ? runs.find(r => r.name === name) : undefined;
  if (!run) {
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('No runs yet: "Dstack: Run" runs the open .dstack.yml file.');
      return;
    }
    run = (await vscode.window.showQuickPick(runs.map(runItem), { title: 'dstack runs', placeHolder: 'Choose a run for its logs, attach or stop', matchOnDescription: true }))?.run;
    if (!run) {
      return;
    }
  }

  const actions = [
    { label: '$(output) Follow logs', detail: `dstack logs ${run.name} -f`, act: () => inTerminal(cli, `dstack logs ${run.name}`, ['logs', run.name, '-f'], run.repo) },
    ...(isActive(run)
      ? [
          { label: '$(plug) Attach', detail: `dstack attach ${run.name}: forward its ports again and follow its output`, act: () => inTerminal(cli, `dstack attach ${run.name}`, ['attach', run.name], run.repo) },
          { label: '$(debug-stop) Stop', detail: `dstack stop ${run.name} -y`, act: () => stop(cli, output, run.name, false) },
          { label: '$(close) Abort', detail: `dstack stop ${run.name} -x -y: kill its jobs at once`, act: () => stop(cli, output, run.name, true) },
        ]
      : []),
  ];
  const action = await vscode.window.showQuickPick(actions, { title: `${run.name}: ${describeStatus(run)}` });
  await action?.act();
}

/** `dstack.stop`: the named run, else one picked among the active ones. */
async function stopRun(cli: DstackCli, output: vscode.LogOutputChannel, name: unknown): Promise<void> {
  if (typeof name === 'string' && name) {
    await stop(cli, output, name, false);
    return;
  }
  const runs = (await cli.listRuns(false)).filter(isActive);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No active runs to stop.');
    return;
  }
  const picked = await vscode.window.showQuickPick(runs.map(runItem), { title: 'Stop a dstack run', placeHolder: 'Choose the run to stop' });
  if (picked) {
    await stop(cli, output, picked.run.name, false);
  }
}

async function stop(cli: DstackCli, output: vscode.LogOutputChannel, name: string, abort: boolean): Promise<void> {
  const args = ['stop', name, ...(abort ? ['-x'] : []), '-y'];
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${abort ? 'Aborting' : 'Stopping'} ${name}...` },
    () => cli.run(args),
  );
  const said = (result.stdout.trim() + '\n' + result.stderr.trim()).trim();
  output.appendLine(said);
  if (result.code === 0) {
    void vscode.window.showInformationMessage(said || `${name} stopped.`);
  } else {
    throw new Error(`dstack ${args.join(' ')} failed (exit ${result.code}): ${said}`);
  }
}

/** A new terminal running `dstack ARGS`, quoted for the terminal's shell. */
function inTerminal(cli: DstackCli, title: string, args: readonly string[], cwd: string | null): void {
  const program = cli.program();
  const terminal = vscode.window.createTerminal({ name: title, cwd: cwd ?? undefined });
  terminal.show();
  terminal.sendText(commandLine([program.command, ...program.args, ...args], shellKindOf(vscode.env.shell, process.platform)), true);
}
