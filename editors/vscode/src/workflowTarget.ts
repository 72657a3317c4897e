import * as path from 'node:path';

/** Which workflow a Run is for, and whether `--with-deps` runs its dependency workflows first. */
export interface WorkflowChoice {
  readonly name: string;
  readonly withDeps: boolean;
}

/**
 * The repository folder of a workflows file, `REPO/.dstack/workflows/NAME.yaml` (or `.yml`): where `dstack run NAME`
 * finds it. Undefined for any other file.
 */
export function repoRootOfWorkflowsFile(filePath: string, pathApi: path.PlatformPath = path): string | undefined {
  if (!/\.ya?ml$/.test(filePath)) {
    return undefined;
  }
  const workflows = pathApi.dirname(filePath);
  const dstack = pathApi.dirname(workflows);
  if (pathApi.basename(workflows) !== 'workflows' || pathApi.basename(dstack) !== '.dstack') {
    return undefined;
  }
  return pathApi.dirname(dstack);
}

/** The workflow a Run lens names in its second argument (`{"workflow": NAME, "withDeps": true}`); undefined for anything else. */
export function workflowOption(value: unknown): WorkflowChoice | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const { workflow, withDeps } = value as { workflow?: unknown; withDeps?: unknown };
  return typeof workflow === 'string' && workflow.length > 0 ? { name: workflow, withDeps: withDeps === true } : undefined;
}

interface Line {
  readonly empty: boolean;
  /** The column of the first dash, or -1. */
  readonly dash: number;
  /** The column where the content after indentation and dashes starts. */
  readonly content: number;
  readonly key: string | undefined;
  readonly value: string;
}

function parseLine(text: string): Line {
  const withoutComment = text.replace(/(^|\s)#.*$/, '').trimEnd();
  const match = /^( *)((?:- +)*)(.*)$/.exec(withoutComment)!;
  const indent = match[1].length;
  const dashes = match[2];
  const rest = match[3];
  const keyed = /^("[^"]*"|'[^']*'|[^\s:'"][^:]*?):(?:\s+(.*))?$/.exec(rest);
  return {
    empty: dashes.length === 0 && rest.length === 0,
    dash: dashes.length > 0 ? indent : -1,
    content: indent + dashes.length,
    key: keyed ? keyed[1].replace(/^["']|["']$/g, '') : undefined,
    value: keyed ? (keyed[2] ?? '').trim() : '',
  };
}

const firstColumn = (line: Line) => (line.dash >= 0 ? line.dash : line.content);

/**
 * The name of the workflow whose item of the top-level `workflows:` list contains `line` (0-based), read from the text
 * alone, as the language server reads it: the `- name:` of the item around the line. Undefined outside any workflow.
 */
export function workflowNameAt(lines: readonly string[], line: number): string | undefined {
  if (line < 0 || line >= lines.length) {
    return undefined;
  }
  const parsed = lines.map(parseLine);
  let top = line;
  while (top >= 0 && (parsed[top].empty || firstColumn(parsed[top]) > 0 || parsed[top].dash >= 0)) {
    top--;
  }
  if (top < 0 || top === line || parsed[top].key !== 'workflows') {
    return undefined;
  }
  let first = top + 1;
  while (first < lines.length && parsed[first].empty) {
    first++;
  }
  if (first >= lines.length || first > line) {
    return undefined;
  }
  if (parsed[first].dash < 0) {
    // `workflows:` written as one mapping: the whole block is that workflow.
    return nameIn(parsed, first, parsed[first].content, parsed[first].content);
  }
  const dash = parsed[first].dash;
  let start = line;
  while (start > first && parsed[start].dash !== dash) {
    start--;
  }
  return parsed[start].dash === dash ? nameIn(parsed, start, parsed[start].content, dash + 1) : undefined;
}

function nameIn(parsed: readonly Line[], start: number, keyColumn: number, endsBelow: number): string | undefined {
  for (let i = start; i < parsed.length; i++) {
    const line = parsed[i];
    if (i > start && !line.empty && firstColumn(line) < endsBelow) {
      break;
    }
    if (line.key === 'name' && line.content === keyColumn && (i === start || line.dash < 0)) {
      const value = /^(["'])(.*)\1$/.exec(line.value)?.[2] ?? line.value;
      return value.length > 0 ? value : undefined;
    }
  }
  return undefined;
}
