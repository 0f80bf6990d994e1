#!/usr/bin/env node
// Runs every *.test.js below the given folders with mocha (spec reporter) and ends with
// `N passed, N failed[, N skipped]`. Usage: node scripts/mocha-run.mjs out/test/unit [--grep RE]
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

const args = process.argv.slice(2);
const gi = args.indexOf('--grep');
const grep = gi >= 0 ? args.splice(gi, 2)[1] : undefined;
const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: process.stdout.isTTY, grep });
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.test.js') ? [path.join(d, e.name)] : []);
for (const dir of args.length ? args : ['out/test/unit']) for (const f of walk(dir).sort()) mocha.addFile(path.resolve(f));
const runner = mocha.run((failures) => {
  const s = runner.stats;
  console.log(`unit: ${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ''}`);
  process.exitCode = failures ? 1 : 0;
});
