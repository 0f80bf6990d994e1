#!/usr/bin/env node
// Runs every *.test.js below the given folders with mocha (spec reporter) and ends with
// `N passed, N failed[, N skipped]`. Usage: node scripts/mocha-run.mjs out/test/unit [--grep RE]
// On a busy machine every timeout is stretched by the load per core (test/e2e/waits.mjs), and the
// tests' own upper bounds by the same factor, passed on as TEST_SLOWDOWN (test/support/slowdown.ts).
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { slowdown } from '../test/e2e/waits.mjs';

process.env.TEST_SLOWDOWN = String(slowdown);
if (slowdown > 1) {
  console.log(`machine loaded: timeouts x${slowdown} (TEST_SLOWDOWN overrides)`);
  // Every timeout a test or hook gets (inherited from its suite, or set with this.timeout() in it) is
  // stretched once; suites keep theirs, so what they pass down is not stretched twice.
  const set = Mocha.Runnable.prototype.timeout;
  Mocha.Runnable.prototype.timeout = function (ms) {
    if (typeof ms === 'number' && ms > 0) return set.call(this, Math.round(ms * slowdown));
    return set.apply(this, arguments);
  };
}

const args = process.argv.slice(2);
const gi = args.indexOf('--grep');
const grep = gi >= 0 ? args.splice(gi, 2)[1] : undefined;
const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: process.stdout.isTTY, grep });
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.test.js') ? [path.join(d, e.name)] : []);
for (const dir of args.length ? args : ['out/test/unit']) for (const f of (fs.statSync(dir).isFile() ? [dir] : walk(dir).sort())) mocha.addFile(path.resolve(f));
const runner = mocha.run((failures) => {
  const s = runner.stats;
  console.log(`unit: ${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ''}`);
  process.exitCode = failures ? 1 : 0;
});

