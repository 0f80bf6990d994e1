// Helpers shared by the code-server suites (adapted from ../shared/e2e-recipe/lib.mjs): start code-server
// on loopback with fresh dirs, launch Debian Chromium through playwright-core, prepare a scratch
// workspace, and make sure both processes are gone when the script ends, however it ends. Waiting and
// gestures: waits.mjs (state waits with bounds scaled for a loaded machine, re-issued gestures) and
// workbench.mjs (the palette, Go to Line, lenses, hovers...); both are re-exported here.
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bound, log, slowdown } from './waits.mjs';

export { bound, log, retrying, slowdown, until } from './waits.mjs';
export { clickUntil, goToLine, hoverUntil, nbsp, openFromExplorer, openWorkbench, pickQuickItem, quickInput, quickRow, reloadWorkbench, runCommand, shown } from './workbench.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
if (slowdown > 1) log(`machine loaded: bounds of waits x${slowdown} (TEST_SLOWDOWN overrides)`);

const cleanups = [];
/** Registers a cleanup that runs once, on normal end, error, signal or watchdog. */
export function onCleanup(fn) { cleanups.push(fn); }
export async function cleanup() {
  for (const fn of cleanups.splice(0).reverse()) { try { await fn(); } catch (e) { log('cleanup:', e.message); } }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, async () => { await cleanup(); console.log('0 passed, 1 failed'); process.exit(1); });
}

/** Ends the script after `seconds` (stretched like every bound) no matter what, with cleanup and a failing result line. */
export function watchdog(seconds) {
  const limit = Math.round(bound(seconds * 1000) / 1000);
  const t = setTimeout(async () => {
    log(`watchdog: still running after ${limit} s, giving up`);
    await cleanup();
    console.log('0 passed, 1 failed');
    process.exit(1);
  }, limit * 1000);
  t.unref();
}

export function codeServerBin() {
  if (process.env.CODE_SERVER) return process.env.CODE_SERVER;
  const local = path.join(repoRoot, 'test', 'vscode-server', 'node_modules', '.bin', 'code-server');
  if (fs.existsSync(local)) return local;
  throw new Error('set CODE_SERVER=/path/to/node_modules/.bin/code-server (scripts/setup-vscode-server.sh prints it)');
}

/** A scratch workspace: the fixtures in test/e2e/workspace plus the repo's examples, copied at run time. */
export function prepareWorkspace() {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-ws-'));
  fs.cpSync(path.join(repoRoot, 'test', 'e2e', 'workspace'), folder, { recursive: true });
  const examples = path.join(repoRoot, 'examples');
  const copied = [];
  if (fs.existsSync(examples)) {
    for (const f of fs.readdirSync(examples).filter((f) => /\.dilemma\.ya?ml$/.test(f)).sort()) {
      fs.copyFileSync(path.join(examples, f), path.join(folder, f));
      copied.push(f);
    }
  }
  onCleanup(() => fs.rmSync(folder, { recursive: true, force: true }));
  return { folder, examples: copied };
}

/** A loopback port that was free a moment ago (bound to port 0, read, released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Kills a process group we started (code-server and its extension hosts), by its id. */
function killGroup(proc, signal) {
  try { process.kill(-proc.pid, signal); } catch { /* already gone */ }
}

/**
 * Starts code-server. `extensionFolder`: an unpacked extension to link into the extensions dir.
 * `trust`: keep Workspace Trust on (the folder then opens in Restricted Mode until trusted).
 * `install`: VSIX files to install into the fresh extensions dir (`--install-extension`) before it starts.
 */
