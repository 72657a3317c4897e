import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import packageJson from '../package.json';
import { extensionCommandIds } from '../src/commandIds';
import { dstackFilePatterns } from '../src/documentSelector';
import { activate, deactivate } from '../src/extension';
import { argumentsKey } from '../src/runTask';
import { ServerCommands, serverCommandIds } from '../src/serverCommands';
import { clients, resetLanguageClient, server } from './fakeLanguageClient';
import { changeSettings, resetVscode, stub, Uri, type FakeTerminal } from './vscode';

// The CLI: each call is recorded, and answered by `cliAnswer`.
const cliCalls: { command: string; args: string[]; cwd?: string }[] = [];
let cliAnswer: (args: string[]) => { code: number; stdout: string; stderr?: string } = () => ({ code: 0, stdout: '' });
vi.mock('node:child_process', () => ({
  execFile: (command: string, args: string[], options: { cwd?: string }, callback: (error: unknown, stdout: string, stderr: string) => void) => {
    cliCalls.push({ command, args, cwd: options.cwd });
    const answer = cliAnswer(args);
    setImmediate(() => callback(answer.code === 0 ? null : Object.assign(new Error('exit'), { code: answer.code }), answer.stdout, answer.stderr ?? ''));
  },
}));

let root: string;
let state: Map<string, unknown>;
let context: { subscriptions: { dispose(): unknown }[]; extensionPath: string; workspaceState: { get(key: string): unknown; update(key: string, value: unknown): Promise<void> } };

function file(relative: string): string {
  const full = path.join(root, relative);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, '');
  return full;
}

const flush = () => new Promise(resolve => setImmediate(resolve));

beforeEach(() => {
  resetVscode();
  resetLanguageClient();
  cliCalls.length = 0;
  cliAnswer = () => ({ code: 0, stdout: '' });
  vi.stubEnv('DSTACK_LANGUAGE_SERVER_PATH', '');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dstack-vscode-'));
  file('ext/server/dstack-language-server.dll');
  stub.settings.set('dstack.dotnetPath', file('sdk/dotnet'));
  stub.settings.set('dstack.cliPath', file('tools/dstack'));
  state = new Map();
  context = {
    subscriptions: [],
    extensionPath: path.join(root, 'ext'),
    workspaceState: { get: key => state.get(key), update: async (key, value) => void state.set(key, value) },
  };
});

afterEach(async () => {
  await deactivate();
  context.subscriptions.forEach(s => s.dispose());
  vi.unstubAllEnvs();
  vi.useRealTimers();
  fs.rmSync(root, { recursive: true, force: true });
});

const contributed = packageJson.contributes.commands.map(c => c.command);

