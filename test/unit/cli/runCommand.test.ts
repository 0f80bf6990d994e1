import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoPath, repoRoot } from '../../support/paths';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { scenarioRespondent } from '../../support/respondent';
import { parseScenario } from '../../../src/core/scenario/parse';
import { planRun } from '../../../src/core/run/plan';
import { readRunLog } from '../../../src/core/run/runLog';
import { bound } from '../../support/slowdown';

const TEXT = `dilemma: cli-demo
persona: You are a careful survey respondent.
values:
  privacy:
    scale: { min: 1, max: 7, low: Strongly disagree, high: Strongly agree }
    items:
      - It bothers me when organisations ask for personal data.
      - I worry about who can see my records.
  prosocial:
    scale: { min: 1, max: 5, low: Never, high: Always }
    items:
      - I help others even when it costs me something.
action:
  prompt: The clinic asks to pass your records to {{recipient}}. What do you do?
  choices: { share: Let them pass it on, decline: Keep it private }
  expect: { privacy: decline, prosocial: share }
vars: { recipient: a research registry }
variants:
  - name: baseline
  - name: pharma
    vars: { recipient: a drug company }
run:
  samples: 10
`;
const CANARY = 'sk-canary-7f3e9d1c0b2a4e6f8a9b';

interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

