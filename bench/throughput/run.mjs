#!/usr/bin/env node
// Throughput bench: N calls at a fixed server latency, at several concurrencies, side by side in one
// invocation, each client in its own child process so its CPU and peak RSS are its own:
//   floor     a bare `openai` loop (N workers each awaiting client.chat.completions.create)
//   lens      our scheduler + OpenAICompatibleModel
//   engine    the full run engine (runScenario: plan, sessions, answer reading, run log; no cache)
//   promptfoo promptfoo.evaluate with openai:chat:<model> and apiBaseUrl, cache off
// The server (scripts/test-server.mjs --plain) runs in yet another child, so its CPU counts for nobody.
// Usage: node bench/throughput/run.mjs [--calls 1000] [--latency 200] [--conc 4,16,64] [--tools floor,lens,engine,promptfoo] [--json FILE]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const MODEL = 'bench-model';

function parseArgs(argv) {
  const out = { calls: 1000, latency: 200, conc: [4, 16, 64], tools: ['floor', 'lens', 'engine', 'promptfoo'], json: undefined, worker: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--calls') out.calls = Number(next());
    else if (a === '--latency') out.latency = Number(next());
    else if (a === '--conc') out.conc = next().split(',').map(Number);
    else if (a === '--tools') out.tools = next().split(',');
    else if (a === '--json') out.json = next();
    else if (a === '--worker') out.worker = JSON.parse(next());
    else throw new Error(`unknown option ${a}`);
  }
  return out;
}

const prompt = (i) => `Question ${i}: how strongly do you agree that benchmarks should be honest?\n\nAnswer with one integer from 1 (Strongly disagree) to 5 (Strongly agree).`;

/** Resource figures of this process, measured by itself at the end (RUSAGE_SELF). */
function usage() {
  const r = process.resourceUsage();
  return { cpuS: (r.userCPUTime + r.systemCPUTime) / 1e6, rssMB: r.maxRSS / 1024 };
}

// ---- workers (each runs in its own process) ----

async function workerFloor({ url, calls, conc }) {
  const requireRepo = createRequire(path.join(root, 'package.json'));
  const OpenAI = requireRepo('openai').default;
  const client = new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0 });
  let next = 0;
  let ok = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => {
    while (next < calls) {
      const i = next++;
      const res = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt(i) }] });
      if (res.choices[0]?.message?.content) ok++;
    }
  }));
  return { loopS: (performance.now() - t0) / 1000, ok, requestsPerCall: 1 };
}

async function loadLens() {
  const requireRepo = createRequire(path.join(root, 'package.json'));
  const esbuild = requireRepo('esbuild');
  const hasEngine = fs.existsSync(path.join(root, 'src/core/run/engine.ts'));
  const entry = [
    "export { createScheduler } from './src/core/run/scheduler';",
    "export { OpenAICompatibleModel } from './src/core/models/openaiModel';",
    "export { parseScenario } from './src/core/scenario/parse';",
    hasEngine ? "export { runScenario } from './src/core/run/engine';" : '',
  ].join('\n');
  const outfile = path.join(os.tmpdir(), `dl-bench-lens-${process.pid}.cjs`);
  await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error' });
  try {
    return createRequire(import.meta.url)(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

async function workerLens({ url, calls, conc }) {
  const { createScheduler, OpenAICompatibleModel } = await loadLens();
  const model = new OpenAICompatibleModel({ provider: 'bench', model: MODEL, baseUrl: url, apiKey: 'bench' });
  const scheduler = createScheduler({ concurrency: conc, maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8000, requestTimeoutMs: 60_000 });
  let ok = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: calls }, (_, i) =>
    scheduler.run('bench', (_attempt, signal) => model.complete({ messages: [{ role: 'user', content: prompt(i) }], signal })).then((r) => {
      if (r.text) ok++;
    })));
  return { loopS: (performance.now() - t0) / 1000, ok, requestsPerCall: 1, schedulerCalls: scheduler.stats().calls };
}

