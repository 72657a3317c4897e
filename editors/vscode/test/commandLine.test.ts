import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentSyntaxError, splitArguments } from '../src/runArguments';
import { runCommandLine, runInvocation } from '../src/runInvocation';
import { commandLine, quoteArgument, shellKindOf, type ShellKind } from '../src/shellQuote';

const tricky = ['--prompt', 'Dogs in hats', "it's", 'say "hi"', '', '$HOME', '`id`', 'a\\b', 'C:\\dir\\', '50%', '=x', '*.txt', 'a;b&c|d', 'ünï cödé', '-d'];

describe('the Run command line', () => {
  it('runs the file from its folder with each argument quoted for bash', () => {
    const invocation = runInvocation('/work/my app/train.dstack.yml', splitArguments(`--prompt "Dogs in hats" --note 'it'"'"'s' --lr 0.1`), { command: 'dstack', args: [] }, path.posix);
    expect(invocation.cwd).toBe('/work/my app');
    expect(invocation.words).toEqual(['dstack', 'run', '.', '-f', 'train.dstack.yml', '--', '--prompt', 'Dogs in hats', '--note', "it's", '--lr', '0.1']);
    expect(runCommandLine(invocation, 'posix')).toBe(`dstack run . -f train.dstack.yml -- --prompt 'Dogs in hats' --note 'it'\\''s' --lr 0.1`);
  });

  it('has no -- without arguments, and runs a dstack.dll through dotnet', () => {
    const invocation = runInvocation('/w/a b/.dstack.yml', [], { command: '/usr/bin/dotnet', args: ['/opt/dstack/dstack.dll'] }, path.posix);
    expect(runCommandLine(invocation, 'posix')).toBe('/usr/bin/dotnet /opt/dstack/dstack.dll run . -f .dstack.yml');
  });

  it('quotes for PowerShell with & before a quoted program', () => {
    const invocation = runInvocation('C:\\src\\train.dstack.yml', ['Dogs in hats', "it's", 'say "hi"'], { command: 'C:\\Program Files\\dstack\\dstack.exe', args: [] }, path.win32);
    expect(invocation.cwd).toBe('C:\\src');
    expect(runCommandLine(invocation, 'pwsh')).toBe(`& 'C:\\Program Files\\dstack\\dstack.exe' run . -f train.dstack.yml -- 'Dogs in hats' 'it''s' 'say "hi"'`);
    expect(runCommandLine(invocation, 'powershell')).toBe(`& 'C:\\Program Files\\dstack\\dstack.exe' run . -f train.dstack.yml -- 'Dogs in hats' 'it''s' 'say \\"hi\\"'`);
  });

  it('quotes for cmd with \\" inside and % outside the quotes', () => {
    expect(commandLine(['dstack', 'say "hi"', '50% off', 'C:\\a b\\'], 'cmd')).toBe(`dstack "say \\"hi\\"" "50"^%" off" "C:\\a b\\\\"`);
  });
});

