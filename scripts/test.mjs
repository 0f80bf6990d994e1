#!/usr/bin/env node
// The one test command: builds, then runs each suite and prints one closing line that sums them,
// `N passed, N failed`. Usage: node scripts/test.mjs [static] [unit] [integration] [e2e] [sem-diff]  (default: all).
// static: the lint rules (among them: no vscode in src/core and src/cli) and both type checks, one check each.
// The editor suites install what they need (chromium, code-server) through setup-vscode-server.sh.
// sem-diff (our SEM engine against R's lavaan, and the Firth composite model against R's brglm2, on fresh
// data) needs Rscript with lavaan and brglm2, which .ci/run installs from Debian; without one of them its
// half says so and counts as skipped, never as passed.
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['static', 'unit', 'integration', 'e2e', 'sem-diff'];
const wanted = process.argv.slice(2).filter((a) => all.includes(a));
const suites = wanted.length ? wanted : all;

function sh(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], ...opts });
    let out = '';
    p.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    p.on('close', (code) => resolve({ code, out }));
  });
}

function counts(out) {
  const m = [...out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)].pop();
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

const total = { passed: 0, failed: 0 };
let skipped = 0;
function add(name, r) {
  const c = counts(r.out);
  if (!c) { console.log(`[test] ${name}: no result line (exit ${r.code})`); total.failed += 1; return; }
  if (r.code !== 0 && c.failed === 0) c.failed = 1; // a crash after the counts still fails the run
  total.passed += c.passed; total.failed += c.failed;
}

const build = await sh('npm', ['run', '-s', 'build']);
const tests = build.code === 0 ? await sh('npm', ['run', '-s', 'compile-tests']) : build;
if (tests.code !== 0) { console.log('[test] build failed'); console.log('0 passed, 1 failed'); process.exit(1); }

if (suites.includes('static')) {
  for (const script of ['lint', 'typecheck']) {
    const r = await sh('npm', ['run', '-s', script]);
    console.log(`[test] ${script}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}`);
    total[r.code === 0 ? 'passed' : 'failed'] += 1;
  }
}

// The editor suites need code-server and Chromium; the grammar's unit test tokenizes with the TextMate
// engine inside code-server, so install them before the unit suite when a full run wants them.
const editorSuites = suites.includes('integration') || suites.includes('e2e');
const codeServer = editorSuites
  ? execFileSync('bash', ['scripts/setup-vscode-server.sh'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()
  : undefined;
if (suites.includes('unit')) add('unit', await sh(process.execPath, ['scripts/mocha-run.mjs', 'out/test/unit']));
if (editorSuites) {
  const env = { ...process.env, CODE_SERVER: codeServer };
  if (suites.includes('integration')) add('integration', await sh(process.execPath, ['test/e2e/exthost.mjs'], { env }));
  if (suites.includes('e2e')) {
    for (const f of fs.readdirSync(path.join(root, 'test/e2e')).filter((n) => n.endsWith('.e2e.mjs')).sort()) {
      add(`e2e ${f}`, await sh(process.execPath, [`test/e2e/${f}`], { env }));
    }
  }
}
if (suites.includes('sem-diff')) {
  const r = spawnSync('Rscript', ['-e', 'library(lavaan); library(jsonlite)'], { stdio: 'ignore' });
  if (r.status === 0) add('sem-diff', await sh(process.execPath, ['test/sem-diff/differential.mjs']));
  else { console.log('[test] sem-diff skipped: Rscript with lavaan and jsonlite is not installed (.ci/run installs r-base-core r-cran-lavaan r-cran-jsonlite)'); skipped += 1; }
  // The composite logistic model (Firth) against R's brglm2, skipped on its own when brglm2 is missing.
  const b = spawnSync('Rscript', ['-e', 'library(brglm2); library(jsonlite)'], { stdio: 'ignore' });
  if (b.status === 0) add('firth-diff', await sh(process.execPath, ['test/sem-diff/firth.mjs']));
  else { console.log('[test] firth-diff skipped: Rscript with brglm2 and jsonlite is not installed (.ci/run installs r-cran-brglm2)'); skipped += 1; }
}
console.log(`${total.passed} passed, ${total.failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(total.failed ? 1 : 0);
