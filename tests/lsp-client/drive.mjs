// Drives a language server with Microsoft's LSP client library (vscode-languageserver-protocol), as an editor would,
// and prints one JSON object with everything it observed. It asserts nothing itself: the xunit test that runs it
// (tests/Dstack.LanguageServer.Tests/EndToEnd/RealClientTests.cs) does.
//
//   node tests/lsp-client/drive.mjs -- dotnet path/to/dstack-language-server.dll --stdio
//
// Exit code 0 when the script got to the end (whatever the server did), 1 when it could not (the JSON says why).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  DocumentSymbolRequest,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ResponseError,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';

const STEP_MS = 10_000;
const TOTAL_MS = 90_000;

const stdoutChunks = [];
const separator = process.argv.indexOf('--');
const command = separator >= 0 ? process.argv.slice(separator + 1) : [];
const report = {
  ok: false,
  error: null,
  client: { name: 'drive.mjs (vscode-languageserver-protocol)', version: packageVersion('vscode-languageserver-protocol') },
  server: { command },
  documents: {},
  published: [],
  pulled: {},
  edits: [],
  features: {},
  serverRequests: [],
  progress: [],
  logMessages: [],
  readerErrors: [],
  connectionErrors: [],
  stdout: { bytes: 0, frames: 0, problems: [] },
  exit: null,
  stderr: '',
};

// Texts whose problems the test knows: a range in the wrong order, a GPU memory in an unknown unit, and an env name
// that ends in an emoji (two UTF-16 code units: LSP positions count those, and so do JavaScript strings, so the text
// a range covers here is the text an editor would underline). The files need not exist: the server reads the text sent.
const broken = {
  uri: 'file:///virtual/project/train.dstack.yml',
  path: '/virtual/project/train.dstack.yml',
  text: 'type: task\ncommands:\n  - echo 😀\nresources:\n  memory: 80GB..40GB\n  gpu: A100:80XB\nenv: {"B-😀": 2}\n',
};
const clean = {
  uri: 'file:///virtual/project/clean.dstack.yml',
  path: '/virtual/project/clean.dstack.yml',
  text: 'type: task\nname: hello\ncommands:\n  - echo hello\nresources:\n  memory: 8GB..\n',
};

if (command.length === 0) {
  report.error = 'usage: node drive.mjs -- SERVER-COMMAND [ARGS...]';
  finish(2);
} else {
  const watchdog = setTimeout(() => fail(new Error(`the whole drive took longer than ${TOTAL_MS / 1000} s`)), TOTAL_MS);
  drive().then(() => { clearTimeout(watchdog); report.ok = true; finish(0); }, fail);
}