describe('activation', () => {
  it('registers every command of package.json, the server registering its own', async () => {
    server.advertised = [...serverCommandIds];
    await activate(context as never);
    const registered = [...stub.commands.keys()].sort();
    expect(registered).toEqual([...new Set([...contributed, ...serverCommandIds])].sort());
    // What the extension registered itself goes once the server's registrations are gone.
    await clients[0].stop();
    expect([...stub.commands.keys()].sort()).toEqual([...extensionCommandIds].sort());
    expect(contributed.filter(id => !stub.commands.has(id))).toEqual([ServerCommands.validate]);
  });

  it('registers a dstack validate fallback when the server does not provide dstack.validate', async () => {
    await activate(context as never);
    expect([...stub.commands.keys()].sort()).toEqual([...contributed].sort());
    cliAnswer = () => ({ code: 1, stdout: 'train.dstack.yml(5,11): error DSTK2003: bad\n1 file checked: 1 error, 0 warnings\n' });
    const train = file('app/train.dstack.yml');
    await stub.commands.get(ServerCommands.validate)!(Uri.file(train).toString());
    expect(cliCalls.at(-1)).toMatchObject({ args: ['validate', 'train.dstack.yml', '--no-color'], cwd: path.dirname(train) });
    expect(stub.messages.at(-1)).toMatchObject({ level: 'warning', text: 'dstack validate: 1 file checked: 1 error, 0 warnings' });
  });

  it('starts the bundled server with dotnet over stdio, for the dstack files only, keeping them yaml', async () => {
    await activate(context as never);
    expect(clients).toHaveLength(1);
    const client = clients[0];
    expect(client.id).toBe('dstack'); // the client reads dstack.trace.server under this id
    expect(client.serverOptions.command).toBe(path.join(root, 'sdk/dotnet'));
    expect(client.serverOptions.args).toEqual([path.join(root, 'ext/server/dstack-language-server.dll'), '--stdio']);
    expect(client.clientOptions.documentSelector).toEqual(
      ['file', 'untitled'].flatMap(scheme => dstackFilePatterns.map(pattern => ({ language: 'yaml', scheme, pattern }))),
    );
    expect(client.state).toBe('running');
  });

  it('says which setting to fix when the server is missing, and the commands still work', async () => {
    stub.settings.set('dstack.server.path', path.join(root, 'missing.dll'));
    stub.messageAnswers.push({ startsWith: 'The setting dstack.server.path', answer: 'Open Settings' });
    await activate(context as never);
    await flush();
    expect(clients).toHaveLength(0);
    expect(stub.messages[0]).toMatchObject({ level: 'error', actions: ['Open Settings'] });
    expect(stub.messages[0].text).toContain('missing.dll", which is not a file');
    expect(stub.executed).toContainEqual({ command: 'workbench.action.openSettings', args: ['dstack.server.path'] });
    expect([...stub.commands.keys()].sort()).toEqual([...contributed].sort());
  });

  it('reports a server that advertises a command the extension owns', async () => {
    server.advertised = ['dstack.run'];
    await activate(context as never);
    await flush();
    expect(stub.messages[0].text).toContain("did not start: command 'dstack.run' already exists");
    expect(stub.messages[0].text).toContain('use a server and an extension of the same version');
  });
});

describe('settings', () => {
  it('restarts the server with the new dstack.server.path', async () => {
    await activate(context as never);
    const other = file('build/dstack-language-server.dll');
    changeSettings({ 'dstack.server.path': other });
    await vi.waitFor(() => expect(clients).toHaveLength(2));
    await vi.waitFor(() => expect(clients[1].state).toBe('running'));
    expect(clients[0].state).toBe('stopped');
    expect(clients[1].serverOptions.args).toEqual([other, '--stdio']);
    expect(stub.messages).toContainEqual({ level: 'info', text: 'dstack.server.path changed: restarting the dstack language server.', actions: [] });
  });

  it('restarts with the new dstack.dotnetPath, and not for dstack.cliPath', async () => {
    await activate(context as never);
    changeSettings({ 'dstack.cliPath': file('tools2/dstack') });
    await flush();
    expect(clients).toHaveLength(1);
    const dotnet = file('sdk2/dotnet');
    changeSettings({ 'dstack.dotnetPath': dotnet });
    await vi.waitFor(() => expect(clients[1]?.state).toBe('running'));
    expect(clients[1].serverOptions.command).toBe(dotnet);
  });

  it('the environment variable wins over the setting', async () => {
    const fromEnvironment = file('env/dstack-language-server.dll');
    vi.stubEnv('DSTACK_LANGUAGE_SERVER_PATH', fromEnvironment);
    stub.settings.set('dstack.server.path', file('setting/dstack-language-server.dll'));
    await activate(context as never);
    expect(clients[0].serverOptions.args[0]).toBe(fromEnvironment);
  });
});

