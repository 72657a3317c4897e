/**
 * The commands the language server advertises in `executeCommandProvider.commands`. vscode-languageclient registers a
 * VS Code command for each of them (forwarding to `workspace/executeCommand`), so the extension never registers them
 * while the server provides them. The one exception: when the server that answered does not advertise
 * `dstack.validate` (an older server, or none started), the extension registers a fallback that runs `dstack validate`,
 * so the palette's "Dstack: Validate" still works; it is removed before the server starts again.
 */
export const ServerCommands = {
  /** [uri]: checks the file as `dstack validate` does and publishes its diagnostics again. In the palette. */
  validate: 'dstack.validate',
  /** [uri, {args?, detach?}?]: answers {command, args, cwd, commandLine}; for tools, not in the palette. */
  runCommandLine: 'dstack.runCommandLine',
  /** [uri]: answers {uri, summary, candidates}: the offers lens's data; for tools, not in the palette. */
  offers: 'dstack.offers',
} as const;

export const serverCommandIds: readonly string[] = Object.values(ServerCommands);

/** The server commands people call from the palette (the others only return data). */
export const paletteServerCommandIds: readonly string[] = [ServerCommands.validate];
