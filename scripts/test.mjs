#!/usr/bin/env node
// The one test command: builds, then runs each suite and prints one closing line that sums them,
// `N passed, N failed`. Usage: node scripts/test.mjs [unit] [integration] [e2e]  (default: all).
// The editor suites install what they need (chromium, code-server) through setup-vscode-server.sh.
import { spawn, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['unit', 'integration', 'e2e'];
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
function add(name, r) {
  const c = counts(r.out);
  if (!c) { console.log(`[test] ${name}: no result line (exit ${r.code})`); total.failed += 1; return; }
  if (r.code !== 0 && c.failed === 0) c.failed = 1; // a crash after the counts still fails the run
  total.passed += c.passed; total.failed += c.failed;
}

const build = await sh('npm', ['run', '-s', 'build']);
const tests = build.code === 0 ? await sh('npm', ['run', '-s', 'compile-tests']) : build;
if (tests.code !== 0) { console.log('[test] build failed'); console.log('0 passed, 1 failed'); process.exit(1); }

if (suites.includes('unit')) add('unit', await sh(process.execPath, ['scripts/mocha-run.mjs', 'out/test/unit']));
if (suites.includes('integration') || suites.includes('e2e')) {
  const codeServer = execFileSync('bash', ['scripts/setup-vscode-server.sh'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim().split('\n').pop();
  const env = { ...process.env, CODE_SERVER: codeServer };
  if (suites.includes('integration')) add('integration', await sh(process.execPath, ['test/e2e/exthost.mjs'], { env }));
  if (suites.includes('e2e')) add('e2e', await sh(process.execPath, ['test/e2e/ui.e2e.mjs'], { env }));
}
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed ? 1 : 0);