async function workerEngine({ url, calls, conc }) {
  const lens = await loadLens();
  if (!lens.runScenario) return { skipped: 'src/core/run/engine.ts has no runScenario yet' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-bench-engine-'));
  // One value with one item and a choice action, history sessions: two sequential calls per session.
  const sessions = Math.ceil(calls / 2);
  const text = [
    'dilemma: bench',
    'values:',
    '  honesty:',
    '    scale: { min: 1, max: 5, low: Strongly disagree, high: Strongly agree }',
    '    items:',
    '      - Benchmarks should be honest.',
    'action:',
    '  prompt: Do you publish the figures?',
    '  choices: { publish: Publish them, hide: Keep them back }',
    '  expect: { honesty: publish }',
    'run:',
    `  samples: ${sessions}`,
    '  session: history',
    '',
  ].join('\n');
  const file = path.join(dir, 'bench.dilemma.yaml');
  fs.writeFileSync(file, text);
  const parsed = lens.parseScenario(text);
  if (!parsed.scenario) throw new Error('bench scenario does not parse');
  const model = new lens.OpenAICompatibleModel({ provider: 'bench', model: MODEL, baseUrl: url, apiKey: 'bench' });
  const scheduler = lens.createScheduler({ concurrency: conc, maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8000, requestTimeoutMs: 60_000 });
  const t0 = performance.now();
  const summary = await lens.runScenario({ scenario: parsed.scenario, file, text, models: [model], scheduler, runDir: path.join(dir, 'runs'), concurrency: conc });
  const loopS = (performance.now() - t0) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  const st = scheduler.stats();
  return { loopS, ok: st.succeeded, requestsPerCall: 1, sessions, turns: 2, sessionsComplete: summary?.complete ?? summary?.sessions?.complete };
}

async function workerPromptfoo({ url, calls, conc }) {
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-bench-promptfoo-'));
  Object.assign(process.env, {
    PROMPTFOO_CONFIG_DIR: configDir,
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
    PROMPTFOO_CACHE_ENABLED: 'false',
    PROMPTFOO_DISABLE_SHARING: '1',
    // The node API leaves promptfoo's HTTP pool at 4 connections (the CLI's -j sets it); without this
    // every concurrency above 4 would quietly run at 4.
    PROMPTFOO_FETCH_CONNECTIONS: String(conc),
  });
  const requireHere = createRequire(path.join(here, 'package.json'));
  const promptfoo = requireHere('promptfoo');
  const evaluate = promptfoo.evaluate ?? promptfoo.default?.evaluate;
  const tests = Array.from({ length: calls }, (_, i) => ({ vars: { i: String(i) } }));
  const t0 = performance.now();
  const result = await evaluate(
    {
      prompts: [prompt('{{i}}')],
      providers: [{ id: `openai:chat:${MODEL}`, config: { apiBaseUrl: url, apiKey: 'bench' } }],
      tests,
      writeLatestResults: false,
      sharing: false,
    },
    { maxConcurrency: conc, cache: false, showProgressBar: false },
  );
  const loopS = (performance.now() - t0) / 1000;
  const summary = typeof result?.toEvaluateSummary === 'function' ? await result.toEvaluateSummary() : result;
  const rows = summary?.results ?? [];
  const ok = rows.filter((r) => r?.response?.output && !r?.error).length;
  fs.rmSync(configDir, { recursive: true, force: true });
  return { loopS, ok, requestsPerCall: 1, rows: rows.length };
}

const WORKERS = { floor: workerFloor, lens: workerLens, engine: workerEngine, promptfoo: workerPromptfoo };

async function runWorker(spec) {
  const t0 = performance.now();
  let out;
  try {
    out = await WORKERS[spec.tool](spec);
  } catch (error) {
    out = { error: String(error?.stack ?? error).split('\n').slice(0, 4).join(' | ') };
  }
  const procS = process.uptime();
  process.stdout.write(`\nBENCH-RESULT ${JSON.stringify({ ...out, ...usage(), procS, evalWallS: (performance.now() - t0) / 1000 })}\n`);
  process.exit(0);
}

// ---- parent ----

function startServer(latency) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'test-server.mjs'), '--plain', '--port', '0', '--quiet', '--stdin-stop', '--latency', String(latency)], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /listening (\S+)/.exec(buf);
      if (m) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`test server exited (${code})`)));
  });
}

