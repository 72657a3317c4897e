import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { locateCli, thisMachine, type Machine, type ProgramCommand } from './programLocation';
import { parseRuns, type RunSummary } from './runList';
import { baseFolder, readSettings } from './settings';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts a program and collects its output; tests pass their own. */
export type ProcessRunner = (command: string, args: readonly string[], cwd: string | undefined) => Promise<CliResult>;

const runProcess: ProcessRunner = (command, args, cwd) =>
  new Promise((resolve, reject) => {
    execFile(command, [...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`${command} could not be started: ${error.message}`));
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });

/** The `dstack` command line, found anew for each use so that a changed dstack.cliPath applies at once. */
export class DstackCli {
  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly runner: ProcessRunner = runProcess,
    private readonly machine: Machine = thisMachine,
  ) {}

  /** The program and the arguments before dstack's own; throws LaunchError with the fix when there is none. */
  program(): ProgramCommand {
    return locateCli(readSettings(), this.machine, baseFolder());
  }

  async run(args: readonly string[], cwd?: string): Promise<CliResult> {
    const program = this.program();
    this.output.info(`dstack ${args.join(' ')}${cwd ? ` (in ${cwd})` : ''}`);
    return this.runner(program.command, [...program.args, ...args], cwd);
  }

  /** `dstack ps --json` (with -a: finished runs too). */
  async listRuns(all: boolean, cwd?: string): Promise<RunSummary[]> {
    const result = await this.run(all ? ['ps', '-a', '--json'] : ['ps', '--json'], cwd ?? baseFolder());
    if (result.code !== 0) {
      throw new Error(`dstack ps failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    }
    return parseRuns(result.stdout);
  }
}
