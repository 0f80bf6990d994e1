#!/usr/bin/env node
// Runs the benchmarks one after another and prints what each measured (see bench/README.md).
// Usage: node scripts/bench.mjs [validate] [sem] [editor] [throughput] [plan] [families]   (default: all)
// Benchmarks print figures and ratios measured in one run; they never fail the build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['validate', 'sem', 'editor', 'throughput', 'plan', 'families'];
const wanted = process.argv.slice(2).filter((a) => all.includes(a));
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run('npm', ['run', '-s', 'build']) || run('npm', ['run', '-s', 'compile-tests'])) process.exit(1);
for (const name of wanted.length ? wanted : all) {
  console.log(`\n== bench ${name}`);
  if (name === 'throughput') {
    // promptfoo lives in bench/throughput's own package, never in the extension's dependencies.
    if (!fs.existsSync(path.join(root, 'bench/throughput/node_modules/promptfoo'))) run('npm', ['ci', '--prefix', 'bench/throughput', '--no-audit', '--no-fund']);
    run(process.execPath, ['bench/throughput/run.mjs']);
  } else if (name === 'validate') {
    run(process.execPath, ['esbuild.js', '--bench']);
    run(process.execPath, ['out/bench/validate.bundle.js']);
  } else if (name === 'plan') {
    run(process.execPath, ['--expose-gc', 'out/bench/plan.js']);
  } else {
    run(process.execPath, [`out/bench/${name}.js`]);
  }
}