describe('Run Task', () => {
  it('asks for the arguments once, remembers them per file, and types the quoted line in a terminal in the file folder', async () => {
    await activate(context as never);
    const train = file('my app/train.dstack.yml');
    const uri = Uri.file(train).toString();
    stub.inputBoxAnswers.push(`--prompt "Dogs in hats" --note 'it'"'"'s'`);
    await stub.commands.get('dstack.run')!(uri);

    const terminal = stub.terminals[0];
    expect(terminal.creationOptions).toEqual({ name: 'dstack run train.dstack.yml', cwd: path.join(root, 'my app') });
    expect(terminal.sent).toEqual([`${path.join(root, 'tools/dstack')} run . -f train.dstack.yml -- --prompt 'Dogs in hats' --note 'it'\\''s'`]);
    expect(state.get(argumentsKey(Uri.file(train) as never))).toBe(`--prompt "Dogs in hats" --note 'it'"'"'s'`);

    await stub.commands.get('dstack.run')!(uri);
    expect(stub.inputBoxes).toHaveLength(1); // remembered: not asked again
    expect(stub.terminals[1].sent[0]).toBe(terminal.sent[0]);

    stub.inputBoxAnswers.push('--lr 0.1');
    await stub.commands.get('dstack.runWithArguments')!(uri);
    expect(stub.inputBoxes[1].value).toBe(`--prompt "Dogs in hats" --note 'it'"'"'s'`);
    expect(stub.terminals[2].sent[0]).toMatch(/ run \. -f train\.dstack\.yml -- --lr 0\.1$/);
  });

  it('quotes for the terminal shell, and runs the active editor file without an argument', async () => {
    stub.shell = '/usr/bin/fish';
    stub.activeFile = file('w/.dstack.yml');
    await activate(context as never);
    stub.inputBoxAnswers.push(`"it's" a\\\\b`);
    await stub.commands.get('dstack.run')!();
    expect(stub.terminals[0].sent[0]).toMatch(/ run \. -f \.dstack\.yml -- 'it\\'s' 'a\\\\b'$/);
  });

  it('does nothing when the input box is dismissed, and checks what is typed', async () => {
    await activate(context as never);
    stub.inputBoxAnswers.push(undefined);
    await stub.commands.get('dstack.run')!(Uri.file(file('t.dstack.yml')).toString());
    expect(stub.terminals).toHaveLength(0);
    expect(stub.inputBoxes[0].validateInput!('"open')).toContain('never closed');
    expect(stub.inputBoxes[0].validateInput!('"closed"')).toBeUndefined();
  });

  it('refuses files that are not run configurations', async () => {
    await activate(context as never);
    await stub.commands.get('dstack.run')!(Uri.file(file('.dstack/profiles.yml')).toString());
    expect(stub.terminals).toHaveLength(0);
    expect(stub.messages.at(-1)?.text).toContain('profiles.yml is not one');
  });

  it('shows the run in the status bar while it is alive', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-11-22T02:00:00Z'));
    const extension = await activate(context as never);
    const train = file('app/train.dstack.yml');
    stub.inputBoxAnswers.push('');
    await stub.commands.get('dstack.run')!(Uri.file(train).toString());
    expect(extension.runs.texts).toEqual(['$(sync~spin) dstack: starting train.dstack.yml']);

    const ps = (status: string) => ({
      code: 0,
      stdout: JSON.stringify({ runs: [{ name: 'old', status: 'running', configuration: train, submitted_at: '2026-11-21T00:00:00Z' }, { name: 'gentle-otter-1', status, configuration: train, submitted_at: '2026-11-22T02:00:03Z', exit_code: status === 'done' ? 0 : null }] }),
    });
    cliAnswer = () => ps('running');
    await vi.advanceTimersByTimeAsync(4_000);
    await vi.waitFor(() => expect(extension.runs.texts).toEqual(['$(sync~spin) dstack: gentle-otter-1 running']));
    expect(cliCalls.at(-1)?.args).toEqual(['ps', '-a', '--json']);
    const item = stub.statusBarItems[0];
    expect(item.visible).toBe(true);
    expect(item.command).toMatchObject({ command: 'dstack.showRuns', arguments: ['gentle-otter-1'] });

    cliAnswer = () => ps('done');
    await vi.advanceTimersByTimeAsync(4_000);
    await vi.waitFor(() => expect(extension.runs.texts).toEqual([]));
    expect(item.visible).toBe(false);
    expect(stub.statusBarMessages).toEqual(['dstack: gentle-otter-1 done (exit 0)']);
  });

  it('drops the status bar item when the terminal closes', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const extension = await activate(context as never);
    stub.inputBoxAnswers.push('');
    await stub.commands.get('dstack.run')!(Uri.file(file('app/train.dstack.yml')).toString());
    (stub.terminals[0] as FakeTerminal).dispose();
    expect(extension.runs.texts).toEqual([]);
    expect(stub.statusBarItems[0].visible).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(cliCalls).toHaveLength(0);
  });
});

