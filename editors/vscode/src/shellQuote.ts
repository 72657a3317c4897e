import * as path from 'node:path';

/**
 * The shells a terminal may run, by how they read a quoted word:
 * - posix: bash, zsh, sh, dash, ksh: '...' is literal, a ' is written '\''.
 * - fish: '...' where \ escapes ' and \ themselves.
 * - pwsh: PowerShell 7.3 and later, which passes arguments to programs as written: '...' with '' for a '.
 * - powershell: Windows PowerShell 5.1, which forwards a word to a program without escaping its double quotes, so
 *   they and the backslashes before them are escaped for the program's own parser first.
 * - cmd: "..." read by the program's parser (\" for a quote); % is taken out of the quotes and escaped with ^.
 */
export type ShellKind = 'posix' | 'fish' | 'pwsh' | 'powershell' | 'cmd';

const shellNames: Readonly<Record<string, ShellKind>> = {
  bash: 'posix',
  sh: 'posix',
  zsh: 'posix',
  dash: 'posix',
  ksh: 'posix',
  mksh: 'posix',
  ash: 'posix',
  fish: 'fish',
  pwsh: 'pwsh',
  'pwsh-preview': 'pwsh',
  powershell: 'powershell',
  cmd: 'cmd',
};

/** The kind of shell at `shellPath` (VS Code's `env.shell`); an unknown one is the platform's usual kind. */
export function shellKindOf(shellPath: string | undefined, platform: NodeJS.Platform): ShellKind {
  const name = path.win32.basename(shellPath ?? '').toLowerCase().replace(/\.exe$/, '');
  return shellNames[name] ?? (platform === 'win32' ? 'powershell' : 'posix');
}

// Words every shell of a kind reads as they are. A leading = (zsh's =command) or % (fish's %self) is quoted.
const plainWords: Readonly<Record<ShellKind, RegExp>> = {
  posix: /^[A-Za-z0-9_\-./:,+@%][A-Za-z0-9_\-./:=,+@%]*$/,
  fish: /^[A-Za-z0-9_\-./:=,+@][A-Za-z0-9_\-./:=,+@%]*$/,
  pwsh: /^[A-Za-z0-9_\-./:=+\\]+$/,
  powershell: /^[A-Za-z0-9_\-./:=+\\]+$/,
  cmd: /^[A-Za-z0-9_\-./:=,+@\\]+$/,
};

/** One argument written so that the shell hands it to the program whole and unchanged. */
export function quoteArgument(argument: string, kind: ShellKind): string {
  if (plainWords[kind].test(argument)) {
    return argument;
  }
  switch (kind) {
    case 'posix':
      return `'${argument.replace(/'/g, `'\\''`)}'`;
    case 'fish':
      return `'${argument.replace(/[\\']/g, c => `\\${c}`)}'`;
    case 'pwsh':
      return `'${argument.replace(/'/g, `''`)}'`;
    case 'powershell':
      // 5.1 drops an empty argument and wraps one with spaces in "..." without escaping what is inside.
      return argument === '' ? `'""'` : `'${escapeForProgram(argument, /[\s]/.test(argument)).replace(/'/g, `''`)}'`;
    case 'cmd':
      return `"${escapeForProgram(argument, true).replace(/%/g, '"^%"')}"`;
  }
}

/** A whole command line: the program and its arguments, each quoted. PowerShell needs `&` before a quoted program. */
export function commandLine(words: readonly string[], kind: ShellKind): string {
  const quoted = words.map(word => quoteArgument(word, kind));
  const call = (kind === 'pwsh' || kind === 'powershell') && quoted.length > 0 && quoted[0] !== words[0] ? '& ' : '';
  return call + quoted.join(' ');
}

/**
 * The escaping Windows programs (and .NET) undo when they split their command line: a " is \", the backslashes before a
 * " are doubled, and so are trailing backslashes when the argument ends up inside "...".
 */
function escapeForProgram(argument: string, quotedByShell: boolean): string {
  let escaped = argument.replace(/(\\*)"/g, (_, slashes: string) => `${slashes}${slashes}\\"`);
  if (quotedByShell) {
    escaped = escaped.replace(/(\\+)$/, '$1$1');
  }
  return escaped;
}
