// npm run package: the .vsix, with the language server inside.
// 1. the schemas, printed by the CLI (`dstack schema`), into schema/ (the committed copies; a change is reported);
// 2. the language server, published framework-dependent (any OS with a .NET 10 runtime) into server/;
// 3. the extension bundled by esbuild into dist/extension.js (npm run bundle);
// 4. vsce package, without node_modules (the bundle holds what is needed); .vscodeignore leaves out the rest.
// With `--target linux-x64` (npm run package -- --target linux-x64): a package for that platform only, which also
// carries the native server of scripts/publish-native.sh in server/native/linux-x64/ (the extension starts it first).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repository = path.resolve(here, '../..');
const { version } = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
const bin = name => path.join(here, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

function run(command, args, options = {}) {
  console.log(`> ${command} ${args.join(' ')}`);
  return execFileSync(command, args, { stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8', cwd: here, shell: process.platform === 'win32', ...options });
}

const cli = path.join(repository, 'src', 'Dstack.Cli');
for (const [file, option, index] of [['dstack.schema.json', [], 0], ['profiles.schema.json', ['--profiles'], 1], ['workflows.schema.json', ['--workflows'], 2]]) {
  const build = index === 0 ? [] : ['--no-build'];
  const printed = run('dotnet', ['run', '--project', cli, '-c', 'Release', '--no-launch-profile', ...build, '--', 'schema', ...option], { capture: true });
  const target = path.join(here, 'schema', file);
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== printed) {
    fs.writeFileSync(target, printed);
    console.warn(`schema/${file} changed: commit the new copy`);
  }
}

const server = path.join(here, 'server');
fs.rmSync(server, { recursive: true, force: true });
run('dotnet', ['publish', path.join(repository, 'src', 'Dstack.LanguageServer'), '-c', 'Release', '-o', server, '--self-contained', 'false', '-p:UseAppHost=false', '-nologo', '-v', 'quiet']);
if (!fs.existsSync(path.join(server, 'dstack-language-server.dll'))) {
  throw new Error('dotnet publish wrote no server/dstack-language-server.dll');
}
// Debug symbols and XML docs serve no one in the editor. Native SQLite builds (the runtime's state store, which the
// language server never opens) are kept only for the platforms VS Code desktop runs on.
const vscodePlatforms = new Set(['win-x64', 'win-arm64', 'linux-x64', 'linux-arm64', 'linux-arm', 'linux-musl-x64', 'linux-musl-arm64', 'osx-x64', 'osx-arm64']);
for (const file of fs.readdirSync(server)) {
  if (/\.(pdb|xml)$/.test(file)) {
    fs.rmSync(path.join(server, file));
  }
}
for (const platform of fs.existsSync(path.join(server, 'runtimes')) ? fs.readdirSync(path.join(server, 'runtimes')) : []) {
  if (!vscodePlatforms.has(platform)) {
    fs.rmSync(path.join(server, 'runtimes', platform), { recursive: true });
  }
}

const targetAt = process.argv.indexOf('--target');
const target = targetAt >= 0 ? process.argv[targetAt + 1] : undefined;
if (target !== undefined) {
  if (target !== 'linux-x64') {
    throw new Error(`--target ${target}: only linux-x64 has a native server`);
  }
  const native = path.join(repository, 'artifacts', 'native', 'linux-x64', 'dstack-language-server');
  if (!fs.existsSync(path.join(native, 'dstack-language-server'))) {
    throw new Error(`${native}/dstack-language-server is missing: run \`bash scripts/publish-native.sh\` first`);
  }
  fs.cpSync(native, path.join(server, 'native', 'linux-x64'), { recursive: true });
}

fs.rmSync(path.join(here, 'dist'), { recursive: true, force: true });
run('npm', ['run', '--silent', 'bundle']);

const vsix = target ? `dstack-${target}-${version}.vsix` : `dstack-${version}.vsix`;
run(bin('vsce'), ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', ...(target ? ['--target', target] : []), '-o', vsix]);
console.log(`${vsix}: ${(fs.statSync(path.join(here, vsix)).size / 1024 / 1024).toFixed(1)} MB`);