export async function startCodeServer({ folder, extensionFolder, extraArgs = [], settings = {}, env = {}, trust = false, install = [] } = {}) {
  const bin = codeServerBin();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-cs-'));
  const dirs = { base, ud: path.join(base, 'ud'), ext: path.join(base, 'ext'), cfg: path.join(base, 'config.yaml') };
  fs.mkdirSync(path.join(dirs.ud, 'User'), { recursive: true });
  fs.mkdirSync(dirs.ext, { recursive: true });
  fs.writeFileSync(dirs.cfg, 'auth: none\ncert: false\n');
  fs.writeFileSync(path.join(dirs.ud, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'security.workspace.trust.enabled': trust,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    'update.mode': 'none',
    'git.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    // VS Code for the web (code-server) saves a dirty file after 1 s by default. An edit a test makes and
    // reverts then reaches the disk whenever the test takes longer than that (a busy machine): the
    // workspace's examples were saved broken and every later test of them failed.
    'files.autoSave': 'off',
    ...settings,
  }, null, 2));
  if (extensionFolder) {
    const pj = JSON.parse(fs.readFileSync(path.join(extensionFolder, 'package.json'), 'utf8'));
    fs.symlinkSync(extensionFolder, path.join(dirs.ext, `${pj.publisher}.${pj.name}-${pj.version}`));
  }
  for (const vsix of install) {
    const r = spawnSync(bin, ['--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext, '--install-extension', vsix], { encoding: 'utf8', env: { EXTENSIONS_GALLERY: '{}', ...process.env } });
    if (r.status !== 0) throw new Error(`code-server --install-extension ${path.basename(vsix)} failed (${r.status}): ${(r.stderr || r.stdout).slice(-600)}`);
    log(`installed ${path.basename(vsix)}: ${r.stdout.trim().split('\n').pop()}`);
  }
  const logFile = path.join(base, 'server.log');
  let proc;
  const stop = async () => {
    if (proc) await stopProcess(proc);
    if (process.env.SHOW_SERVER_LOG && fs.existsSync(logFile)) console.log(fs.readFileSync(logFile, 'utf8'));
    if (!process.env.KEEP_E2E_DIRS) fs.rmSync(base, { recursive: true, force: true });
  };
  onCleanup(stop);
  // A server that exits early (its port taken between our probe and its bind) or never answers is
  // started again on a new port, a bounded number of times.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(); // a port the OS just had free: a random pick collided with other servers on this machine
    const args = ['--config', dirs.cfg, '--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext,
      '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
      ...(trust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', ...extraArgs];
    if (folder) args.push(folder);
    const t = Date.now();
    // detached: its own process group, so cleanup reaches the extension hosts it forks
    proc = spawn(bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { EXTENSIONS_GALLERY: '{}', ...process.env, ...env } });
    const serverLog = fs.createWriteStream(logFile, { flags: 'a' });
    proc.stdout.pipe(serverLog); proc.stderr.pipe(serverLog);
    const url = `http://127.0.0.1:${port}`;
    const problem = await healthy(url, proc, bound(30_000));
    if (!problem) {
      log(`code-server up on ${url} in ${Date.now() - t} ms`);
      return { url, port, dirs, proc, stop };
    }
    await stopProcess(proc);
    const detail = `${problem}: ${fs.readFileSync(logFile, 'utf8').slice(-800)}`;
    if (attempt >= 3) throw new Error(`code-server did not start in ${attempt} tries; ${detail}`);
    log(`code-server did not start (${problem}); trying again on another port`);
  }
}

/** Waits for code-server's /healthz; returns why it is not up at the bound (exited, silent), or undefined when it is. */
async function healthy(url, proc, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (r.ok) return undefined;
    } catch { /* not up yet */ }
    if (proc.exitCode !== null || proc.signalCode !== null) return `exited early (${proc.exitCode ?? proc.signalCode})`;
    if (Date.now() > deadline) return `no answer on /healthz in ${Math.round(timeout / 1000)} s`;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends a code-server we started and everything it forked: SIGTERM to its group, SIGKILL after 5 s. */
async function stopProcess(proc) {
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    killGroup(proc, 'SIGTERM');
    const t2 = setTimeout(() => killGroup(proc, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(t2);
  }
  killGroup(proc, 'SIGKILL');
}

/**
 * Headless Debian Chromium with a fresh profile. Every Playwright wait without its own timeout gets a
 * bound scaled for a loaded machine instead of Playwright's 30 s; a launch that failed is tried again once.
 */
export async function launchBrowser() {
  for (let attempt = 1; ; attempt++) {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dilemma-chromium-'));
    try {
      const ctx = await chromium.launchPersistentContext(userDataDir, {
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        timeout: bound(60_000),
        viewport: { width: 1400, height: 900 },
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      });
      ctx.setDefaultTimeout(bound(30_000));
      ctx.setDefaultNavigationTimeout(bound(60_000));
      onCleanup(async () => { await ctx.close().catch(() => {}); fs.rmSync(userDataDir, { recursive: true, force: true }); });
      return ctx;
    } catch (e) {
      fs.rmSync(userDataDir, { recursive: true, force: true });
      if (attempt >= 2) throw e;
      log(`chromium did not start (${e.message.split('\n')[0]}); trying again`);
    }
  }
}

/** A tiny check runner that prints `ok`/`FAIL` per check and keeps the counts. */
export function checks() {
  const counts = { passed: 0, failed: 0 };
  async function check(name, fn) {
    const t = Date.now();
    try { await fn(); counts.passed++; log(`ok   ${name} (${Date.now() - t} ms)`); return true; }
    catch (e) { counts.failed++; log(`FAIL ${name}: ${e.message.split('\n')[0]}`); return false; }
  }
  return { check, counts };
}

export const expect = (cond, msg) => { if (!cond) throw new Error(msg); };

/**
 * What later checks need from an earlier one (a finished run, an open view), made once. The check that
 * is about it calls it first and fails with its own error; a later check that calls it gets what was
 * made, or fails saying which earlier step it needed and why that failed, instead of an unexplained
 * follow-on error.
 */
export function prerequisite(what, make) {
  let made;
  return () => {
    if (!made) return (made = Promise.resolve().then(make));
    return made.catch((e) => { throw new Error(`needs ${what}, which failed earlier: ${e.message.split('\n')[0]}`); });
  };
}

/** An error that escaped an e2e script's checks: it counts as a failure. */
export function escaped(counts, e) {
  counts.failed++;
  log('ERROR', e.message);
}

/** The end of every e2e script: clean up, print the closing line the test command reads, exit. */
export async function finish(counts) {
  await cleanup();
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed ? 1 : 0);
}

/**
 * Starts the OpenAI-compatible test server (compiled to out/test/support by `npm run compile-tests`)
 * with the simulated respondent over the repo's examples. Its one model, `sim-mixed`, follows its
 * stated values on every variant except the third of each scenario, where it acts against them, so
 * that variant diverges, and obeys a decision policy stated in a guarded run. Answers are synthetic.
 * Stopped at cleanup.
 */
export async function startSimServer({ latencyMs = 0, alsoAligned = false } = {}) {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const out = path.join(repoRoot, 'out');
  const { startTestServer } = require(path.join(out, 'test', 'support', 'openaiServer.js'));
  const { scenarioRespondent } = require(path.join(out, 'test', 'support', 'respondent.js'));
  const { parseScenario } = require(path.join(out, 'src', 'core', 'scenario', 'parse.js'));
  const dir = path.join(repoRoot, 'examples');
  const scenarios = fs.readdirSync(dir).filter((f) => /\.dilemma\.ya?ml$/.test(f)).sort()
    .map((f) => parseScenario(fs.readFileSync(path.join(dir, f), 'utf8')).scenario).filter(Boolean);
  const traits = {};
  const levels = [0.7, 0.35, 0.65, 0.4];
  for (const s of scenarios) s.values.forEach((v, i) => { traits[v.name] ??= levels[i % levels.length]; });
  const variants = {};
  for (const s of scenarios) if (s.variants[2]) variants[s.variants[2].name] = { action: 'contrary' };
  // It obeys a decision policy stated in its conversation (a guarded run, `run.guard`), whatever the variant.
  const profiles = { 'sim-mixed': { traits, spread: 0.1, action: 'aligned', variants, policy: 'obey', unparsedRate: 0, refusalRate: 0, seed: 3 } };
  // alsoAligned: a second model, `sim-aligned`, that follows its stated values on every variant (for comparison runs).
  if (alsoAligned) profiles['sim-aligned'] = { traits, spread: 0.1, action: 'aligned', unparsedRate: 0, refusalRate: 0, seed: 5 };
  const server = await startTestServer({ models: Object.keys(profiles), respondent: scenarioRespondent(scenarios, profiles), faults: { latencyMs } });
  onCleanup(() => server.stop());
  return { server, model: 'sim-mixed', models: Object.keys(profiles), divergingVariants: Object.keys(variants) };
}
