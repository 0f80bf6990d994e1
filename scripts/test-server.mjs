#!/usr/bin/env node
// Starts the OpenAI-compatible test server (test/support/openaiServer.ts) by hand, with the
// simulated respondent loaded from examples/: `npm run test-server [-- --port 8787 --latency 0]`.
// Its answers are SIMULATED: three synthetic profiles, `sim-aligned`, `sim-contrary` and `sim-weak`, not models,
// and `sim-random`, a null respondent that answers uniformly among the offered choices or scale points.
//   --port N        default 8787 (0: any free port)
//   --latency MS    added to every answer; --jitter MS adds 0..MS at random
//   --random-seed N seed of sim-random (default 0): the same seed gives the same answers
//   --plain         no scenarios: answer with the server's default hash-based digit (benchmarks)
//   --quiet         print only the URL line
//   --stdin-stop    stop when stdin closes (for a parent process)
// The TypeScript sources are bundled on the fly with esbuild into the OS temp folder.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const out = { port: 8787, latency: 0, jitter: 0, randomSeed: 0, plain: false, quiet: false, stdinStop: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    if (a === '--port') out.port = num();
    else if (a === '--latency') out.latency = num();
    else if (a === '--jitter') out.jitter = num();
    else if (a === '--random-seed') out.randomSeed = num();
    else if (a === '--plain') out.plain = true;
    else if (a === '--quiet') out.quiet = true;
    else if (a === '--stdin-stop') out.stdinStop = true;
    else if (a === '-h' || a === '--help') {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`Unknown option ${a} (try --help)`);
  }
  return out;
}

const ENTRY = `
export { startTestServer } from './test/support/openaiServer';
export { scenarioRespondent, simulatedProfiles } from './test/support/respondent';
export { withRandomModel } from './test/support/randomRespondent';
export { parseScenario } from './src/core/scenario/parse';
`;

/** Bundles the server, respondent and parser into one CommonJS file and loads it. */
export async function loadTestServerModule() {
  const esbuild = require('esbuild');
  const outfile = path.join(os.tmpdir(), `dilemma-test-server-${process.pid}.cjs`);
  await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'test-server-entry.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  try {
    return require(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const mod = await loadTestServerModule();
  let respondent;
  let models;
  let loaded = [];
  if (!args.plain) {
    const dir = path.join(root, 'examples');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.dilemma\.ya?ml$/.test(f)).sort() : [];
    for (const f of files) {
      const parsed = mod.parseScenario(fs.readFileSync(path.join(dir, f), 'utf8'));
      if (parsed.scenario) loaded.push(parsed.scenario);
      else console.error(`test-server: skipped examples/${f}: it does not parse`);
    }
    respondent = mod.withRandomModel(mod.scenarioRespondent(loaded, mod.simulatedProfiles(loaded)), args.randomSeed);
    models = ['sim-aligned', 'sim-contrary', 'sim-weak', 'sim-random'];
  }
  const server = await mod.startTestServer({ port: args.port, models, respondent, faults: { latencyMs: args.latency, jitterMs: args.jitter } });
  if (!args.quiet) {
    console.log('Dilemma Lens test server: SIMULATED respondent, answers are synthetic and come from no language model.');
    if (!args.plain) console.log(`Loaded ${loaded.length} scenario(s) from examples/; simulated models: sim-aligned, sim-contrary, sim-weak, sim-random (use sim/sim-aligned with DILEMMA_SIM_URL).`);
  }
  console.log(`listening ${server.url}`);
  const stop = () => server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A parent process (the bench) may ask to stop us by closing our stdin.
  if (args.stdinStop) process.stdin.on('end', stop).resume();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`test-server: ${e.message}`);
    process.exit(2);
  });
}