describe('Run a workflow', () => {
  const pipeline = 'workflows:\n  - name: prepare\n    commands: [p]\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n';

  function workflowsFile(relative: string, text: string): string {
    const full = file(relative);
    fs.writeFileSync(full, text);
    return full;
  }

  it('runs the workflow a lens names with dstack run NAME in the repository folder, remembering arguments per workflow', async () => {
    await activate(context as never);
    const pipelines = workflowsFile('my repo/.dstack/workflows/pipeline.yaml', pipeline);
    const uri = Uri.file(pipelines).toString();
    stub.inputBoxAnswers.push('');
    await stub.commands.get('dstack.run')!(uri, { workflow: 'prepare' });

    expect(stub.terminals[0].creationOptions).toEqual({ name: 'dstack run prepare', cwd: path.join(root, 'my repo') });
    expect(stub.terminals[0].sent).toEqual([`${path.join(root, 'tools/dstack')} run --workflow prepare`]);
    expect(stub.inputBoxes[0].title).toBe('Run arguments for prepare');

    stub.inputBoxAnswers.push('--epochs 3 --note "Dogs in hats"');
    await stub.commands.get('dstack.run')!(uri, { workflow: 'train', withDeps: true });
    expect(stub.inputBoxes).toHaveLength(2); // another workflow of the same file: its own arguments
    expect(stub.terminals[1].creationOptions).toEqual({ name: 'dstack run train --with-deps', cwd: path.join(root, 'my repo') });
    expect(stub.terminals[1].sent).toEqual([`${path.join(root, 'tools/dstack')} run --workflow train --with-deps -- --epochs 3 --note 'Dogs in hats'`]);
    expect(state.get(argumentsKey(Uri.file(pipelines) as never, 'train'))).toBe('--epochs 3 --note "Dogs in hats"');

    await stub.commands.get('dstack.run')!(uri, { workflow: 'prepare' });
    expect(stub.inputBoxes).toHaveLength(2); // remembered
  });

  it('runs the workflow under the cursor from the palette or the title bar', async () => {
    const pipelines = workflowsFile('repo/.dstack/workflows/pipeline.yml', pipeline);
    stub.activeFile = pipelines;
    stub.activeLine = 5; // inside train, on its deps
    await activate(context as never);
    stub.inputBoxAnswers.push('');
    await stub.commands.get('dstack.run')!();
    expect(stub.terminals[0].sent).toEqual([`${path.join(root, 'tools/dstack')} run --workflow train`]);

    stub.activeLine = 1;
    stub.inputBoxAnswers.push('');
    await stub.commands.get('dstack.run')!(Uri.file(pipelines));
    expect(stub.terminals[1].sent[0]).toMatch(/ run --workflow prepare$/);
  });

  it('says where to put the cursor when it is in no workflow, and runs nothing', async () => {
    const pipelines = workflowsFile('repo/.dstack/workflows/pipeline.yaml', pipeline);
    stub.activeFile = pipelines;
    stub.activeLine = 0;
    await activate(context as never);
    await stub.commands.get('dstack.run')!();
    expect(stub.terminals).toHaveLength(0);
    expect(stub.messages.at(-1)).toMatchObject({ level: 'error' });
    expect(stub.messages.at(-1)?.text).toContain('put the cursor inside a workflow (below its "- name:"), or use its Run lens');
  });

  it('shows the workflow run in the status bar, matched by its workflow', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-11-22T02:00:00Z'));
    const extension = await activate(context as never);
    const pipelines = workflowsFile('repo/.dstack/workflows/pipeline.yaml', pipeline);
    stub.inputBoxAnswers.push('');
    await stub.commands.get('dstack.run')!(Uri.file(pipelines).toString(), { workflow: 'train' });
    expect(extension.runs.texts).toEqual(['$(sync~spin) dstack: starting train']);

    cliAnswer = () => ({
      code: 0,
      stdout: JSON.stringify({
        runs: [
          { name: 'prepare-1', status: 'running', configuration: pipelines, workflow: 'prepare', submitted_at: '2026-11-22T02:00:04Z' },
          { name: 'train-1', status: 'running', configuration: pipelines, workflow: 'train', submitted_at: '2026-11-22T02:00:03Z' },
        ],
      }),
    });
    await vi.advanceTimersByTimeAsync(4_000);
    await vi.waitFor(() => expect(extension.runs.texts).toEqual(['$(sync~spin) dstack: train-1 running']));
  });
});

