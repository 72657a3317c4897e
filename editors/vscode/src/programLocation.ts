import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What finding a program needs from the machine; tests pass their own. */
export interface Machine {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  /** process.arch; absent means unknown (then no native server is picked). */
  readonly arch?: string;
  readonly home: string;
  isFile(file: string): boolean;
}

export const thisMachine: Machine = {
  env: process.env,
  platform: process.platform,
  arch: process.arch,
  home: os.homedir(),
  isFile: file => {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
};

/** A program that could not be found: the message says what was tried and how to fix it; `setting` is the one to open. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'LaunchError';
  }
}

export const serverPathVariable = 'DSTACK_LANGUAGE_SERVER_PATH';
export const bundledServerFile = path.join('server', 'dstack-language-server.dll');
/** The native (Native AOT) server that a linux-x64 package carries (docs/native.md); it starts without dotnet. */
export const bundledNativeServerFile = path.join('server', 'native', 'linux-x64', 'dstack-language-server');

/** How to start a program: `command` with `args` before the caller's own. */
export interface ProgramCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface ServerLaunch extends ProgramCommand {
  readonly serverPath: string;
  readonly source: 'environment' | 'setting' | 'bundled';
}

export interface ServerSettings {
  readonly serverPath: string;
  readonly dotnetPath: string;
}

/**
 * The language server, in this order: the DSTACK_LANGUAGE_SERVER_PATH environment variable, the dstack.server.path
 * setting, the copy bundled under server/ (the native server first, on Linux x64 when the package has one). A place
 * that is named but holds no file is an error, never a reason to
 * fall back silently: the person who set it meant that server. A .dll starts with dotnet; anything else directly.
 */
export function locateServer(settings: ServerSettings, extensionPath: string, machine: Machine, baseFolder?: string): ServerLaunch {
  const fromEnvironment = machine.env[serverPathVariable]?.trim();
  let serverPath: string;
  let source: ServerLaunch['source'];
  if (fromEnvironment) {
    serverPath = expand(fromEnvironment, machine, baseFolder);
    source = 'environment';
    if (!machine.isFile(serverPath)) {
      throw new LaunchError(
        `The environment variable ${serverPathVariable} is "${fromEnvironment}", which is not a file. ` +
          'Point it at dstack-language-server.dll (after `dotnet build src/Dstack.LanguageServer -c Release`: ' +
          'src/Dstack.LanguageServer/bin/Release/net10.0/dstack-language-server.dll), or unset it to use the ' +
          'dstack.server.path setting or the server bundled with the extension.',
      );
    }
  } else if (settings.serverPath) {
    serverPath = expand(settings.serverPath, machine, baseFolder);
    source = 'setting';
    if (!machine.isFile(serverPath)) {
      throw new LaunchError(
        `The setting dstack.server.path is "${settings.serverPath}", which is not a file. Point it at ` +
          'dstack-language-server.dll or the dstack-language-server executable, or clear it to use the server bundled ' +
          'with the extension.',
        'dstack.server.path',
      );
    }
  } else {
    const native = path.join(extensionPath, bundledNativeServerFile);
    serverPath = machine.platform === 'linux' && machine.arch === 'x64' && machine.isFile(native) ? native : path.join(extensionPath, bundledServerFile);
    source = 'bundled';
    if (!machine.isFile(serverPath)) {
      throw new LaunchError(
        `No language server is bundled with this extension (${serverPath} is missing). Build one ` +
          '(`dotnet build src/Dstack.LanguageServer -c Release`) and set dstack.server.path to its ' +
          'dstack-language-server.dll, or install the packaged extension (`npm run package` in editors/vscode).',
        'dstack.server.path',
      );
    }
  }

  const program = isDll(serverPath)
    ? { command: locateDotnet(settings.dotnetPath, machine, baseFolder, 'the dstack language server'), args: [serverPath] }
    : { command: serverPath, args: [] };
  return { ...program, args: [...program.args, '--stdio'], serverPath, source };
}

/** dotnet: the dstack.dotnetPath setting, else `dotnet` on PATH. */
export function locateDotnet(dotnetPathSetting: string, machine: Machine, baseFolder: string | undefined, forWhat: string): string {
  if (dotnetPathSetting) {
    const dotnet = expand(dotnetPathSetting, machine, baseFolder);
    if (!machine.isFile(dotnet)) {
      throw new LaunchError(
        `The setting dstack.dotnetPath is "${dotnetPathSetting}", which is not a file. Point it at the dotnet ` +
          'executable of a .NET 10 runtime, or clear it to use dotnet from PATH.',
        'dstack.dotnetPath',
      );
    }
    return dotnet;
  }

  const dotnet = findOnPath('dotnet', machine);
  if (!dotnet) {
    throw new LaunchError(
      `dotnet was not found on PATH, and ${forWhat} needs it (a .NET 10 runtime). Install the .NET 10 runtime, ` +
        'or set dstack.dotnetPath to the dotnet executable.',
      'dstack.dotnetPath',
    );
  }
  return dotnet;
}

/** The dstack CLI: the dstack.cliPath setting (an executable, or dstack.dll run with dotnet), else `dstack` on PATH. */
export function locateCli(settings: { readonly cliPath: string; readonly dotnetPath: string }, machine: Machine, baseFolder?: string): ProgramCommand {
  if (settings.cliPath) {
    const cli = expand(settings.cliPath, machine, baseFolder);
    if (!machine.isFile(cli)) {
      throw new LaunchError(
        `The setting dstack.cliPath is "${settings.cliPath}", which is not a file. Point it at the dstack executable ` +
          'or dstack.dll, or clear it to use dstack from PATH.',
        'dstack.cliPath',
      );
    }
    return isDll(cli)
      ? { command: locateDotnet(settings.dotnetPath, machine, baseFolder, 'dstack.dll'), args: [cli] }
      : { command: cli, args: [] };
  }

  const cli = findOnPath('dstack', machine);
  if (!cli) {
    throw new LaunchError(
      'The dstack command line was not found on PATH. Install it (`dotnet pack src/Dstack.Cli -c Release -o artifacts` ' +
        'then `dotnet tool install --global Dstack.Cli --add-source artifacts`), or set dstack.cliPath to the dstack ' +
        'executable or dstack.dll.',
      'dstack.cliPath',
    );
  }
  return { command: cli, args: [] };
}

/** The first `name` on PATH, with PATHEXT's extensions on Windows. */
export function findOnPath(name: string, machine: Machine): string | undefined {
  const windows = machine.platform === 'win32';
  const pathVariable = machine.env.PATH ?? machine.env.Path ?? '';
  const extensions = windows ? (machine.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(e => e) : [''];
  const join = windows ? path.win32.join : path.posix.join;
  for (const folder of pathVariable.split(windows ? ';' : ':')) {
    if (!folder) {
      continue;
    }
    for (const extension of extensions) {
      const candidate = join(folder, name + extension);
      if (machine.isFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function isDll(file: string): boolean {
  return file.toLowerCase().endsWith('.dll');
}

/** `~/x` is in the home folder; a relative path is relative to the first workspace folder when there is one. */
function expand(file: string, machine: Machine, baseFolder: string | undefined): string {
  const pathApi = machine.platform === 'win32' ? path.win32 : path.posix;
  if (file === '~' || file.startsWith('~/') || file.startsWith('~\\')) {
    return pathApi.join(machine.home, file.slice(1));
  }
  return baseFolder && !pathApi.isAbsolute(file) ? pathApi.join(baseFolder, file) : file;
}
