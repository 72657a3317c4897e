import { defineConfig } from 'vitest/config';

// npm run test:package: checks the .vsix that `npm run package` made (that step takes minutes: it publishes the server).
export default defineConfig({
  test: { include: ['test/**/*.package.test.ts'] },
});
