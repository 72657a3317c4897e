import { describe, expect, it } from 'vitest';
import { describeStatus, isActive, parseRuns, runStartedFrom } from '../src/runList';

// The example of docs/cli.md ("dstack ps"), with the escaped + of the offset.
const documented = `{
  "runs": [
    {
      "name": "web", "status": "running", "reason": null, "exit_code": null, "backend": "local",
      "configuration": "/tmp/demo/myapp/.dstack.yml", "repo": "/tmp/demo/myapp",
      "submitted_at": "2026-11-22T02:06:23.7360000\\u002B00:00", "finished_at": null, "attempt": 1,
      "jobs": [{ "job_num": 0, "attempt": 1, "status": "running", "pid": 26860, "exit_code": null }]
    },
    {
      "name": "train", "status": "failed", "reason": "container_exited_with_error", "exit_code": 3,
      "configuration": "/tmp/demo/myapp/train.dstack.yml", "repo": "/tmp/demo/myapp",
      "submitted_at": "2026-11-22T02:00:00.0000000\\u002B00:00"
    }
  ]
}`;

describe('parseRuns', () => {
  it('reads the documented shape of dstack ps --json', () => {
    const runs = parseRuns(documented);
    expect(runs.map(r => r.name)).toEqual(['web', 'train']);
    expect(runs[0]).toMatchObject({ status: 'running', reason: null, exitCode: null, configuration: '/tmp/demo/myapp/.dstack.yml', repo: '/tmp/demo/myapp' });
    expect(Date.parse(runs[0].submittedAt!)).toBe(Date.UTC(2026, 10, 22, 2, 6, 23, 736));
    expect(runs.map(isActive)).toEqual([true, false]);
    expect(describeStatus(runs[1])).toBe('failed (exit 3): container_exited_with_error');
    expect(describeStatus(runs[0])).toBe('running');
  });

  it('reads an empty list', () => {
    expect(parseRuns('{"runs": []}')).toEqual([]);
  });

  it('says what came instead of JSON or of a runs list', () => {
    expect(() => parseRuns('No active runs.')).toThrow(/not JSON .*No active runs\./);
    expect(() => parseRuns('{"files": []}')).toThrow('no "runs" list: {"files": []}');
  });
});

describe('runStartedFrom', () => {
  const runs = parseRuns(documented);

  it('finds the run of the file submitted since the terminal started', () => {
    expect(runStartedFrom(runs, '/tmp/demo/myapp/.dstack.yml', new Date(Date.UTC(2026, 10, 22, 2, 6, 20)), false)?.name).toBe('web');
  });

  it('ignores older runs of the same file and runs of other files', () => {
    expect(runStartedFrom(runs, '/tmp/demo/myapp/.dstack.yml', new Date(Date.UTC(2026, 10, 22, 2, 7, 0)), false)).toBeUndefined();
    expect(runStartedFrom(runs, '/tmp/demo/other/.dstack.yml', new Date(0), false)).toBeUndefined();
  });

  it('compares paths without case only when asked', () => {
    expect(runStartedFrom(runs, '/TMP/demo/myapp/.dstack.yml', new Date(0), false)).toBeUndefined();
    expect(runStartedFrom(runs, '/TMP/demo/myapp/.dstack.yml', new Date(0), true)?.name).toBe('web');
  });
});
