import { describe, expect, it } from 'vitest';
import { findOnPath, LaunchError, locateCli, locateServer, type Machine } from '../src/programLocation';

const extension = '/ext';
const bundled = '/ext/server/dstack-language-server.dll';

function machine(files: string[], env: Record<string, string> = {}, platform: NodeJS.Platform = 'linux'): Machine {
  // Windows file names ignore case, as PATHEXT's upper-case extensions rely on.
  const key = (f: string) => (platform === 'win32' ? f.toLowerCase() : f);
  const set = new Set(files.map(key));
  return { env: { PATH: '/usr/bin:/opt/dotnet', ...env }, platform, home: '/home/me', isFile: f => set.has(key(f)) };
}

const noSettings = { serverPath: '', dotnetPath: '' };

function launchError(action: () => unknown): LaunchError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(LaunchError);
    return e as LaunchError;
  }
  throw new Error('expected a LaunchError');
}

describe('locateServer', () => {
  it('takes DSTACK_LANGUAGE_SERVER_PATH before the setting and the bundled copy', () => {
    const m = machine(['/env/server.dll', '/setting/server.dll', bundled, '/opt/dotnet/dotnet'], { DSTACK_LANGUAGE_SERVER_PATH: '/env/server.dll' });
    const launch = locateServer({ serverPath: '/setting/server.dll', dotnetPath: '' }, extension, m);
    expect(launch).toMatchObject({ source: 'environment', serverPath: '/env/server.dll', command: '/opt/dotnet/dotnet', args: ['/env/server.dll', '--stdio'] });
  });

  it('takes the setting before the bundled copy, relative to the workspace folder', () => {
    const m = machine(['/work/build/server.dll', bundled, '/usr/bin/dotnet']);
    const launch = locateServer({ serverPath: 'build/server.dll', dotnetPath: '' }, extension, m, '/work');
    expect(launch).toMatchObject({ source: 'setting', serverPath: '/work/build/server.dll', command: '/usr/bin/dotnet' });
  });

  it('expands ~ in the setting', () => {
    const m = machine(['/home/me/ls/server.dll', '/usr/bin/dotnet']);
    expect(locateServer({ serverPath: '~/ls/server.dll', dotnetPath: '' }, extension, m).serverPath).toBe('/home/me/ls/server.dll');
  });

  it('picks the bundled native server first on Linux x64, and the portable one elsewhere', () => {
    const native = '/ext/server/native/linux-x64/dstack-language-server';
    const linux = { ...machine([native, bundled, '/usr/bin/dotnet']), arch: 'x64' };
    expect(locateServer(noSettings, extension, linux)).toMatchObject({ source: 'bundled', serverPath: native, command: native, args: ['--stdio'] });
    const arm = { ...machine([native, bundled, '/usr/bin/dotnet']), arch: 'arm64' };
    expect(locateServer(noSettings, extension, arm)).toMatchObject({ serverPath: bundled, command: '/usr/bin/dotnet', args: [bundled, '--stdio'] });
    const portableOnly = { ...machine([bundled, '/usr/bin/dotnet']), arch: 'x64' };
    expect(locateServer(noSettings, extension, portableOnly)).toMatchObject({ serverPath: bundled, args: [bundled, '--stdio'] });
  });

  it('falls back to the bundled copy when neither is set', () => {
    const m = machine([bundled, '/usr/bin/dotnet'], { DSTACK_LANGUAGE_SERVER_PATH: '  ' });
    expect(locateServer(noSettings, extension, m)).toMatchObject({ source: 'bundled', serverPath: bundled, args: [bundled, '--stdio'] });
  });

  it('does not fall back when the environment variable names a missing file', () => {
    const m = machine(['/setting/server.dll', bundled, '/usr/bin/dotnet'], { DSTACK_LANGUAGE_SERVER_PATH: '/gone/server.dll' });
    const error = launchError(() => locateServer({ serverPath: '/setting/server.dll', dotnetPath: '' }, extension, m));
    expect(error.message).toContain('DSTACK_LANGUAGE_SERVER_PATH is "/gone/server.dll", which is not a file');
    expect(error.message).toContain('unset it');
    expect(error.setting).toBeUndefined();
  });

  it('does not fall back when the setting names a missing file, and points at the setting', () => {
    const m = machine([bundled, '/usr/bin/dotnet']);
    const error = launchError(() => locateServer({ serverPath: '/nope.dll', dotnetPath: '' }, extension, m));
    expect(error.message).toContain('dstack.server.path is "/nope.dll", which is not a file');
    expect(error.setting).toBe('dstack.server.path');
  });

  it('says how to get a server when none is bundled', () => {
    const error = launchError(() => locateServer(noSettings, extension, machine(['/usr/bin/dotnet'])));
    expect(error.message).toContain(bundled);
    expect(error.message).toContain('npm run package');
    expect(error.message).toContain('dotnet build src/Dstack.LanguageServer -c Release');
    expect(error.setting).toBe('dstack.server.path');
  });

  it('uses the dstack.dotnetPath setting before PATH', () => {
    const m = machine([bundled, '/usr/bin/dotnet', '/sdk/dotnet']);
    expect(locateServer({ serverPath: '', dotnetPath: '/sdk/dotnet' }, extension, m).command).toBe('/sdk/dotnet');
  });

  it('reports a dotnetPath setting that is not a file', () => {
    const error = launchError(() => locateServer({ serverPath: '', dotnetPath: '/sdk/dotnet' }, extension, machine([bundled, '/usr/bin/dotnet'])));
    expect(error.message).toContain('dstack.dotnetPath is "/sdk/dotnet", which is not a file');
    expect(error.setting).toBe('dstack.dotnetPath');
  });

  it('reports dotnet missing from PATH with the fix', () => {
    const error = launchError(() => locateServer(noSettings, extension, machine([bundled])));
    expect(error.message).toContain('dotnet was not found on PATH');
    expect(error.message).toContain('.NET 10 runtime');
    expect(error.message).toContain('dstack.dotnetPath');
    expect(error.setting).toBe('dstack.dotnetPath');
  });

  it('starts a server executable directly, without dotnet', () => {
    const m = machine(['/tools/dstack-language-server']);
    expect(locateServer({ serverPath: '/tools/dstack-language-server', dotnetPath: '' }, extension, m)).toMatchObject({
      command: '/tools/dstack-language-server',
      args: ['--stdio'],
    });
  });
});

