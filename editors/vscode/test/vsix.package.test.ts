// The packaged extension (npm run package first; then npm run test:package): what the .vsix holds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';

const here = path.resolve(__dirname, '..');
const vsix = path.join(here, `dstack-${packageJson.version}.vsix`);

/** The names in a zip file, read from its central directory. */
function zipEntries(file: string): string[] {
  const zip = fs.readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) {
    throw new Error(`${file} is not a zip file`);
  }
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) {
      throw new Error(`${file}: central directory entry ${i} is damaged`);
    }
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names;
}

describe(`the .vsix (${path.basename(vsix)})`, () => {
  const entries = fs.existsSync(vsix) ? zipEntries(vsix) : [];

  it('exists: npm run package made it', () => {
    expect(fs.existsSync(vsix), `${vsix} is missing: run npm run package first`).toBe(true);
  });

  it('holds the bundle, the manifest, the schemas and the framework-dependent language server', () => {
    expect(entries).toEqual(
      expect.arrayContaining([
        'extension.vsixmanifest',
        'extension/package.json',
        'extension/readme.md',
        'extension/dist/extension.js',
        'extension/schema/dstack.schema.json',
        'extension/schema/profiles.schema.json',
        'extension/schema/workflows.schema.json',
        'extension/server/dstack-language-server.dll',
        'extension/server/dstack-language-server.runtimeconfig.json',
        'extension/server/dstack-language-server.deps.json',
        'extension/server/Dstack.Runtime.dll',
      ]),
    );
  });

  it('holds no sources, tests, maps, node_modules or debug symbols', () => {
    const unwanted = entries.filter(name =>
      /^extension\/(src|test|scripts|node_modules)\//.test(name) || /\.(ts|map|pdb|mjs)$/.test(name) || /tsconfig|vitest|\.vscodeignore|package-lock/.test(name),
    );
    expect(unwanted).toEqual([]);
  });

  it('bundles the language client instead of shipping node_modules', () => {
    const bundle = fs.readFileSync(path.join(here, 'dist', 'extension.js'), 'utf8');
    expect(bundle).toContain('dstack.showRuns');
    expect(bundle).toMatch(/require\(["']vscode["']\)/);
    expect(bundle).not.toMatch(/require\(["']vscode-languageclient/);
  });
});