describe('cli: dilemma run (spawned, against the test server)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dir: string;
  let file: string;
  let env: NodeJS.ProcessEnv;
  const cli = repoPath('dist', 'cli.js');

  before(async () => {
    if (!fs.existsSync(cli)) assert.equal(spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' }).status, 0);
    const scenario = parseScenario(TEXT).scenario!;
    server = await startTestServer({
      apiKey: CANARY,
      models: ['sim-aligned'],
      respondent: scenarioRespondent([scenario], { 'sim-aligned': { traits: { privacy: 0.8, prosocial: 0.3 }, action: 'aligned', seed: 3 } }),
    });
  });
  after(async () => server.stop());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-cli-'));
    file = path.join(dir, 'cli-demo.dilemma.yaml');
    fs.writeFileSync(file, TEXT);
    // A provider of the user's own config, whose key comes from the environment only.
    const config = path.join(dir, 'providers.json');
    fs.writeFileSync(config, JSON.stringify({ providers: { lab: { baseUrl: server.url, apiKeyEnv: 'LAB_API_KEY', requiresKey: true, structuredOutput: true } } }));
    env = { PATH: process.env.PATH, HOME: dir, DILEMMA_CONFIG: config, LAB_API_KEY: CANARY, OPENAI_API_KEY: CANARY, DILEMMA_RETRY_BASE_MS: '5' };
    server.setFaults({});
    server.requests.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function start(args: string[], extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<Result> } {
    const child = spawn(process.execPath, [cli, 'run', ...args], { cwd: dir, env: { ...env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    const done = new Promise<Result>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    return { child, done };
  }
  const run = (args: string[], extraEnv?: NodeJS.ProcessEnv) => start(args, extraEnv).done;
  const logFiles = () => {
    const d = path.join(dir, '.dilemma', 'runs', 'cli-demo');
    return fs.existsSync(d) ? fs.readdirSync(d).map((f) => path.join(d, f)) : [];
  };
  const allKeys = () => [...planRun(parseScenario(TEXT).scenario!, { models: ['lab/sim-aligned'] }).sessions()].map((s) => s.key).sort();

  it('runs, prints the preflight estimate, says where the run log is, and ends with its analysis', async () => {
    const r = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--concurrency', '4']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /20 sessions = 1 model\(s\) x 2 variant\(s\) x 1 persona\(s\) x 10 sample\(s\), history sessions/);
    assert.match(r.stdout, /80 calls, about \d+ prompt \+ \d+ completion tokens/);
    assert.match(r.stdout, /cached: 0 of 80 calls \(0%\)/);
    const [log] = logFiles();
    assert.ok(log);
    const [runPart, analysis] = r.stdout.split('\nAnalysis:\n');
    assert.ok(runPart!.trimEnd().endsWith(`Run log: ${log}`), r.stdout);
    assert.ok(analysis, 'the analysis follows the run');
    const analyze = spawnSync(process.execPath, [cli, 'analyze', path.relative(dir, log)], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(analysis, analyze.stdout, 'the same text as dilemma analyze of the log');
    assert.match(analysis, /lab\/sim-aligned: divergence .*\n\s+VAAR /);
    assert.match(r.stderr, /cli-demo: 20\/20 sessions/, 'plain progress lines off a TTY');
    assert.equal(server.requests.length, 80);
    assert.equal(server.requests[0]!.headers.authorization, `Bearer ${CANARY}`, 'the key from the environment reached the endpoint');
  });

  it('takes models from run.models, runs one --variant, and gives all files of one invocation one run id', async () => {
    fs.writeFileSync(file, TEXT.replace('  samples: 10', '  samples: 2\n  models: [lab/sim-aligned]'));
    fs.writeFileSync(path.join(dir, 'other.dilemma.yaml'), TEXT.replace('dilemma: cli-demo', 'dilemma: cli-other').replace('  samples: 10', '  samples: 1'));
    const r = await run(['cli-demo.dilemma.yaml', 'other.dilemma.yaml', '--variant', 'pharma', '--format', 'json', '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.runs.map((x: { scenario: string; planned: number; complete: number }) => [x.scenario, x.planned, x.complete]), [['cli-demo', 2, 2], ['cli-other', 1, 1]]);
    assert.ok(out.runs.every((x: { runId: string }) => x.runId === out.runId));
    assert.ok(fs.existsSync(path.join(dir, '.dilemma', 'runs', 'cli-other', `${out.runId}.jsonl`)));
    assert.equal(server.requests.length, 3 * 4);
    assert.ok(server.requests.filter((q) => q.messages.at(-1)!.content.startsWith('The clinic')).every((q) => q.messages.at(-1)!.content.includes('a drug company')));
  });

  it('a second run replays from the cache: zero requests reach the server', async () => {
    assert.equal((await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned'])).code, 0);
    server.requests.length = 0;
    const r = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 0);
    const out = JSON.parse(r.stdout);
    assert.equal(out.runs[0].calls, 0);
    assert.equal(out.runs[0].cachedCalls, 80);
    assert.equal(out.runs[0].cachedAtStart, 80);
    assert.match(r.stderr, /cached: 80 of 80 calls \(100%\)/, 'with --format json the preflight goes to stderr');
    server.requests.length = 0;
    assert.equal((await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--no-cache'])).code, 0);
    assert.equal(server.requests.length, 80, '--no-cache bypasses it');
  });

  it('--fresh draws new samples instead of the cached ones, says so in the preflight, and its resume reads what it cached itself', async () => {
    assert.equal((await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned'])).code, 0);
    const [first] = logFiles();
    server.requests.length = 0;
    // 10 calls, one session at a time: sessions 1 and 2 (4 calls each) end and are logged, session 3 made 2 calls (cached under the fresh draw) when the budget stopped it.
    const f = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--fresh', '--max-calls', '10', '--concurrency', '1']);
    assert.equal(f.code, 1, f.stderr);
    assert.match(f.stdout, /cached: 0 of 80 calls \(0%\), fresh samples/);
    assert.equal(server.requests.length, 10, 'a fresh run reads nothing of the first run from the cache');
    const fresh = logFiles().find((l) => l !== first)!;
    const runId = path.basename(fresh, '.jsonl');
    const header = (await readRunLog(fresh)).header;
    assert.equal(header.draw?.id, runId);
    server.requests.length = 0;
    const r = await run(['cli-demo.dilemma.yaml', '--resume', runId]);
    assert.equal(r.code, 0, r.stderr);
    // 18 sessions x 4 calls = 72 left, of which session 3's first 2 are in the cache under this run's draw.
    assert.match(r.stdout, /cached: 2 of 72 calls \(3%\), fresh samples/);
    assert.equal(server.requests.length, 70, 'the fresh samples cost 80 requests in all');
    const raw = async (f: string) => Object.fromEntries((await readRunLog(f)).sessions.map((s) => [s.key, s.items.map((i) => i.raw).join('|') + s.action?.raw]));
    const a = await raw(first!);
    const b = await raw(fresh);
    assert.equal(Object.keys(b).length, 20);
    assert.ok(Object.keys(a).filter((k) => a[k] !== b[k]).length >= 10, 'new draws, not the cached answers');
    // The first run's answers are still what an ordinary run reads.
    server.requests.length = 0;
    const again = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned']);
    assert.match(again.stdout, /cached: 80 of 80 calls \(100%\)\n/);
    assert.equal(server.requests.length, 0);
  });

  it('prices the run: a preflight cost band, --max-cost stops it (resumable), and the end records hold what the calls cost', async () => {
    // $1 per token in and out: a call costs its reported prompt + completion tokens in dollars.
    fs.writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ providers: { lab: { baseUrl: server.url, apiKeyEnv: 'LAB_API_KEY', requiresKey: true, structuredOutput: true, price: { input: 1_000_000, output: 1_000_000 } } } }));
    const f = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--max-cost', '1700', '--concurrency', '1']);
    assert.equal(f.code, 1, f.stderr);
    assert.match(f.stdout, /cost: \$\d+ - \$\d+ - \$\d+ \(low - expected - high\) for 80 uncached call\(s\) at lab\/sim-aligned \$1000000\/\$1000000 per 1M input\/output tokens\n/);
    assert.match(f.stdout, /stopped: Cost budget spent: --max-cost 1700 allows no further model calls \(\$\d+ spent\); resume with --resume \S+/);
    const [log] = logFiles();
    const first = await readRunLog(log!);
    assert.equal(first.end?.outcome, 'stopped');
    assert.equal(first.end?.stopped, 'budget');
    const spent1 = first.end!.costUsd!;
    assert.ok(spent1 >= 1700, `${spent1}`);
    assert.ok(first.sessions.length > 0 && first.sessions.length < 20);
    const r = await run(['cli-demo.dilemma.yaml', '--resume', path.basename(log!, '.jsonl')]);
    assert.equal(r.code, 0, r.stderr);
    const after = await readRunLog(log!);
    assert.equal(after.sessions.length, 20);
    // Hand sum from the log: each answer's prompt + completion tokens at $1 each. The cache of this new workspace started empty,
    // so every answer was paid once: by the resume, or (read back from the cache) by the session the budget cut short.
    let tokens = 0;
    for (const s of after.sessions) for (const a of [...s.items, s.action!]) tokens += a.usage!.promptTokens + a.usage!.completionTokens;
    const lines = fs.readFileSync(log!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; costUsd?: number });
    const ends = lines.filter((l) => l.kind === 'end');
    assert.equal(ends.length, 2);
    assert.equal(ends[0]!.costUsd! + ends[1]!.costUsd!, tokens);
    assert.match(r.stdout, new RegExp(`\\$${Math.round(ends[1]!.costUsd!)} spent`));
    // The analysis reports the run's spend: the sum over its end records.
    const an = spawnSync(process.execPath, [cli, 'analyze', path.relative(dir, log!)], { cwd: dir, env, encoding: 'utf8' });
    assert.match(an.stdout, new RegExp(`^cli-demo \\(20 sessions, \\$${tokens} spent\\)`, 'm'));
  });

  it('SIGKILL in the middle, then --resume runs exactly the missing sessions', async () => {
    server.setFaults({ latencyMs: 40 });
    const { child, done } = start(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--concurrency', '2', '--no-cache']);
    const K = 6;
    let killedWith = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const [log] = logFiles();
        if (!log) return;
        const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"kind":"session"')).length;
        if (lines >= K) {
          clearInterval(timer);
          child.kill('SIGKILL');
          killedWith = lines;
          resolve();
        }
      }, 5);
      child.on('close', () => { clearInterval(timer); reject(new Error('the run ended before it could be killed')); });
    });
    const killed = await done;
    assert.equal(killed.signal, 'SIGKILL');
    const [log] = logFiles();
    const before = await readRunLog(log!);
    assert.ok(before.sessions.length >= killedWith && before.sessions.length < 20, `${before.sessions.length} sessions logged before the kill`);
    const runId = path.basename(log!, '.jsonl');
    server.requests.length = 0;
    server.setFaults({});
    const r = await run(['cli-demo.dilemma.yaml', '--resume', runId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\(${before.sessions.length} of 20 already in the log\\)`));
    const after = await readRunLog(log!);
    const beforeKeys = before.sessions.map((s) => s.key);
    const added = after.sessions.slice(before.sessions.length).map((s) => s.key);
    assert.deepEqual([...added].sort(), allKeys().filter((k) => !beforeKeys.includes(k)), 'exactly the missing sessions ran');
    assert.deepEqual(after.sessions.map((s) => s.key).sort(), allKeys(), 'every session once, no duplicates');
    assert.equal(server.requests.length, added.length * 4);
    assert.equal(logFiles().length, 1, 'the resume appended to the same log');
  });

  it('SIGINT cancels promptly with exit 130 and keeps the ended sessions', async () => {
    server.setFaults({ latencyMs: 40 });
    const { child, done } = start(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--concurrency', '2', '--no-cache']);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const [log] = logFiles();
        if (log && fs.readFileSync(log, 'utf8').includes('"kind":"session"')) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const t = Date.now();
    child.kill('SIGINT');
    const r = await done;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(Date.now() - t < bound(2000), 'stopped promptly');
    const log = await readRunLog(logFiles()[0]!);
    assert.ok(log.sessions.length >= 1 && log.sessions.length < 20);
    assert.match(r.stdout, /cancelled: resume with --resume \S+/);
  });

  it('never writes the API key to the cache, run logs, reports or output', async () => {
    const outputs: string[] = [];
    for (const args of [
      ['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned'],
      ['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--format', 'json'],
      ['cli-demo.dilemma.yaml', '--model', 'lab/nope', '--no-cache'],
      ['cli-demo.dilemma.yaml', '--model', 'openai/gpt-4o-mini', '--base-url', 'http://127.0.0.1:9/v1', '--no-cache'],
    ]) {
      const r = await run(args);
      outputs.push(r.stdout, r.stderr);
    }
    // A wrong key is refused (401): exit 3, and the refused key is not echoed anywhere either.
    const wrong = `${CANARY}-wrong`;
    const refused = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--no-cache'], { LAB_API_KEY: wrong });
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stdout, /could not be reached \(auth\)/);
    outputs.push(refused.stdout, refused.stderr);
    server.setFaults({ rate500: 0.3, rateMalformed: 0.2, seed: 5 });
    const faulty = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--no-cache'], { DILEMMA_MAX_RETRIES: '0' });
    outputs.push(faulty.stdout, faulty.stderr);
    const complete = logFiles().filter((f) => fs.readFileSync(f, 'utf8').includes('"status":"complete"'));
    for (const format of ['json', 'markdown', 'junit', 'csv']) {
      const report = path.join(dir, `report.${format}`);
      const analyze = spawnSync(process.execPath, [cli, 'analyze', ...(format === 'csv' ? complete.slice(0, 1) : complete), '--format', format, '--out', report], { cwd: dir, env, encoding: 'utf8' });
      outputs.push(analyze.stdout ?? '', analyze.stderr ?? '');
      assert.ok(fs.existsSync(report), `analyze wrote ${report}: ${analyze.stderr}`);
    }
    assert.ok(server.requests.length > 0 && server.requests.every((q) => q.headers.authorization?.startsWith(`Bearer ${CANARY}`)), 'every request carried a canary key');
    const found: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name !== 'providers.json' && fs.readFileSync(p).includes(CANARY)) found.push(p);
      }
    };
    walk(dir);
    assert.ok(fs.existsSync(path.join(dir, '.dilemma', 'cache')) && logFiles().length >= 3, 'there was something to search');
    assert.deepEqual(found, []);
    outputs.forEach((o, i) => assert.ok(!o.includes(CANARY), `output ${i} holds the key`));
  });

  it('exit 2 with file:line:col for a broken scenario, 2 for usage errors, 3 for an unreachable model', async () => {
    fs.writeFileSync(path.join(dir, 'broken.dilemma.yaml'), TEXT.replace('expect: { privacy: decline, prosocial: share }', 'expect: { privacy: decline, prosocial: shre }'));
    const broken = await run(['broken.dilemma.yaml', '--model', 'lab/sim-aligned']);
    assert.equal(broken.code, 2);
    const line = TEXT.split('\n').findIndex((l) => l.includes('expect:')) + 1;
    assert.match(broken.stderr, new RegExp(`^broken\\.dilemma\\.yaml:${line}:\\d+: error: .*\\[[a-z-]+\\]$`, 'm'));
    assert.equal(server.requests.length, 0, 'nothing ran');
    for (const args of [['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--samples', 'x'], ['cli-demo.dilemma.yaml', '--bogus'], [], ['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--variant', 'nope'], ['cli-demo.dilemma.yaml', '--model', 'noslash']]) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.length > 0);
    }
    const dead = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--base-url', 'http://127.0.0.1:9/v1', '--no-cache']);
    assert.equal(dead.code, 3, dead.stderr);
    assert.match(dead.stdout, /could not be reached \(network\)/);
    const noKey = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned'], { LAB_API_KEY: '' });
    assert.equal(noKey.code, 3);
    assert.match(noKey.stderr, /LAB_API_KEY/);
    const unknownModel = await run(['cli-demo.dilemma.yaml', '--model', 'lab/nope', '--no-cache']);
    assert.equal(unknownModel.code, 3, unknownModel.stderr);
    assert.match(unknownModel.stdout, /lab\/nope could not be reached \(not-found\)/);
  });

  const withAsserts = (asserts: string, samples = 10) => TEXT.replace('  samples: 10', `  samples: ${samples}\nassert:\n${asserts}`);
  const logOf = (out: { runs: { logPath: string }[] }) => path.relative(dir, out.runs[0]!.logPath);
  const analyzeOut = (log: string, format: string) => spawnSync(process.execPath, [cli, 'analyze', log, '--format', format], { cwd: dir, env, encoding: 'utf8' });

  it('--format markdown and junit print only the analysis on stdout, the same report dilemma analyze makes of the log', async () => {
    fs.writeFileSync(file, withAsserts('  divergence: { max: 0.5 }\n  parse-failures: { max: 0 }'));
    const json = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    const log = logOf(out);
    const fromAnalyze = JSON.parse(analyzeOut(log, 'json').stdout);
    assert.deepEqual(out.report.scenarios, fromAnalyze.scenarios, 'the JSON report of the run is the analysis of its log');
    assert.deepEqual(out.report.summary, fromAnalyze.summary);
    assert.equal(out.report.schemaVersion, fromAnalyze.schemaVersion);
    assert.equal(out.report.summary.asserts.pass, 2, 'both asserts were evaluated');
    for (const format of ['markdown', 'junit']) {
      // The cache replays the same answers, so a second run is analysed from an identical log.
      const r = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--format', format]);
      assert.equal(r.code, 0, r.stderr);
      const again = path.relative(dir, /Run log: (\S+)/.exec(r.stderr)![1]!);
      assert.notEqual(again, log, 'a new run log');
      assert.equal(r.stdout, analyzeOut(again, format).stdout, `${format}: the report of dilemma analyze`);
      assert.match(r.stderr, /20 sessions = 1 model/, 'the preflight goes to stderr');
      assert.match(r.stderr, /cli-demo: 20 complete, 0 failed/, 'so does the summary');
    }
    const junit = (await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--format', 'junit'])).stdout;
    assert.ok(junit.startsWith('<?xml'), junit.slice(0, 80));
    assert.match(junit, /<testcase name="divergence \[lab\/sim-aligned\]" classname="cli-demo"/);
  });

  it('the scenario\'s asserts decide exit 1 after a completed run: a failed or unmeasurable assert, never a passing one', async () => {
    const cases = [
      { asserts: '  divergence: { max: 0.5 }', samples: 10 },
      { asserts: '  divergence: { min: 0.5 }', samples: 10 },
      { asserts: '  vaar: { min: 0.5 }', samples: 1 },
    ];
    const statuses: string[] = [];
    for (const c of cases) {
      fs.writeFileSync(file, withAsserts(c.asserts, c.samples));
      const r = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--format', 'json']);
      const report = JSON.parse(r.stdout).report;
      const [a] = report.scenarios[0].asserts;
      statuses.push(a.status);
      assert.equal(r.code, a.status === 'pass' ? 0 : 1, `${c.asserts}: ${a.message}`);
      assert.equal(report.summary.ok, a.status === 'pass');
      // The same verdict as dilemma analyze of the same log.
      assert.equal(analyzeOut(logOf(JSON.parse(r.stdout)), 'json').status, r.code);
    }
    assert.deepEqual(statuses, ['pass', 'fail', 'error'], 'the aligned respondent never diverges, and one sample per variant is too few for a path model');
    fs.writeFileSync(file, withAsserts('  divergence: { min: 0.5 }', 10));
    const text = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /FAIL cli-demo\.dilemma\.yaml:\d+:\d+ divergence 0 over n = \d+, expected min 0\.50*: fails/);
  });

  it('with failing asserts, a budget stop keeps exit 1, an unreachable model 3 and a scenario error 2, and nothing is analysed', async () => {
    fs.writeFileSync(file, withAsserts('  divergence: { min: 0.5 }'));
    const budget = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--max-calls', '8', '--no-cache', '--concurrency', '1']);
    assert.equal(budget.code, 1, budget.stderr);
    assert.match(budget.stdout, /stopped: .*--max-calls 8/);
    assert.ok(!budget.stdout.includes('Analysis:'), 'a stopped run is not analysed');
    const budgetJson = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--max-calls', '8', '--no-cache', '--format', 'json']);
    assert.equal(budgetJson.code, 1);
    assert.equal(JSON.parse(budgetJson.stdout).report, undefined);
    const junit = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--max-calls', '8', '--no-cache', '--format', 'junit']);
    assert.equal(junit.code, 1);
    assert.equal(junit.stdout, '', 'no report of a partial run');
    const dead = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--base-url', 'http://127.0.0.1:9/v1', '--no-cache']);
    assert.equal(dead.code, 3, dead.stderr);
    assert.ok(!dead.stdout.includes('Analysis:'));
    fs.writeFileSync(path.join(dir, 'broken.dilemma.yaml'), withAsserts('  divergence: { min: 0.5 }').replace('prosocial: share }', 'prosocial: shre }'));
    const broken = await run(['broken.dilemma.yaml', 'cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned']);
    assert.equal(broken.code, 2, broken.stderr);
  });

  it('--timeout 200 fails a hanging endpoint fast, per attempt', async () => {
    server.setFaults({ rateHang: 1 });
    const t0 = Date.now();
    const r = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--timeout', '200', '--no-cache', '--concurrency', '1', '--max-calls', '3'], { DILEMMA_MAX_RETRIES: '2' });
    const took = Date.now() - t0;
    // Three attempts that each hang: about 3 x 200 ms, where the default would wait 3 x 60 s.
    assert.equal(server.requests.length, 3, r.stderr);
    assert.ok(took < bound(15_000), `took ${took} ms`);
    assert.notEqual(r.code, 0);
  });

  it('--deadline 1s ends a slow run in about that time, reports the unfinished sessions, and a rerun resumes to completion', async () => {
    server.setFaults({ latencyMs: 150 });
    const t0 = Date.now();
    const r = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--deadline', '1s', '--no-cache', '--concurrency', '1']);
    const took = Date.now() - t0;
    assert.equal(r.code, 124, r.stderr);
    const m = /stopped: the deadline passed with (\d+) of 20 sessions unfinished; resume with --resume (\S+)/.exec(r.stdout);
    assert.ok(m, r.stdout);
    // 20 sessions x 4 calls x 150 ms need 12 s; the deadline stops it after 1 s (plus start-up).
    assert.ok(took < bound(8_000), `took ${took} ms`);
    const unfinished = Number(m[1]);
    assert.ok(unfinished > 0 && unfinished < 20);
    const logged = (await readRunLog(logFiles()[0]!)).sessions.length;
    assert.equal(logged, 20 - unfinished, 'the sessions that ended are in the log');
    server.setFaults({});
    const again = await run(['cli-demo.dilemma.yaml', '--resume', m[2]!, '--no-cache']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((await readRunLog(logFiles()[0]!)).sessions.map((s) => s.key).sort(), allKeys());
  });

  it('--max-calls stops the run (exit 1) and --resume finishes it', async () => {
    const r = await run(['cli-demo.dilemma.yaml', '--model', 'lab/sim-aligned', '--max-calls', '12', '--no-cache', '--concurrency', '1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /--max-calls 12.*resume with --resume (\S+)/);
    assert.equal(server.requests.length, 12);
    const runId = path.basename(logFiles()[0]!, '.jsonl');
    const again = await run(['cli-demo.dilemma.yaml', '--resume', runId, '--no-cache']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((await readRunLog(logFiles()[0]!)).sessions.map((s) => s.key).sort(), allKeys());
  });
});

/** A 16 KB file whose 2,000 items and 2,000 personas alias one YAML node each: 10,000 sessions of 2,002 calls. */
export function aliasedScenario(n = 2000): string {
  const items = ['&it I care about privacy.', ...Array<string>(n - 1).fill('*it')].join(', ');
  const personas = ['&p { name: Ana }', ...Array<string>(n - 1).fill('*p')].join(', ');
  return `dilemma: aliased
persona: You are {{name}}.
personas: [${personas}]
values:
  privacy:
    scale: { min: 1, max: 7 }
    items: [${items}]
  prosocial:
    scale: { min: 1, max: 5 }
    items: [I help others.]
action:
  prompt: Send your records?
  choices: { share: Send them, decline: Keep them }
  expect: { privacy: decline, prosocial: share }
run:
  samples: 5
`;
}

describe('cli: plans that cannot fit (spawned, 256 MB heap)', function () {
  this.timeout(120_000);
  let dir: string;
  const cli = repoPath('dist', 'cli.js');
  before(() => {
    if (!fs.existsSync(cli)) assert.equal(spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' }).status, 0);
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-plan-'));
    // Nothing listens on the discard port: no call must be needed to refuse.
    fs.writeFileSync(path.join(dir, 'providers.json'), JSON.stringify({ providers: { lab: { baseUrl: 'http://127.0.0.1:9/v1' } } }));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The CLI with a 256 MB heap: building a plan of millions of sessions would die (exit 134), counting it does not. */
  const small = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--max-old-space-size=256', cli, 'run', ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, DILEMMA_CONFIG: path.join(dir, 'providers.json'), ...env }, timeout: 110_000 });

  it('refuses run.samples: 100000000 at once, the estimate printed first, nothing written', () => {
    fs.writeFileSync(path.join(dir, 'big.dilemma.yaml'), TEXT.replace('samples: 10', 'samples: 100000000'));
    const r = small(['big.dilemma.yaml', '--model', 'lab/m']);
    assert.equal(r.status, 2, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
    // 2 variants x 1e8 samples, 3 items + the action per session.
    assert.match(r.stdout, /200000000 sessions = 1 model\(s\) x 2 variant\(s\) x 1 persona\(s\) x 100000000 sample\(s\)/);
    assert.match(r.stdout, /\n {2}800000000 calls, about \d+k prompt/);
    assert.match(r.stderr, /refused: the plan makes 800,000,000 calls, above the limit of 1,000,000\. Pass --yes .* --max-calls N .* --plan-limit/);
    assert.ok(!fs.existsSync(path.join(dir, '.dilemma', 'runs')), 'no run log for a refused plan');
  });

  it('refuses the aliased 2,000 x 2,000 file from counts', () => {
    fs.writeFileSync(path.join(dir, 'aliased.dilemma.yaml'), aliasedScenario());
    const r = small(['aliased.dilemma.yaml', '--model', 'lab/m']);
    assert.equal(r.status, 2, `exit ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
    // 2,000 personas x 5 samples; 2,000 + 1 items and the action per session.
    assert.match(r.stdout, /10000 sessions = 1 model\(s\) x 1 variant\(s\) x 2000 persona\(s\) x 5 sample\(s\)/);
    assert.match(r.stdout, /\n {2}20020000 calls/);
    assert.match(r.stderr, /refused: the plan makes 20,020,000 calls, above the limit of 1,000,000/);
  });

  it('--plan-limit and $DILEMMA_PLAN_LIMIT move the limit; --yes and --max-calls pass it', () => {
    fs.writeFileSync(path.join(dir, 'cli-demo.dilemma.yaml'), TEXT);
    const args = ['cli-demo.dilemma.yaml', '--model', 'lab/m', '--no-cache'];
    // 2 variants x 10 samples x 4 calls = 80.
    assert.match(small([...args, '--plan-limit', '79']).stderr, /refused: the plan makes 80 calls, above the limit of 79\./);
    assert.match(small(args, { DILEMMA_PLAN_LIMIT: '79' }).stderr, /above the limit of 79\./);
    // Past the limit, the run calls the absent model: unreachable (3), or the one-call budget spent first (1).
    for (const [pass, code] of [[['--plan-limit', '80'], 3], [['--plan-limit', '79', '--yes'], 3], [['--plan-limit', '79', '--max-calls', '1'], 1]] as const) {
      const r = small([...args, ...pass]);
      assert.doesNotMatch(r.stderr, /refused/, pass.join(' '));
      assert.equal(r.status, code, `${pass.join(' ')}: ${r.stderr}`);
    }
  });
});

describe('cli: run arguments and progress (in process)', () => {
  it('parses --deadline durations and refuses bad ones', async () => {
    const { parseDuration } = await import('../../../src/cli/runCommand');
    assert.equal(parseDuration('1s'), 1000);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('250'), 250);
    assert.equal(parseDuration('250ms'), 250);
    for (const bad of ['', '0', '1d', '-1s', 's']) assert.throws(() => parseDuration(bad), /--deadline needs a duration/);
  });

  it('parses every flag, repeated models included', async () => {
    const { parseRunArgs } = await import('../../../src/cli/runCommand');
    const a = parseRunArgs(['a.dilemma.yaml', 'b.dilemma.yaml', '--model', 'openai/x', '--model=ollama/y', '--base-url', 'http://h/v1', '--samples', '3', '--concurrency', '16', '--variant', 'pharma', '--format', 'json', '--out', 'o', '--no-cache', '--resume', '20261127-000000-abcdef', '--max-calls', '0']);
    assert.deepEqual(a, { files: ['a.dilemma.yaml', 'b.dilemma.yaml'], models: ['openai/x', 'ollama/y'], baseUrl: 'http://h/v1', samples: 3, concurrency: 16, variant: 'pharma', format: 'json', out: 'o', cache: false, guard: false, fresh: false, resume: '20261127-000000-abcdef', maxCalls: 0, help: false, yes: false });
    assert.throws(() => parseRunArgs(['--samples', '0']), /--samples needs a positive integer, got "0"/);
    assert.throws(() => parseRunArgs(['--resume', '../etc']), /--resume needs a run id/);
    assert.throws(() => parseRunArgs(['--format', 'xml']), /--format must be one of text, json, markdown, junit/);
    assert.equal(parseRunArgs(['--format', 'markdown']).format, 'markdown');
    assert.equal(parseRunArgs(['--format=junit']).format, 'junit');
    assert.throws(() => parseRunArgs(['--concurency', '2']), /unknown flag --concurency.*did you mean --concurrency/);
  });

  it('draws a bar on a TTY and plain lines, one per tenth, otherwise', async () => {
    const { createProgress } = await import('../../../src/cli/progress');
    const tty: string[] = [];
    let t = 0;
    const bar = createProgress({ write: (s: string) => tty.push(s), isTTY: true, columns: 100 }, 'demo', () => (t += 50));
    for (let done = 0; done <= 20; done++) bar.update({ total: 20, done, complete: done, failed: 0, calls: done * 4, cachedCalls: 0 });
    bar.finish();
    assert.ok(tty.length < 21, 'redraws are throttled');
    assert.ok(tty.every((s) => s.startsWith('\r\x1b[2K')));
    assert.match(tty.at(-1)!, /demo \[#+\] 20\/20 sessions, 80 calls\n$/);
    assert.match(tty[0]!, /demo \[\.+\] 0\/20 sessions/);
    const plain: string[] = [];
    const lines = createProgress({ write: (s: string) => plain.push(s) }, 'demo');
    for (let done = 0; done <= 100; done++) lines.update({ total: 100, done, complete: done, failed: done > 50 ? 1 : 0, calls: done, cachedCalls: 0 });
    lines.finish();
    assert.equal(plain.length, 11);
    assert.equal(plain.at(-1), 'demo: 100/100 sessions, 1 failed, 100 calls\n');
    assert.ok(plain.every((s) => !s.includes('\x1b')));
  });
});
