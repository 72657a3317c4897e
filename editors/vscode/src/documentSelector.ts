/** The files the language server checks: the same set `dstack validate` finds in a folder. */
export const dstackFilePatterns = [
  '**/*.dstack.yml',
  '**/*.dstack.yaml',
  '**/.dstack/profiles.yml',
  '**/.dstack/workflows/*.yaml',
  '**/.dstack/workflows/*.yml',
] as const;

/** Saved files and untitled ones that already have such a name (`code new.dstack.yml`). The language stays `yaml`. */
export const documentSelector = ['file', 'untitled'].flatMap(scheme =>
  dstackFilePatterns.map(pattern => ({ language: 'yaml', scheme, pattern })),
);

/** A file that `dstack run . -f FILE` runs (a workflows file runs by workflow name instead; a profiles file does not run). */
export function isRunConfiguration(path: string): boolean {
  return /\.dstack\.ya?ml$/i.test(path);
}
