import * as path from 'node:path';
import type { ProgramCommand } from './programLocation';
import { commandLine, type ShellKind } from './shellQuote';
import type { WorkflowChoice } from './workflowTarget';

/** What the terminal runs for one Run: where, and the words of the command. */
export interface RunInvocation {
  readonly cwd: string;
  readonly words: readonly string[];
}

/**
 * `dstack run . -f FILE -- ARGS...` in the file's folder: the file's folder is the run's code (DIR), -f names the file
 * relative to it (the CLI reads -f from the current folder), and `--` makes every typed word a run argument for
 * `${{ run.args }}`, even one that looks like a dstack option. Without arguments there is no `--`. No `-y`: the CLI
 * shows the plan and asks before anything starts.
 */
export function runInvocation(filePath: string, runArguments: readonly string[], cli: ProgramCommand, pathApi: path.PlatformPath = path): RunInvocation {
  const words = [cli.command, ...cli.args, 'run', '.', '-f', pathApi.basename(filePath)];
  if (runArguments.length > 0) {
    words.push('--', ...runArguments);
  }
  return { cwd: pathApi.dirname(filePath), words };
}

/**
 * `dstack run --workflow NAME [--with-deps] -- ARGS...` in the repository folder (the one that holds
 * `.dstack/workflows`): the CLI finds the workflow by name there (`--workflow`: never taken for a folder of that name). As for a file, `--` keeps every typed word a run argument.
 */
export function workflowInvocation(repoRoot: string, workflow: WorkflowChoice, runArguments: readonly string[], cli: ProgramCommand): RunInvocation {
  const words = [cli.command, ...cli.args, 'run', '--workflow', workflow.name];
  if (workflow.withDeps) {
    words.push('--with-deps');
  }
  if (runArguments.length > 0) {
    words.push('--', ...runArguments);
  }
  return { cwd: repoRoot, words };
}

/** The line typed into the terminal for `invocation`, quoted for its shell. */
export function runCommandLine(invocation: RunInvocation, shell: ShellKind): string {
  return commandLine(invocation.words, shell);
}