async function drive() {
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const spawned = new Promise((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await spawned;
  globalThis.serverChild = child;

  // Every byte of stdout, to check afterwards that it is frames and nothing else.
  child.stdout.on('data', (chunk) => stdoutChunks.push(chunk));
  child.stderr.on('data', (chunk) => { report.stderr += chunk.toString('utf8'); });

  const reader = new StreamMessageReader(child.stdout);
  const writer = new StreamMessageWriter(child.stdin);
  reader.onError((e) => report.readerErrors.push(String(e?.message ?? e)));
  const connection = createProtocolConnection(reader, writer);
  connection.onError(([e]) => report.connectionErrors.push(String(e?.message ?? e)));
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => report.published.push(p));
  connection.onNotification(LogMessageNotification.type, (p) => report.logMessages.push(p));
  connection.onUnhandledProgress((p) => report.progress.push(p));
  connection.onRequest(WorkDoneProgressCreateRequest.type, (p) => { report.serverRequests.push({ method: WorkDoneProgressCreateRequest.method, params: p }); return null; });
  connection.onRequest((method, params) => {
    report.serverRequests.push({ method, params });
    if (method === 'workspace/configuration') {
      return (params?.items ?? []).map(() => null);
    }
    if (method === 'client/registerCapability' || method === 'client/unregisterCapability' || method.endsWith('/refresh')) {
      return null;
    }
    return new ResponseError(-32601, `drive.mjs does not handle '${method}'`);
  });
  connection.listen();

  const initializeResult = await step('initialize', connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    clientInfo: { name: report.client.name, version: report.client.version },
    rootUri: null,
    workspaceFolders: null,
    capabilities: {
      general: { positionEncodings: ['utf-16'] },
      window: { workDoneProgress: true, showMessage: {} },
      workspace: { executeCommand: {}, configuration: false, workspaceFolders: false },
      textDocument: {
        synchronization: { dynamicRegistration: false, didSave: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        // No `diagnostic` here: a client that declares pull support gets no pushed diagnostics, and this script checks
        // both: the pushes after every open and edit, and pulls (which the server answers for any client).
        completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } } },
        codeLens: {},
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
      },
    },
  }));
  report.server.initializeResult = initializeResult;
  const capabilities = initializeResult.capabilities ?? {};
  await connection.sendNotification(InitializedNotification.type, {});

  for (const [name, document] of Object.entries({ broken, clean })) {
    report.documents[name] = { ...document, version: 1 };
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: document.uri, languageId: 'yaml', version: 1, text: document.text },
    });
  }
  const firstBroken = await published(broken.uri, 1);
  const firstClean = await published(clean.uri, 1);
  report.firstPublished = { broken: withCovered(firstBroken.diagnostics, broken.text), clean: withCovered(firstClean.diagnostics, clean.text) };

  if (capabilities.diagnosticProvider) {
    for (const [name, document] of Object.entries({ broken, clean })) {
      const pulled = await step(`pull diagnostics of ${name}`, connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: document.uri } }));
      report.pulled[name] = { ...pulled, items: withCovered(pulled.items ?? [], document.text) };
    }
  }

  await probeFeatures(connection, capabilities, firstBroken.diagnostics);

  // Incremental edits: a fix, then two changes in one notification (applied in order), then a break that spans lines.
  let text = broken.text;
  const edits = [
    [change(4, 10, 4, 20, '40GB..80GB')],
    [change(5, 12, 5, 16, '80GB'), change(0, 0, 0, 0, '# edited\n')],
    [change(5, 10, 6, 10, '1TB..2GB\n  cpu: 4')],
  ];
  let version = 1;
  for (const changes of edits) {
    version += 1;
    for (const c of changes) {
      text = apply(text, c.range, c.text);
    }
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: broken.uri, version }, contentChanges: changes });
    const fresh = await published(broken.uri, version);
    report.edits.push({ version, changes, text, published: withCovered(fresh.diagnostics, text) });
  }
  if (capabilities.diagnosticProvider) {
    const pulled = await step('pull diagnostics after the edits', connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: broken.uri } }));
    report.pulled.afterEdits = { ...pulled, items: withCovered(pulled.items ?? [], text) };
  }

  report.shutdown = await step('shutdown', connection.sendRequest(ShutdownRequest.type));
  const exitSent = Date.now();
  await connection.sendNotification(ExitNotification.type);
  const ended = await Promise.race([exited, delay(STEP_MS).then(() => null)]);
  if (ended === null) {
    child.kill('SIGKILL');
    report.exit = { code: null, signal: null, timedOut: true, afterMs: Date.now() - exitSent };
  } else {
    report.exit = { ...ended, timedOut: false, afterMs: Date.now() - exitSent };
  }
  // Let the last chunks of stdout arrive before checking them.
  await new Promise((resolve) => (child.stdout.readableEnded ? resolve() : child.stdout.once('close', resolve)));
  connection.dispose();
  report.stdout = checkFrames(Buffer.concat(stdoutChunks));

  async function published(uri, wantedVersion) {
    await until(() => report.published.some((p) => p.uri === uri && p.version === wantedVersion), `publishDiagnostics of ${uri} version ${wantedVersion}`);
    return report.published.find((p) => p.uri === uri && p.version === wantedVersion);
  }
}

