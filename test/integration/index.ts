// Loaded by the extension host as extensionTestsPath (see test/e2e/exthost.mjs); also usable as the
// extensionTestsPath of @vscode/test-electron's runTests on a machine with a network.
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');
import { bound } from './support';

/** Runs every *.test.js next to this file; writes `{passes, failures, pending}` to EXTHOST_TEST_RESULT. */
export function run(): Promise<void> {
  // DILEMMA_INTEGRATION_GREP (passed through by test/e2e/exthost.mjs): only the tests whose title matches, for a quick local run.
  const grep = process.env.DILEMMA_INTEGRATION_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: bound(30_000), reporter: 'spec', ...(grep ? { grep } : {}) });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const s = runner.stats;
      const result = { passes: s?.passes ?? 0, failures: s?.failures ?? failures, pending: s?.pending ?? 0 };
      if (process.env.EXTHOST_TEST_RESULT) fs.writeFileSync(process.env.EXTHOST_TEST_RESULT, JSON.stringify(result));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
