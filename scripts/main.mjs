#!/usr/bin/env node
// The main job on a fresh machine (`npm start`): runs every example scenario end to end with no API
// key. It starts the test server's SIMULATED respondent on 127.0.0.1 (three synthetic profiles,
// sim/sim-aligned, sim/sim-contrary and sim/sim-weak, which are not language models), runs
// `dilemma run examples/*.dilemma.yaml` against it with the first two (which ends with the analysis of
// the runs), then examples/paper-replication.dilemma.yaml against all three (its MGSEM has a group per
// model), and stops the server. Extra arguments go to `dilemma run` (e.g. `npm start -- --samples 3`).
// To use a real model instead, see README.md and docs/run.md.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');

/** Newest modification time under a folder (the build is stale when a source is newer than it). */
function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

function buildIfNeeded() {
  const stale = !fs.existsSync(cli) || fs.statSync(cli).mtimeMs < Math.max(newest(path.join(root, 'src')), fs.statSync(path.join(root, 'package.json')).mtimeMs);
  if (!stale) return;
  console.log('Building dist/ (node esbuild.js) ...');
  const r = spawnSync(process.execPath, [path.join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Starts scripts/test-server.mjs on a free port and resolves with its URL and process. */
function startSimulator() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'test-server.mjs'), '--port', '0', '--quiet', '--stdin-stop'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\S+)/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`the simulated respondent exited early (code ${code})`)));
    child.on('error', reject);
  });
}

function runCli(args, env, capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    if (capture) child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 130 : 1), out }));
  });
}

async function main() {
  buildIfNeeded();
  const examples = fs.readdirSync(path.join(root, 'examples')).filter((f) => /\.dilemma\.ya?ml$/.test(f)).sort().map((f) => path.join('examples', f));
  if (examples.length === 0) throw new Error('no examples/*.dilemma.yaml to run');
  const sim = await startSimulator();
  const stop = () => { try { sim.child.stdin.end(); } catch { /* already gone */ } };
  process.on('exit', () => sim.child.kill());
  console.log('SIMULATED run: the answers below come from the test server\'s synthetic respondent');
  console.log(`(sim/sim-aligned acts on the values it states, sim/sim-contrary against them), not from a language model.`);
  console.log(`Respondent at ${sim.url}; no API key is used.\n`);
  // No key of the user's may travel to the simulator: run with the environment minus *_API_KEY.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_API_KEY$/.test(k)));
  env.DILEMMA_SIM_URL = sim.url;
  const extra = process.argv.slice(2);
  // The paper's own design runs on its own, against three simulated models: its multi-group SEM has
  // one group per model, as the paper's has one per LLM.
  const paper = examples.filter((f) => path.basename(f) === 'paper-replication.dilemma.yaml');
  const others = examples.filter((f) => !paper.includes(f));
  let code = 0;
  if (others.length) code = (await runCli(['run', ...others, '--model', 'sim/sim-aligned', '--model', 'sim/sim-contrary', ...extra], env, false)).code;
  if (paper.length) {
    console.log('\nThe paper\'s design (examples/paper-replication.dilemma.yaml): three simulated models, one SEM group each.\n');
    const p = await runCli(['run', ...paper, '--model', 'sim/sim-aligned', '--model', 'sim/sim-contrary', '--model', 'sim/sim-weak', ...extra], env, false);
    code = Math.max(code, p.code);
  }
  // 1 is a finding, not a broken run: the contrary profile is built to fail the examples' asserts
  // (or --max-calls stopped the run, which the run's own output says).
  if (code === 1) {
    console.log('\n(dilemma run exited 1: an assert above failed or could not be measured, which the contrary profile is built to do; or --max-calls stopped the run.)');
    code = 0;
  }
  stop();
  console.log('\nThat was a SIMULATED respondent. To run a real model: dilemma run examples/health-registry.dilemma.yaml --model openai/gpt-4o-mini (with OPENAI_API_KEY set); see docs/run.md.');
  process.exitCode = code;
}

main().catch((e) => {
  console.error(`npm start: ${e.message}`);
  process.exit(1);
});
