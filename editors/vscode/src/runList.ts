/** One run from `dstack ps --json` (docs/cli.md, "dstack ps"): the fields the extension shows or acts on. */
export interface RunSummary {
  readonly name: string;
  readonly status: string;
  readonly reason: string | null;
  readonly exitCode: number | null;
  readonly configuration: string | null;
  readonly repo: string | null;
  readonly submittedAt: string | null;
  /** The workflow a pipelines run ran (`dstack run NAME`); null for a task. */
  readonly workflow: string | null;
}

/** The statuses of a run that is still going (what `dstack ps` lists without -a). */
export const activeStatuses: ReadonlySet<string> = new Set(['submitted', 'provisioning', 'running', 'terminating']);

export function isActive(run: RunSummary): boolean {
  return activeStatuses.has(run.status);
}

/** Reads `{"runs": [{name, status, ...}]}`; anything else is an error that quotes what came instead. */
export function parseRuns(json: string): RunSummary[] {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (e) {
    throw new Error(`dstack ps --json printed something that is not JSON (${(e as Error).message}): ${excerpt(json)}`);
  }
  const runs = (document as { runs?: unknown } | null)?.runs;
  if (!Array.isArray(runs)) {
    throw new Error(`dstack ps --json printed no "runs" list: ${excerpt(json)}`);
  }
  return runs
    .filter((run): run is Record<string, unknown> => typeof run === 'object' && run !== null && typeof run.name === 'string')
    .map(run => ({
      name: run.name as string,
      status: typeof run.status === 'string' ? run.status : 'unknown',
      reason: typeof run.reason === 'string' ? run.reason : null,
      exitCode: typeof run.exit_code === 'number' ? run.exit_code : null,
      configuration: typeof run.configuration === 'string' ? run.configuration : null,
      repo: typeof run.repo === 'string' ? run.repo : null,
      submittedAt: typeof run.submitted_at === 'string' ? run.submitted_at : null,
      workflow: typeof run.workflow === 'string' ? run.workflow : null,
    }));
}

/**
 * The newest run of `configurationPath` submitted at or after `since` (less a few seconds of clock rounding): the run a
 * terminal started from the editor; for a workflows file, of `workflow` (a run that names no workflow still counts).
 * Paths compare without case on Windows and macOS.
 */
export function runStartedFrom(runs: readonly RunSummary[], configurationPath: string, since: Date, caseInsensitive: boolean, workflow?: string): RunSummary | undefined {
  const same = (a: string) => (caseInsensitive ? a.toLowerCase() === configurationPath.toLowerCase() : a === configurationPath);
  const earliest = since.getTime() - 5_000;
  return runs
    .filter(run => run.configuration !== null && same(run.configuration))
    .filter(run => workflow === undefined || run.workflow === null || run.workflow === workflow)
    .filter(run => run.submittedAt === null || Date.parse(run.submittedAt) >= earliest)
    .sort((a, b) => Date.parse(b.submittedAt ?? '') - Date.parse(a.submittedAt ?? ''))[0];
}

/** "running", "done (exit 0)", "failed: build_failed". */
export function describeStatus(run: RunSummary): string {
  const exit = run.exitCode !== null && !isActive(run) ? ` (exit ${run.exitCode})` : '';
  const reason = run.reason && !isActive(run) && run.reason !== 'all_jobs_done' ? `: ${run.reason}` : '';
  return `${run.status}${exit}${reason}`;
}

function excerpt(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}...` : trimmed || '(nothing)';
}
