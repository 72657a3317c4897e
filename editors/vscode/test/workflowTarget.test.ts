import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflowInvocation, runCommandLine } from '../src/runInvocation';
import { repoRootOfWorkflowsFile, workflowNameAt, workflowOption } from '../src/workflowTarget';

// The same cases as the language server's WorkflowLinesTests: both read the workflow around a line the same way.
const file = "# pipelines\nworkflows:\n  - name: prepare\n    commands:\n      - p\n\n  - commands: [t]\n    resources:\n      gpu:\n        name: V100\n    name: 'train'\n  -   name: \"report\" # last\n    deps:\n      - workflow: train\nother: x\n";

describe('workflowNameAt', () => {
  it.each<[number, string | undefined]>([
    [0, undefined],
    [1, undefined],
    [2, 'prepare'],
    [4, 'prepare'],
    [5, 'prepare'],
    [6, 'train'],
    [9, 'train'],
    [11, 'report'],
    [13, 'report'],
    [14, undefined],
    [15, undefined],
    [-1, undefined],
    [99, undefined],
  ])('line %i is in %s', (line, expected) => {
    expect(workflowNameAt(file.split('\n'), line)).toBe(expected);
  });

  it.each<[string, number, string | undefined]>([
    ['workflows:\n  name: solo\n  commands: [x]\n', 2, 'solo'],
    ['workflows:\n- name: flush\n  commands: [x]\n- name: next\n', 2, 'flush'],
    ['workflows:\n  - commands: [x]\n', 1, undefined],
    ['profiles:\n  - name: p\n', 1, undefined],
    ['workflows: [{name: a}]\n', 0, undefined],
    ['workflows:\r\n  - name: crlf\r\n    commands: [x]\r\n', 2, 'crlf'],
  ])('other shapes: %j line %i', (text, line, expected) => {
    expect(workflowNameAt(text.split(/\r?\n/), line)).toBe(expected);
  });
});

describe('repoRootOfWorkflowsFile', () => {
  it.each<[string, string | undefined]>([
    ['/repo/.dstack/workflows/a.yaml', '/repo'],
    ['/repo/.dstack/workflows/a.yml', '/repo'],
    ['/my repo/.dstack/workflows/x.y.yaml', '/my repo'],
    ['/repo/.dstack/workflows/nested/a.yaml', undefined],
    ['/repo/.dstack/profiles.yml', undefined],
    ['/repo/workflows/a.yaml', undefined],
    ['/repo/train.dstack.yml', undefined],
  ])('%s: %s', (file, expected) => {
    expect(repoRootOfWorkflowsFile(file, path.posix)).toBe(expected);
  });

  it('reads Windows paths', () => {
    expect(repoRootOfWorkflowsFile('C:\\src\\app\\.dstack\\workflows\\a.yaml', path.win32)).toBe('C:\\src\\app');
  });
});

describe('workflowOption', () => {
  it('reads what a Run lens sends, and nothing else', () => {
    expect(workflowOption({ workflow: 'train' })).toEqual({ name: 'train', withDeps: false });
    expect(workflowOption({ workflow: 'train', withDeps: true })).toEqual({ name: 'train', withDeps: true });
    expect(workflowOption({ workflow: '' })).toBeUndefined();
    expect(workflowOption({ args: ['-y'] })).toBeUndefined();
    expect(workflowOption('train')).toBeUndefined();
    expect(workflowOption(null)).toBeUndefined();
  });
});

describe('workflowInvocation', () => {
  it('runs the workflow by name in the repository folder, --with-deps before the arguments', () => {
    const invocation = workflowInvocation('/work/my repo', { name: 'train', withDeps: true }, ['--prompt', 'Dogs in hats'], { command: 'dstack', args: [] });
    expect(invocation).toEqual({ cwd: '/work/my repo', words: ['dstack', 'run', '--workflow', 'train', '--with-deps', '--', '--prompt', 'Dogs in hats'] });
    expect(runCommandLine(invocation, 'posix')).toBe(`dstack run --workflow train --with-deps -- --prompt 'Dogs in hats'`);
    expect(runCommandLine(workflowInvocation('/r', { name: 'train', withDeps: false }, [], { command: 'dstack', args: [] }), 'posix')).toBe('dstack run --workflow train');
  });
});
