import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import { extensionCommandIds } from '../src/commandIds';
import { paletteServerCommandIds, serverCommandIds } from '../src/serverCommands';
import { SettingIds } from '../src/settings';

const here = path.resolve(__dirname, '..');
const repository = path.resolve(here, '../..');
const contributes = packageJson.contributes as typeof packageJson.contributes & { languages?: unknown; grammars?: unknown };
const contributed = contributes.commands.map(c => c.command);

describe('package.json', () => {
  it('contributes exactly the extension commands and the server commands for the palette', () => {
    expect([...contributed].sort()).toEqual([...extensionCommandIds, ...paletteServerCommandIds].sort());
    expect(new Set(contributed).size).toBe(contributed.length);
  });

  it('never lets the extension register a command the server provides', () => {
    expect(extensionCommandIds.filter(id => serverCommandIds.includes(id))).toEqual([]);
  });

  it('titles every command under the Dstack category', () => {
    for (const command of contributes.commands) {
      expect(command.category, command.command).toBe('Dstack');
      expect(command.title.length, command.command).toBeGreaterThan(0);
    }
    expect(contributes.commands.find(c => c.command === 'dstack.run')?.title).toBe('Run');
    expect(contributes.commands.find(c => c.command === 'dstack.validate')?.title).toBe('Validate');
  });

  it('offers Run on run configurations and workflows files, not on profiles', () => {
    const when = contributes.menus['editor/title/run'].find(e => e.command === 'dstack.run')!.when;
    const [fileName, filePath] = when.split(' || ').map(part => new RegExp(/=~ \/(.*)\/$/.exec(part)![1]));
    const runnable = (file: string) => fileName.test(file.split(/[\\/]/).at(-1)!) || filePath.test(file);
    expect(['/w/train.dstack.yml', '/w/.dstack.yaml', '/w/.dstack/workflows/a.yaml', '/w/.dstack/workflows/b.yml', 'C:\\w\\.dstack\\workflows\\a.yaml'].filter(runnable)).toHaveLength(5);
    expect(['/w/.dstack/profiles.yml', '/w/workflows/a.yaml', '/w/.dstack/workflows/deep/a.yaml', '/w/notes.yaml'].filter(runnable)).toEqual([]);
    for (const menu of ['commandPalette', 'editor/title/run'] as const) {
      for (const entry of contributes.menus[menu].filter(e => e.command === 'dstack.run' || e.command === 'dstack.runWithArguments')) {
        expect(entry.when, `${menu}: ${entry.command}`).toBe(when);
      }
    }
  });

  it('names only contributed commands in menus', () => {
    for (const [menu, entries] of Object.entries(contributes.menus)) {
      for (const entry of entries) {
        expect(contributed, `${menu}: ${entry.command}`).toContain(entry.command);
      }
    }
  });

  it('contributes exactly the settings the extension reads, each described', () => {
    const properties = contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string; default: unknown }>;
    expect(Object.keys(properties).sort()).toEqual(Object.values(SettingIds).sort());
    for (const [id, property] of Object.entries(properties)) {
      expect(property.description ?? property.markdownDescription, id).toBeTruthy();
    }
    expect(properties['dstack.trace.server'].default).toBe('off');
  });

  it('adds no language or grammar, so the files stay yaml with its highlighting', () => {
    expect(contributes.languages).toBeUndefined();
    expect(contributes.grammars).toBeUndefined();
  });

  it('activates on yaml and on workspaces with dstack files', () => {
    expect(packageJson.activationEvents).toContain('onLanguage:yaml');
    expect(packageJson.activationEvents).toContain('workspaceContains:**/*.dstack.yml');
  });

  it('points main at the bundle the bundle script writes', () => {
    expect(packageJson.main).toBe('./dist/extension.js');
    expect(packageJson.scripts.bundle).toContain('--outfile=dist/extension.js');
    expect(packageJson.scripts.bundle).toContain('--external:vscode');
  });

  it('needs a VS Code no older than the types it is compiled against', () => {
    expect(packageJson.engines.vscode).toBe(`^${packageJson.devDependencies['@types/vscode']}`);
  });
});

describe('yamlValidation', () => {
  it('contributes the schema of each kind of dstack file', () => {
    expect(contributes.yamlValidation).toEqual([
      { fileMatch: ['*.dstack.yml', '*.dstack.yaml'], url: './schema/dstack.schema.json' },
      { fileMatch: ['**/.dstack/profiles.yml'], url: './schema/profiles.schema.json' },
      { fileMatch: ['**/.dstack/workflows/*.yaml', '**/.dstack/workflows/*.yml'], url: './schema/workflows.schema.json' },
    ]);
  });

  // schema/ at the repository's root is what `dstack schema` prints (tests/Dstack.Cli.Tests keeps it so); the
  // extension's copies must be the same bytes. `npm run package` writes them from the CLI itself.
  it.each(['dstack.schema.json', 'profiles.schema.json', 'workflows.schema.json'])('%s is the CLI schema', name => {
    const copy = JSON.parse(fs.readFileSync(path.join(here, 'schema', name), 'utf8'));
    expect(copy).toEqual(JSON.parse(fs.readFileSync(path.join(repository, 'schema', name), 'utf8')));
    expect(copy.$schema).toContain('json-schema.org');
  });
});