/** Calls each feature the server advertises, once, on the documents, and records what came back. */
async function probeFeatures(connection, capabilities, brokenDiagnostics) {
  const probes = {
    completion: ['completionProvider', () => connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: clean.uri }, position: { line: 6, character: 0 }, context: { triggerKind: 1 },
    })],
    hover: ['hoverProvider', () => connection.sendRequest(HoverRequest.type, { textDocument: { uri: clean.uri }, position: { line: 0, character: 1 } })],
    codeLens: ['codeLensProvider', () => connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: clean.uri } })],
    documentSymbol: ['documentSymbolProvider', () => connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: clean.uri } })],
    codeAction: ['codeActionProvider', () => connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: broken.uri },
      range: brokenDiagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: brokenDiagnostics.slice(0, 1), triggerKind: 1 },
    })],
  };
  for (const [name, [capability, call]] of Object.entries(probes)) {
    report.features[name] = await probe(capabilities[capability], call);
  }

  const commands = capabilities.executeCommandProvider?.commands ?? [];
  report.features.executeCommand = { advertised: Boolean(capabilities.executeCommandProvider), commands, runs: [] };
  // Only commands that check, never ones that might run a job: a name with "validate" in it.
  for (const name of commands.filter((c) => /validate/i.test(c))) {
    const run = await probe(true, () => connection.sendRequest(ExecuteCommandRequest.type, { command: name, arguments: [broken.uri] }));
    report.features.executeCommand.runs.push({ command: name, ...run });
  }
}

async function probe(advertised, call) {
  if (!advertised) {
    return { advertised: false };
  }
  try {
    return { advertised: true, result: (await withTimeout(call(), 'a feature request')) ?? null };
  } catch (e) {
    return { advertised: true, error: e instanceof ResponseError ? { code: e.code, message: e.message } : { message: String(e?.message ?? e) } };
  }
}

/** Splits stdout into Content-Length frames: anything else (a stray log line, a short body, bad JSON) is a problem. */
function checkFrames(bytes) {
  const problems = [];
  let frames = 0;
  let at = 0;
  while (at < bytes.length && problems.length === 0) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at, 'latin1');
    if (headerEnd < 0) {
      problems.push(`bytes ${at}..${bytes.length} are not a frame header: ${JSON.stringify(bytes.subarray(at, at + 80).toString('utf8'))}`);
      break;
    }
    const headers = bytes.subarray(at, headerEnd).toString('latin1').split('\r\n');
    let length = null;
    for (const line of headers) {
      const match = /^([A-Za-z-]+): (.*)$/.exec(line);
      if (!match) {
        problems.push(`not a header line at byte ${at}: ${JSON.stringify(line.slice(0, 80))}`);
      } else if (match[1].toLowerCase() === 'content-length') {
        length = Number(match[2]);
      }
    }
    if (length === null || !Number.isInteger(length)) {
      problems.push(`a frame at byte ${at} has no Content-Length`);
      break;
    }
    const bodyStart = headerEnd + 4;
    if (bodyStart + length > bytes.length) {
      problems.push(`the frame at byte ${at} announces ${length} bytes but ${bytes.length - bodyStart} follow`);
      break;
    }
    try {
      const message = JSON.parse(bytes.subarray(bodyStart, bodyStart + length).toString('utf8'));
      if (message.jsonrpc !== '2.0') {
        problems.push(`the frame at byte ${at} is not JSON-RPC 2.0`);
      }
    } catch (e) {
      problems.push(`the frame at byte ${at} is not JSON: ${e.message}`);
    }
    frames += 1;
    at = bodyStart + length;
  }
  return { bytes: bytes.length, frames, problems };
}

function change(startLine, startCharacter, endLine, endCharacter, text) {
  return { range: { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } }, text };
}

/** Applies one incremental change; lines end at \n and characters are UTF-16 code units, as in LSP. */
function apply(text, range, newText) {
  return text.slice(0, offset(text, range.start)) + newText + text.slice(offset(text, range.end));
}

function offset(text, position) {
  let at = 0;
  for (let line = 0; line < position.line; line++) {
    at = text.indexOf('\n', at) + 1;
  }
  return at + position.character;
}

/** Each diagnostic with the text its range covers, as an editor would underline it. */
function withCovered(diagnostics, text) {
  return diagnostics.map((d) => ({ ...d, covered: text.slice(offset(text, d.range.start), offset(text, d.range.end)) }));
}

async function step(what, promise) {
  return withTimeout(promise, what);
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${STEP_MS / 1000} s`)), STEP_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function until(condition, what) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > STEP_MS) {
      throw new Error(`waited ${STEP_MS / 1000} s for ${what}`);
    }
    await delay(10);
  }
}

function delay(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms).unref(); });
}

function packageVersion(name) {
  return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
}

function fail(error) {
  report.error = String(error?.stack ?? error);
  report.stdout = checkFrames(Buffer.concat(stdoutChunks));
  globalThis.serverChild?.kill('SIGKILL');
  finish(1);
}

function finish(code) {
  process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(code));
}