describe('runs', () => {
  const runs = JSON.stringify({
    runs: [
      { name: 'web', status: 'running', configuration: '/demo/.dstack.yml', repo: '/demo', submitted_at: '2026-11-22T02:06:23Z' },
      { name: 'train', status: 'done', exit_code: 0, reason: 'all_jobs_done', configuration: '/demo/train.dstack.yml', repo: '/demo' },
    ],
  });

  it('Show Runs lists dstack ps -a --json and follows the chosen run logs in a terminal', async () => {
    await activate(context as never);
    cliAnswer = () => ({ code: 0, stdout: runs });
    let listed: { label: string; description?: string }[] = [];
    stub.quickPicks.push(items => ((listed = items), items[1]));
    let actions: string[] = [];
    stub.quickPicks.push(items => ((actions = items.map(i => i.label)), items[0]));
    await stub.commands.get('dstack.showRuns')!();
    expect(cliCalls[0].args).toEqual(['ps', '-a', '--json']);
    expect(listed.map(i => [i.label, i.description])).toEqual([
      ['$(sync~spin) web', 'running'],
      ['$(circle-outline) train', 'done (exit 0)'],
    ]);
    expect(actions).toEqual(['$(output) Follow logs']); // a finished run cannot be attached to or stopped
    expect(stub.terminals[0].creationOptions.cwd).toBe('/demo');
    expect(stub.terminals[0].sent).toEqual([`${path.join(root, 'tools/dstack')} logs train -f`]);
  });

  it('Show Runs with a name (the status bar) goes straight to its actions: attach', async () => {
    await activate(context as never);
    cliAnswer = () => ({ code: 0, stdout: runs });
    stub.quickPicks.push(items => items.find(i => i.label.includes('Attach')));
    await stub.commands.get('dstack.showRuns')!('web');
    expect(stub.quickPickTitles).toEqual(['web: running']);
    expect(stub.terminals[0].sent[0]).toMatch(/dstack attach web$/);
  });

  it('Stop Run picks among the active runs and stops without asking', async () => {
    await activate(context as never);
    cliAnswer = args => (args[0] === 'ps' ? { code: 0, stdout: runs } : { code: 0, stdout: 'web terminated.\n' });
    let offered: string[] = [];
    stub.quickPicks.push(items => ((offered = items.map(i => i.label)), items[0]));
    await stub.commands.get('dstack.stop')!();
    expect(cliCalls.map(c => c.args)).toEqual([['ps', '--json'], ['stop', 'web', '-y']]);
    expect(offered).toEqual(['$(sync~spin) web']);
    expect(stub.messages.at(-1)).toMatchObject({ level: 'info', text: 'web terminated.' });
  });

  it('Stop Run reports a failed stop with what dstack said', async () => {
    await activate(context as never);
    cliAnswer = () => ({ code: 1, stdout: '', stderr: 'dstack: error DSTK3008: no run named wbe; did you mean web?' });
    await stub.commands.get('dstack.stop')!('wbe');
    await flush();
    expect(stub.messages.at(-1)?.text).toBe('dstack stop wbe -y failed (exit 1): dstack: error DSTK3008: no run named wbe; did you mean web?');
  });

  it('Show Offers runs a dry run in the file folder and shows its output', async () => {
    await activate(context as never);
    const train = file('app/train.dstack.yml');
    cliAnswer = () => ({ code: 0, stdout: ' RUN  CONFIGURATION ...\n' });
    await stub.commands.get('dstack.showOffers')!(Uri.file(train).toString());
    expect(cliCalls[0]).toMatchObject({ args: ['run', '.', '-f', 'train.dstack.yml', '--dry-run', '--no-color'], cwd: path.dirname(train) });
    expect(stub.outputs[0].lines).toContain(' RUN  CONFIGURATION ...');
  });

  it('says how to get the CLI when there is none', async () => {
    stub.settings.set('dstack.cliPath', '');
    vi.stubEnv('PATH', path.join(root, 'empty'));
    await activate(context as never);
    await stub.commands.get('dstack.showRuns')!();
    expect(stub.messages.at(-1)).toMatchObject({ level: 'error', actions: ['Open Settings'] });
    expect(stub.messages.at(-1)?.text).toContain('The dstack command line was not found on PATH');
  });
});

