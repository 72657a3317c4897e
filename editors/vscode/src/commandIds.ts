/**
 * The commands this extension registers itself. The language server's own commands are in serverCommands.ts:
 * vscode-languageclient registers those, and registering one of them here too would fail with "command already exists".
 */
export const ExtensionCommands = {
  /** [uri?]: runs the file with `dstack run` in a terminal, with the arguments remembered for it (asked the first time). */
  run: 'dstack.run',
  /** [uri?]: asks for the run arguments again, remembers them, then runs as dstack.run. */
  runWithArguments: 'dstack.runWithArguments',
  /** [runName?]: `dstack stop NAME -y`; without a name, picks one of the active runs. */
  stop: 'dstack.stop',
  /** [runName?]: a quick pick of `dstack ps -a --json`, then logs, attach or stop for the chosen run. */
  showRuns: 'dstack.showRuns',
  /** [uri?]: `dstack run . -f FILE --dry-run`, its plan and offer problems in the output channel. */
  showOffers: 'dstack.showOffers',
  /** [uri, url]: the lens on a running service's URL or a dev environment's IDE link; opens it with vscode.env.openExternal. */
  openUrl: 'dstack.openUrl',
  /** [uri, host]: the lens on a dev environment's SSH host; `ssh HOST` in a new terminal. */
  ssh: 'dstack.ssh',
  /** Stops and starts the language server again. */
  restartServer: 'dstack.restartServer',
  /** Reveals the Dstack output channel. */
  showOutput: 'dstack.showOutput',
} as const;

export const extensionCommandIds: readonly string[] = Object.values(ExtensionCommands);