describe('findOnPath', () => {
  it('tries PATHEXT extensions on Windows, in PATH order', () => {
    const m = machine(['C:\\b\\dotnet.exe', 'C:\\c\\dotnet.cmd'], { PATH: 'C:\\a;C:\\c;C:\\b', PATHEXT: '.COM;.EXE;.CMD' }, 'win32');
    expect(findOnPath('dotnet', m)).toBe('C:\\c\\dotnet.CMD');
  });

  it('skips empty PATH entries and finds nothing when nothing is there', () => {
    expect(findOnPath('dotnet', machine([], { PATH: '::/x' }))).toBeUndefined();
  });
});

describe('locateCli', () => {
  it('runs a dstack.dll setting with dotnet', () => {
    const m = machine(['/b/dstack.dll', '/usr/bin/dotnet']);
    expect(locateCli({ cliPath: '/b/dstack.dll', dotnetPath: '' }, m)).toEqual({ command: '/usr/bin/dotnet', args: ['/b/dstack.dll'] });
  });

  it('finds dstack on PATH when the setting is empty', () => {
    expect(locateCli({ cliPath: '', dotnetPath: '' }, machine(['/opt/dotnet/dstack']))).toEqual({ command: '/opt/dotnet/dstack', args: [] });
  });

  it('says how to install the CLI when it is missing', () => {
    const error = launchError(() => locateCli({ cliPath: '', dotnetPath: '' }, machine([])));
    expect(error.message).toContain('dotnet tool install --global Dstack.Cli');
    expect(error.setting).toBe('dstack.cliPath');
  });
});