describe('run endpoint lenses', () => {
  const lensTarget = 'file:///work/web.dstack.yml';

  it('opens a running service\'s URL in the browser with openExternal', async () => {
    await activate(context as never);
    const opened = await stub.commands.get('dstack.openUrl')!(lensTarget, 'http://127.0.0.1:8123/');
    expect(opened).toBe(true);
    expect(stub.openedExternally).toEqual(['http://127.0.0.1:8123/']);
    expect(stub.messages).toEqual([]);
  });

  it('opens a dev environment\'s vscode:// link externally, which VS Code hands to Remote - SSH', async () => {
    await activate(context as never);
    await stub.commands.get('dstack.openUrl')!(lensTarget, 'vscode://vscode-remote/ssh-remote+dev-1/workflow');
    expect(stub.openedExternally).toEqual(['vscode://vscode-remote/ssh-remote+dev-1/workflow']);
  });

  it('says so when the link could not be opened', async () => {
    await activate(context as never);
    stub.openExternalAnswer = false;
    expect(await stub.commands.get('dstack.openUrl')!(lensTarget, 'cursor://vscode-remote/ssh-remote+dev-1/workflow')).toBe(false);
    expect(stub.messages.map(m => m.text)).toEqual([
      'Dstack: cursor://vscode-remote/ssh-remote+dev-1/workflow could not be opened (is the application for cursor:// links, with its Remote - SSH extension, installed?).',
    ]);
  });

  it.each([['file:///etc/passwd'], ['javascript:alert(1)'], [undefined]])('opens nothing a run does not publish: %s', async url => {
    await activate(context as never);
    expect(await stub.commands.get('dstack.openUrl')!(lensTarget, url)).toBe(false);
    expect(stub.openedExternally).toEqual([]);
    expect(stub.messages.map(m => m.level)).toEqual(['error']);
  });

  it('runs ssh HOST in a new terminal for the ssh lens', async () => {
    await activate(context as never);
    const before = stub.terminals.length;
    await stub.commands.get('dstack.ssh')!(lensTarget, 'dev-1');
    const terminal = stub.terminals.at(-1) as FakeTerminal;
    expect(stub.terminals.length).toBe(before + 1);
    expect([terminal.name, terminal.sent, terminal.shown]).toEqual(['ssh dev-1', ['ssh dev-1'], true]);
  });

  it.each([['-oProxyCommand=touch x'], ['dev 1; rm -rf ~'], [42]])('refuses an SSH host that is not a run\'s alias: %s', async host => {
    await activate(context as never);
    const before = stub.terminals.length;
    await stub.commands.get('dstack.ssh')!(lensTarget, host);
    expect(stub.terminals.length).toBe(before);
    expect(stub.messages.map(m => m.level)).toEqual(['error']);
  });
});
