import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExtensionCommands } from './commandIds';
import type { DstackCli } from './dstackCli';
import { describeStatus, isActive, runStartedFrom } from './runList';

export interface RunTrackerOptions {
  /** How often `dstack ps --json` is asked while a run's terminal lives. */
  readonly pollMs: number;
  /** How long to wait for the run to appear (the CLI asks for confirmation first) before letting go. */
  readonly giveUpMs: number;
}

interface Watch {
  readonly file: string;
  readonly workflow?: string;
  readonly startedAt: Date;
  readonly item: vscode.StatusBarItem;
  readonly timer: ReturnType<typeof setInterval>;
  runName?: string;
  polling: boolean;
}

/**
 * A status bar item for each run started from the editor, while it is alive: from the terminal's start until the run
 * ends or the terminal closes. The run is found by polling `dstack ps -a --json` for the newest run of the file
 * submitted since the terminal started.
 */
export class RunTracker implements vscode.Disposable {
  private readonly watches = new Map<vscode.Terminal, Watch>();
  private readonly closeSubscription: vscode.Disposable;

  constructor(
    private readonly cli: DstackCli,
    private readonly output: vscode.LogOutputChannel,
    private readonly options: RunTrackerOptions = { pollMs: 4_000, giveUpMs: 5 * 60_000 },
  ) {
    this.closeSubscription = vscode.window.onDidCloseTerminal(terminal => this.forget(terminal));
  }

  /** Watches the run `terminal` starts from `file`; for a workflows file, of `workflow`. */
  track(terminal: vscode.Terminal, file: string, workflow?: string): void {
    this.forget(terminal);
    const item = vscode.window.createStatusBarItem('dstack.run', vscode.StatusBarAlignment.Left, 50);
    item.name = 'dstack run';
    item.text = `$(sync~spin) dstack: starting ${workflow ?? path.basename(file)}`;
    item.tooltip = `dstack run ${workflow ?? file}: waiting for the run (confirm it in the terminal)`;
    item.show();
    const watch: Watch = { file, workflow, startedAt: new Date(), item, polling: false, timer: setInterval(() => void this.poll(terminal), this.options.pollMs) };
    this.watches.set(terminal, watch);
  }

  /** The status bar texts shown now, one per live run. */
  get texts(): string[] {
    return [...this.watches.values()].map(watch => watch.item.text);
  }

  dispose(): void {
    this.closeSubscription.dispose();
    for (const terminal of [...this.watches.keys()]) {
      this.forget(terminal);
    }
  }

  private async poll(terminal: vscode.Terminal): Promise<void> {
    const watch = this.watches.get(terminal);
    if (!watch || watch.polling) {
      return;
    }
    watch.polling = true;
    try {
      const runs = await this.cli.listRuns(true, path.dirname(watch.file));
      if (this.watches.get(terminal) !== watch) {
        return;
      }
      const run = runStartedFrom(runs, watch.file, watch.startedAt, process.platform === 'win32' || process.platform === 'darwin', watch.workflow);
      if (!run) {
        if (Date.now() - watch.startedAt.getTime() > this.options.giveUpMs) {
          this.output.info(`no run of ${watch.file} appeared within ${this.options.giveUpMs / 1000} s; no longer watching`);
          this.forget(terminal);
        }
        return;
      }
      watch.runName = run.name;
      if (!isActive(run)) {
        vscode.window.setStatusBarMessage(`dstack: ${run.name} ${describeStatus(run)}`, 10_000);
        this.forget(terminal);
        return;
      }
      watch.item.text = `$(sync~spin) dstack: ${run.name} ${run.status}`;
      watch.item.tooltip = `Run ${run.name} of ${watch.workflow ?? path.basename(watch.file)}: ${run.status}. Click for logs, attach or stop.`;
      watch.item.command = { title: 'Show the run', command: ExtensionCommands.showRuns, arguments: [run.name] };
    } catch (e) {
      this.output.warn(`watching the run of ${watch.file}: ${e instanceof Error ? e.message : String(e)}; no longer watching`);
      this.forget(terminal);
    } finally {
      watch.polling = false;
    }
  }

  private forget(terminal: vscode.Terminal): void {
    const watch = this.watches.get(terminal);
    if (watch) {
      clearInterval(watch.timer);
      watch.item.dispose();
      this.watches.delete(terminal);
    }
  }
}
