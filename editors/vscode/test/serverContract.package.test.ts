// The bundled language server and this extension agree on commands (npm run package first; then npm run test:package):
// the server advertises exactly the commands the extension leaves to the language client, and every code lens runs a
// command that one of the two provides. A mismatch would make the client fail to start ("command already exists").
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { describe, expect, it } from 'vitest';
import { extensionCommandIds } from '../src/commandIds';
import { serverCommandIds } from '../src/serverCommands';
import { workflowOption } from '../src/workflowTarget';

const server = path.resolve(__dirname, '..', 'server', 'dstack-language-server.dll');

describe('the bundled server and the extension', () => {
  it('agree on which commands each provides, and every lens command is provided', async () => {
    expect(fs.existsSync(server), `${server} is missing: run npm run package first`).toBe(true);
    const child = spawn(process.env.DOTNET ?? 'dotnet', [server, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.listen();
    try {
      const result: any = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      await connection.sendNotification('initialized', {});
      const uri = 'file:///virtual/project/train.dstack.yml';
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'yaml', version: 1, text: 'type: task\ncommands:\n  - echo hi\n' },
      });
      const lenses: any[] = await connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });

      expect([...result.capabilities.executeCommandProvider.commands].sort()).toEqual([...serverCommandIds].sort());
      expect(serverCommandIds.filter(id => extensionCommandIds.includes(id))).toEqual([]);
      expect(lenses.map(l => l.command.title).slice(0, 2)).toEqual(['▶ Run', '✓ Validate']);
      for (const lens of lenses) {
        expect([...serverCommandIds, ...extensionCommandIds]).toContain(lens.command.command);
      }

      // A workflow's lenses run the extension's dstack.run with the workflow in the second argument, as it reads it.
      const workflows = 'file:///virtual/project/.dstack/workflows/pipeline.yaml';
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: workflows, languageId: 'yaml', version: 1, text: 'workflows:\n  - name: train\n    commands: [t]\n    deps:\n      - workflow: prepare\n' },
      });
      const workflowLenses: any[] = await connection.sendRequest('textDocument/codeLens', { textDocument: { uri: workflows } });
      expect(workflowLenses.map(l => l.command.command)).toEqual(['dstack.run', 'dstack.run']);
      expect(workflowLenses.map(l => workflowOption(l.command.arguments[1]))).toEqual([{ name: 'train', withDeps: false }, { name: 'train', withDeps: true }]);
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } finally {
      connection.dispose();
      child.kill();
    }
  }, 30_000);
});
