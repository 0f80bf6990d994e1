// Extension-host integration tests: mocha (test/integration, compiled to out/test/integration) runs
// inside code-server's node extension host with the full `vscode` API, the extension loaded from the
// repo root as its development path. The workbench URL `payload` carries both paths; the workbench
// calls window.codeAutomationExit(code) when the runner's run() settles, and the runner writes its
// counts to EXTHOST_TEST_RESULT. Build first (`node esbuild.js`, `npx tsc -p tsconfig.test.json`); `npm test` does.
// Usage: CODE_SERVER=.../code-server node test/e2e/exthost.mjs
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import util from 'node:util';
import { execFileSync } from 'node:child_process';
import { startCodeServer, launchBrowser, prepareWorkspace, repoRoot, log, cleanup, watchdog, codeServerBin, startSimServer, bound, slowdown } from './lib.mjs';

// How long the whole suite may take on a quiet machine (EXTHOST_TIMEOUT_S, default 4 min; it takes about
// 1 min there, 2.5 min with the load average at 9 per core), stretched like every bound.
const quietLimit = Number(process.env.EXTHOST_TIMEOUT_S) || 240;
const limit = Math.round(bound(quietLimit * 1000) / 1000);
watchdog(quietLimit + 60);
// INTEGRATION_TESTS: another compiled runner (e.g. from tsc --outDir elsewhere); default: what npm test compiles.
const testsPath = path.resolve(process.env.INTEGRATION_TESTS || path.join(repoRoot, 'out', 'test', 'integration', 'index.js'));
let result;
let exitCode = 1;
try {
  for (const f of [path.join(repoRoot, 'dist', 'extension.js'), testsPath]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(repoRoot, f)} is missing: build first (npm test does)`);
  }
  const { folder, examples } = prepareWorkspace();
  log(`workspace ${folder} with ${examples.length} example(s)`);
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-exthost-')), 'result.json');
  // VS Code >= ~1.10x honours the dev/test payload on a built workbench only with enable-smoke-test-driver.
  const help = execFileSync(codeServerBin(), ['--help'], { encoding: 'utf8' });
  const extraArgs = help.includes('--vscode-option') ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
  // The run tests call a real OpenAI-compatible server: a fast one, and a slow one to cancel mid-run.
  const sim = await startSimServer();
  const slow = await startSimServer({ latencyMs: 150 });
  // A test-only extension (test/e2e/lmProvider) offers one model through VS Code's Language Model API
  // (proposed chatProvider API), since code-server offers none; the lm tests point it at their own test server.
  const lmProvider = path.join(repoRoot, 'test', 'e2e', 'lmProvider');
  const lmPkg = JSON.parse(fs.readFileSync(path.join(lmProvider, 'package.json'), 'utf8'));
  const lmId = `${lmPkg.publisher}.${lmPkg.name}`;
  const server = await startCodeServer({ folder, extensionFolder: lmProvider, extraArgs: [...extraArgs, '--enable-proposed-api', lmId], env: {
    EXTHOST_TEST_RESULT: resultFile,
    DILEMMA_TEST_SERVER_URL: sim.server.url,
    DILEMMA_TEST_SLOW_SERVER_URL: slow.server.url,
    DILEMMA_TEST_MODEL: sim.model,
    DILEMMA_TEST_DIVERGING: sim.divergingVariants.join(','),
    DILEMMA_TEST_LM_EXTENSION: lmId,
    ...(process.env.DILEMMA_INTEGRATION_GREP ? { DILEMMA_INTEGRATION_GREP: process.env.DILEMMA_INTEGRATION_GREP } : {}),
    TEST_SLOWDOWN: String(slowdown), // the tests' own waits stretch by the same factor (test/integration/support.ts)
  } });
  const ctx = await launchBrowser();
  const page = ctx.pages()[0] ?? await ctx.newPage();
  page.on('pageerror', (e) => log(`[pageerror] ${e.message}`));
  let resolveDone;
  const done = new Promise((resolve) => { resolveDone = resolve; });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = Array.isArray(args) ? util.format(...args) : String(args);
    const noise = /Ignoring fetching|Creating a socket|connection token|Service Worker|ChatSessionStore|additional builtin/;
    if (!noise.test(line) || process.env.SHOW_WB_LOG) console.log(`[exthost] ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveDone(code));
  const host = new URL(server.url).host;
  const remote = (p) => `vscode-remote://${host}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(repoRoot)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
  ]);
  // Only the server's answer is awaited (`commit`): the tests start once the workbench has loaded, and
  // the page's `load` event can come late on a busy machine. A navigation that got no answer started
  // nothing, so it is tried again; one that did is never repeated (the tests would run twice).
  const target = `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(target, { waitUntil: 'commit', timeout: bound(30_000) });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      log(`the workbench did not answer (${e.message.split('\n')[0]}); trying again`);
    }
  }
  let timer;
  const timeout = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`tests did not finish in ${limit} s`)), limit * 1000); });
  try { exitCode = await Promise.race([done, timeout]); } finally { clearTimeout(timer); }
  log(`extension host finished with code ${exitCode}`);
  if (fs.existsSync(resultFile)) result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
} catch (e) {
  log('ERROR', e.message);
} finally {
  await cleanup();
}
if (result) console.log(`${result.passes} passed, ${result.failures} failed` + (result.pending ? `, ${result.pending} skipped` : ''));
else console.log('0 passed, 1 failed'); // the runner never reported: crash or timeout
process.exit(exitCode === 0 && result && result.failures === 0 ? 0 : 1);