function spawnWorker(spec) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker', JSON.stringify(spec)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
      if (!line) resolve({ error: `worker exited ${code} without a result: ${(err || out).trim().split('\n').slice(-3).join(' | ')}` });
      else resolve(JSON.parse(line.slice('BENCH-RESULT '.length)));
    });
  });
}

/** Other processes' CPU during a run (the machine is shared): total CPU from /proc/stat minus ours. */
function machineCpuS() {
  try {
    const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = fields.map(Number);
    const busy = n[0] + n[1] + n[2] + n[5] + n[6] + n[7];
    return busy / 100; // USER_HZ ticks
  } catch {
    return NaN;
  }
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.worker) return runWorker(args.worker);
  const server = await startServer(args.latency);
  const rows = [];
  console.log(`Throughput bench: ${args.calls} calls, ${args.latency} ms server latency, concurrency ${args.conc.join('/')}; one child process per client, server in its own process.`);
  console.log(`Machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at start (shared with other work: see "other CPU s").`);
  try {
    for (const conc of args.conc) {
      for (const tool of args.tools) {
        const before = machineCpuS();
        const r = await spawnWorker({ tool, url: server.url, calls: args.calls, conc });
        const machine = machineCpuS() - before;
        const turns = r.turns ?? 1;
        const waves = tool === 'engine' && r.sessions ? Math.ceil(r.sessions / conc) * turns : Math.ceil(args.calls / conc);
        const limitS = (waves * args.latency) / 1000;
        const row = { tool, conc, ...r, limitS, otherCpuS: machine - (r.cpuS ?? 0) };
        if (!r.error && !r.skipped) {
          row.callsPerS = args.calls / r.loopS;
          row.limitCallsPerS = args.calls / limitS;
          row.pct = (100 * limitS) / r.loopS;
          row.cpuPer1000 = (r.cpuS * 1000) / args.calls;
        }
        rows.push(row);
        const label = `${tool.padEnd(9)} conc ${String(conc).padStart(3)}`;
        if (r.error) console.log(`${label}  FAILED: ${r.error}`);
        else if (r.skipped) console.log(`${label}  skipped: ${r.skipped}`);
        else {
          console.log(
            `${label}  ${fmt(row.callsPerS)} calls/s (limit ${fmt(row.limitCallsPerS)})  ${fmt(row.pct, 0)}% of limit  loop ${fmt(r.loopS, 2)} s, process ${fmt(r.procS, 2)} s  ` +
              `CPU ${fmt(r.cpuS, 2)} s (${fmt(row.cpuPer1000, 2)} s/1000 calls)  peak RSS ${fmt(r.rssMB, 0)} MB  ok ${r.ok}/${args.calls}  other CPU ${fmt(row.otherCpuS, 1)} s`,
          );
        }
      }
    }
  } finally {
    server.child.stdin.end();
  }
  console.log('\nTargets (our engine): >= 90% of the limit at 16, >= 80% at 64, <= 3 CPU s and <= 150 MB per 1,000 calls.');
  for (const tool of ['lens', 'engine']) {
    for (const conc of [16, 64]) {
      const r = rows.find((x) => x.tool === tool && x.conc === conc && x.pct !== undefined);
      if (!r) continue;
      const target = conc === 16 ? 90 : 80;
      const ok = r.pct >= target && r.cpuPer1000 <= 3 && r.rssMB <= 150;
      console.log(`  ${tool} at ${conc}: ${fmt(r.pct, 0)}% (target ${target}%), ${fmt(r.cpuPer1000, 2)} CPU s/1000, ${fmt(r.rssMB, 0)} MB -> ${ok ? 'meets' : 'MISSES'} the targets`);
    }
  }
  for (const conc of args.conc) {
    const floor = rows.find((x) => x.tool === 'floor' && x.conc === conc && x.callsPerS);
    if (!floor) continue;
    const parts = rows.filter((x) => x.conc === conc && x.callsPerS && x.tool !== 'floor').map((x) => `${x.tool} ${fmt(x.callsPerS / floor.callsPerS, 2)}x`);
    console.log(`  throughput relative to the bare openai loop at ${conc}: ${parts.join(', ')}`);
  }
  if (args.json) fs.writeFileSync(args.json, JSON.stringify({ calls: args.calls, latency: args.latency, at: new Date().toISOString(), rows }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
