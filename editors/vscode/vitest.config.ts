import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The extension's unit tests: VS Code and the language client are replaced by test/vscode.ts and
// test/fakeLanguageClient.ts. The .vsix test is separate (vitest.package.config.ts): it needs `npm run package` first.
export default defineConfig({
  resolve: {
    alias: {
      vscode: fileURLToPath(new URL('./test/vscode.ts', import.meta.url)),
      'vscode-languageclient/node': fileURLToPath(new URL('./test/fakeLanguageClient.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.package.test.ts'],
  },
});