describe('quoteArgument', () => {
  it.each<[ShellKind, string, string]>([
    ['posix', 'plain-word_1.2/x:y=z,+@%', 'plain-word_1.2/x:y=z,+@%'],
    ['posix', '', "''"],
    ['posix', '=cmd', "'=cmd'"],
    ['fish', "it's a\\b", "'it\\'s a\\\\b'"],
    ['fish', '%self', "'%self'"],
    ['pwsh', 'a,b', "'a,b'"],
    ['pwsh', '@args', "'@args'"],
    ['pwsh', '', "''"],
    ['powershell', '', `'""'`],
    ['cmd', 'a&b', '"a&b"'],
  ])('%s: %j is %s', (kind, argument, quoted) => {
    expect(quoteArgument(argument, kind)).toBe(quoted);
  });

  // The real shells read the line back: each argument must arrive whole and unchanged.
  for (const [kind, shells] of [['posix', ['bash', 'sh', 'dash', 'zsh']], ['fish', ['fish']], ['pwsh', ['pwsh']]] as const) {
    for (const shell of shells) {
      const found = which(shell);
      it.skipIf(!found)(`${shell} (${kind}) hands every argument over unchanged${found ? '' : ` (skipped: ${shell} is not installed)`}`, () => {
        const line = commandLine([process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '--', ...tricky], kind);
        const args = kind === 'pwsh' ? ['-NoProfile', '-Command', line] : ['-c', line];
        expect(JSON.parse(execFileSync(found!, args, { encoding: 'utf8', env: { ...process.env, HOME: '/nowhere' } }))).toEqual(tricky);
      });
    }
  }

  // What a Windows program (and .NET) makes of its command line after cmd has read it: cmd drops the ^ of ^% outside
  // quotes, then the program splits the line by the rules of CommandLineToArgvW.
  it('cmd and Windows PowerShell lines split back into the same arguments', () => {
    const noPercent = tricky.filter(a => a !== '');
    const cmdLine = tricky.map(a => quoteArgument(a, 'cmd')).join(' ');
    expect(windowsArgv(cmdAfterCaret(cmdLine))).toEqual(tricky);
    // powershell.exe strips its own single quotes and wraps words with spaces in "..." as it is.
    const legacy = noPercent.map(a => quoteArgument(a, 'powershell')).map(powershellLegacyPass).join(' ');
    expect(windowsArgv(legacy)).toEqual(noPercent);
  });

  it('knows shells by their path', () => {
    expect(shellKindOf('/usr/bin/zsh', 'darwin')).toBe('posix');
    expect(shellKindOf('/opt/homebrew/bin/fish', 'darwin')).toBe('fish');
    expect(shellKindOf('C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'win32')).toBe('pwsh');
    expect(shellKindOf('C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'win32')).toBe('powershell');
    expect(shellKindOf('C:\\WINDOWS\\System32\\cmd.exe', 'win32')).toBe('cmd');
    expect(shellKindOf(undefined, 'win32')).toBe('powershell');
    expect(shellKindOf('/usr/bin/xonsh', 'linux')).toBe('posix');
  });
});

describe('splitArguments', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['  --epochs   3 ', ['--epochs', '3']],
    [`--prompt "Dogs in hats"`, ['--prompt', 'Dogs in hats']],
    [`'it'"'"'s'`, ["it's"]],
    [`"say \\"hi\\""`, ['say "hi"']],
    [`a\\ b`, ['a b']],
    [`''`, ['']],
    [`C:\\data\\x`, ['C:\\data\\x']],
    [`--name=a"b c"d`, ['--name=ab cd']],
  ])('%j is %j', (text, words) => {
    expect(splitArguments(text)).toEqual(words);
  });

  it('names the unclosed quote', () => {
    expect(() => splitArguments(`--prompt "Dogs in hats`)).toThrow(ArgumentSyntaxError);
    expect(() => splitArguments(`--prompt "Dogs in hats`)).toThrow('The " at column 10 is never closed');
  });
});

function which(name: string): string | undefined {
  return (process.env.PATH ?? '').split(':').map(folder => path.join(folder, name)).find(file => fs.existsSync(file));
}

function cmdAfterCaret(line: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') {
      quoted = !quoted;
    } else if (line[i] === '^' && !quoted) {
      i++;
    }
    out += line[i];
  }
  return out;
}

function powershellLegacyPass(word: string): string {
  const inner = word.startsWith("'") ? word.slice(1, -1).replace(/''/g, "'") : word;
  return /\s/.test(inner) ? `"${inner}"` : inner;
}

/** CommandLineToArgvW: 2n backslashes and " give n backslashes and toggle quoting; 2n+1 give n and a literal ". */
function windowsArgv(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      let n = 0;
      while (line[i] === '\\') {
        n++;
        i++;
      }
      if (line[i] === '"') {
        current += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) {
          current += '"';
        } else {
          quoted = !quoted;
        }
      } else {
        current += '\\'.repeat(n);
        i--;
      }
      inArg = true;
    } else if (c === '"') {
      quoted = !quoted;
      inArg = true;
    } else if (/\s/.test(c) && !quoted) {
      if (inArg) {
        args.push(current);
      }
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (inArg) {
    args.push(current);
  }
  return args;
}
