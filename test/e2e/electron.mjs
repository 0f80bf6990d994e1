// The same extension-host suite as test/e2e/exthost.mjs, in desktop VS Code through
// @vscode/test-electron, for contributors with a network (it downloads VS Code; this project's CI
// machine cannot, so CI runs the suite in code-server). Same workspace, same test servers, same
// environment for the tests. Build first: npm run build && npm run compile-tests.
// Usage: node test/e2e/electron.mjs [--version 1.100.3]      (needs a display, or xvfb-run on Linux)
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { runTests } from '@vscode/test-electron';
import { prepareWorkspace, repoRoot, cleanup, startSimServer } from './lib.mjs';

const vi = process.argv.indexOf('--version');
const version = vi > 0 ? process.argv[vi + 1] : '1.100.3';
let code = 1;
try {
  const { folder } = prepareWorkspace();
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-electron-')), 'result.json');
  const sim = await startSimServer();
  const slow = await startSimServer({ latencyMs: 150 });
  code = await runTests({
    version,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: {
      EXTHOST_TEST_RESULT: resultFile,
      DILEMMA_TEST_SERVER_URL: sim.server.url,
      DILEMMA_TEST_SLOW_SERVER_URL: slow.server.url,
      DILEMMA_TEST_MODEL: sim.model,
      DILEMMA_TEST_DIVERGING: sim.divergingVariants.join(','),
    },
  }).then(() => 0, () => 1);
  if (fs.existsSync(resultFile)) {
    const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    console.log(`${r.passes} passed, ${r.failures} failed`);
  } else console.log('0 passed, 1 failed');
} finally {
  await cleanup();
}
process.exit(code);
