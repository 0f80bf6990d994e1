import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveModel } from '../../../src/core/models/providers';
import type { ChatModel } from '../../../src/core/models/chatModel';
import { runScenario, type RunScenarioOptions } from '../../../src/core/run/engine';
import { RUN_LOG_VERSION, sessionKey, type RunHeader, type SessionRecord } from '../../../src/core/run/record';
import { readRunLog, RunLogWriter } from '../../../src/core/run/runLog';
import { createScheduler } from '../../../src/core/run/scheduler';
import { parseScenario } from '../../../src/core/scenario/parse';
import type { Scenario } from '../../../src/core/scenario/model';
import { defaultCacheDir, defaultRunDir, runLogPath, workspaceOfLog, workspaceRoot } from '../../../src/core/workspace/layout';
import { buildResultSet } from '../../../src/core/workspace/resultSet';
import { RunStore, statusText, type RunInfo } from '../../../src/core/workspace/runStore';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { scenarioRespondent } from '../../support/respondent';

const TEXT = `dilemma: store-demo
vars: { recipient: a research registry }
persona: You are {{name}}, answering a survey.
personas:
  - { name: Ana }
  - { name: Ben }
values:
  privacy:
    scale: { min: 1, max: 7, low: Strongly disagree, high: Strongly agree }
    items:
      - It bothers me when organisations ask for personal data.
variants:
  - name: baseline
  - name: pharma
    vars: { recipient: a drug company }
run:
  samples: 3
`;
// Planned sessions of a full run on two models: 2 models x 2 variants x 2 personas x 3 samples.
const FULL = 24;

describe('workspace layout', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-layout-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('puts runs and the cache under <root>/.dilemma of the nearest folder with package.json', () => {
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    fs.mkdirSync(path.join(dir, 'scenarios', 'deep'), { recursive: true });
    const file = path.join(dir, 'scenarios', 'deep', 'a.dilemma.yaml');
    assert.equal(workspaceRoot(file), dir);
    assert.equal(defaultRunDir(file), path.join(dir, '.dilemma', 'runs'));
    assert.equal(defaultCacheDir(file), path.join(dir, '.dilemma', 'cache'));
    const log = runLogPath(defaultRunDir(file), 'demo', 'r1');
    assert.equal(log, path.join(dir, '.dilemma', 'runs', 'demo', 'r1.jsonl'));
    assert.equal(workspaceOfLog(log), dir);
    assert.equal(workspaceOfLog(path.join(dir, 'elsewhere', 'r1.jsonl')), undefined);
  });
});

describe('RunStore: runs made by the engine against the test server', function () {
  this.timeout(120_000);
  let server: TestServer;
  let deadUrl: string;
  let dir: string;
  let file: string;
  let scenario: Scenario;

  before(async () => {
    const p = parseScenario(TEXT);
    assert.ok(p.scenario);
    scenario = p.scenario;
    const profiles = { 'sim-aligned': { traits: { privacy: 0.85 }, action: 'aligned' as const, seed: 1 }, 'sim-contrary': { traits: { privacy: 0.85 }, action: 'contrary' as const, seed: 2 } };
    server = await startTestServer({ respondent: scenarioRespondent([scenario], profiles) });
    // A server that was there and is gone: its port refuses connections, as a stopped local server does.
    const dead = await startTestServer();
    deadUrl = dead.url;
    await dead.stop();
  });
  after(async () => server.stop());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-store-'));
    file = path.join(dir, 'store-demo.dilemma.yaml');
    fs.writeFileSync(file, TEXT);
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const models = (url = server.url): ChatModel[] => ['sim/sim-aligned', 'sim/sim-contrary'].map((id) => resolveModel(id, { baseUrl: url, env: {} }));
  const scheduler = () => createScheduler({ concurrency: 8, maxRetries: 1, baseDelayMs: 5, maxDelayMs: 20, requestTimeoutMs: 5000, maxRetryAfterMs: 20 });
  // Each run starts a minute after the one before, so "newest" does not depend on the clock's resolution.
  const at = (minute: number) => () => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const run = (minute: number, o: Partial<RunScenarioOptions> = {}) =>
    runScenario({ scenario, file, text: TEXT, models: models(), scheduler: scheduler(), runDir: defaultRunDir(file), concurrency: 1, preflightCache: false, now: at(minute), ...o });

  it('lists each run with its models, start time, status and counts, newest first, from what the log records', async () => {
    const full = await run(1);
    const variant = await run(2, { variant: 'pharma', models: models().slice(0, 1) });
    const abort = new AbortController();
    let seen = 0;
    const cancelled = await run(3, { signal: abort.signal, onSession: () => { if (++seen === 5) abort.abort(); } });
    const failed = await run(4, { models: models(deadUrl) });
    assert.equal(failed.stopped, 'unreachable');

    // The log says how each run ended: the end record is the last line.
    assert.equal((await readRunLog(full.logPath)).end?.outcome, 'done');
    assert.equal((await readRunLog(cancelled.logPath)).end?.outcome, 'cancelled');
    assert.equal((await readRunLog(failed.logPath)).end?.stopped, 'unreachable');

    const store = new RunStore(defaultRunDir(file));
    const list = await store.list('store-demo');
    assert.deepEqual(list.map((r) => r.runId), [failed.runId, cancelled.runId, variant.runId, full.runId]);
    const [f, c, v, a] = list as [RunInfo, RunInfo, RunInfo, RunInfo];
    assert.deepEqual([a.status, a.done, a.planned, a.complete], ['complete', FULL, FULL, FULL]);
    assert.deepEqual(a.models, ['sim/sim-aligned', 'sim/sim-contrary']);
    assert.equal(a.startedAt, '2026-01-01T00:01:00.000Z');
    // The variant run planned one model x one variant x 2 personas x 3 samples.
    assert.deepEqual([v.status, v.done, v.planned, v.models, v.variants], ['complete', 6, 6, ['sim/sim-aligned'], ['pharma']]);
    // Sessions in flight when the abort came still end and are kept: at least the 5 seen, fewer than planned.
    assert.equal(c.status, 'cancelled');
    assert.equal(c.done, cancelled.complete);
    assert.ok(c.done >= 5 && c.done < FULL, `${c.done} sessions`);
    assert.equal(statusText(c), `cancelled, partial ${c.done}/${FULL}`);
    assert.deepEqual([f.status, f.done], ['failed', 0]);
    assert.match(statusText(f), /^failed, zero sessions: sim\/sim-(aligned|contrary) could not be reached \(network\)/);

    // A killed run has no end record: partial, not cancelled; a log with only its header: zero sessions.
    const killed = (await readRunLog(cancelled.logPath));
    const copy = runLogPath(defaultRunDir(file), 'store-demo', 'killed');
    const w = await RunLogWriter.create(copy, { ...killed.header, runId: 'killed', startedAt: '2026-01-01T00:05:00.000Z' });
    for (const s of killed.sessions.slice(0, 3)) await w.append(s);
    await w.close();
    await (await RunLogWriter.create(runLogPath(defaultRunDir(file), 'store-demo', 'empty'), { ...killed.header, runId: 'empty', startedAt: '2026-01-01T00:06:00.000Z' })).close();
    fs.writeFileSync(runLogPath(defaultRunDir(file), 'store-demo', 'broken'), 'not json\n');
    const again = await store.list('store-demo');
    assert.deepEqual(again.slice(0, 2).map((r) => [r.runId, r.status, statusText(r)]), [['empty', 'empty', 'zero sessions'], ['killed', 'partial', `partial 3/${FULL}`]]);
    const broken = again.find((r) => r.runId === 'broken');
    assert.equal(broken?.status, 'unreadable');
    assert.match(broken?.reason ?? '', /broken\.jsonl:1: not a JSON line/);
  });

  it('a resumed run that finished is complete: sessions after an end record continue the run', async () => {
    const abort = new AbortController();
    let seen = 0;
    const first = await run(1, { signal: abort.signal, onSession: () => { if (++seen === 3) abort.abort(); } });
    assert.equal((await new RunStore(defaultRunDir(file)).list('store-demo'))[0]?.status, 'cancelled');
    await run(2, { resume: first.runId });
    const [info] = await new RunStore(defaultRunDir(file)).list('store-demo');
    assert.deepEqual([info?.status, info?.done], ['complete', FULL]);
  });

  it('the result set keeps the good run when a failed run follows, and merges a variant run with the other variants', async () => {
    const full = await run(1);
    const variant = await run(2, { variant: 'pharma', models: models().slice(0, 1) });
    const failed = await run(3, { models: models(deadUrl) });
    const store = new RunStore(defaultRunDir(file));
    const set = buildResultSet(await store.load('store-demo'), ['baseline', 'pharma']);
    const from = Object.fromEntries(set.cells.map((c) => [`${c.model} ${c.variant}`, c.run.runId]));
    assert.deepEqual(from, {
      'sim/sim-aligned baseline': full.runId,
      'sim/sim-aligned pharma': variant.runId,
      'sim/sim-contrary baseline': full.runId,
      'sim/sim-contrary pharma': full.runId,
    });
    assert.equal(set.latest?.runId, full.runId, 'the latest full run: the variant run planned one variant only');
    assert.deepEqual(set.skipped.map((r) => r.runId), [failed.runId]);
    // The logs hand analyzeRun each run's sessions of its own cells only: 18 of the full run, 6 of the variant run.
    assert.deepEqual(set.logs.map((l) => [l.header.runId, l.sessions.length]), [[full.runId, 18], [variant.runId, 6]]);
  });
});

describe('buildResultSet: labels and coverage', () => {
  const header = (runId: string, minute: number, variants: string[], models: string[]): RunHeader => ({ v: RUN_LOG_VERSION, kind: 'run', runId, scenario: 'demo', file: 'demo.dilemma.yaml', scenarioHash: 'h', models, variants, personas: 1, samples: 2, startedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString() });
  const session = (runId: string, model: string, variant: string, sample: number, status: 'complete' | 'failed' = 'complete'): SessionRecord => ({ v: RUN_LOG_VERSION, kind: 'session', runId, scenario: 'demo', key: sessionKey(model, variant, 0, sample), model, variant, persona: 0, sample, status, items: [], latencyMs: 1, usage: { promptTokens: 0, completionTokens: 0 }, startedAt: 'x', finishedAt: 'y' });
  const loaded = (h: RunHeader, sessions: SessionRecord[], end?: 'done' | 'cancelled') => {
    const ses = sessions;
    // runInfo is exercised through the store above; here the status only needs to be consistent.
    return { header: h, sessions: ses, info: { runId: h.runId, file: `${h.runId}.jsonl`, scenario: 'demo', scenarioHash: 'h', models: h.models, variants: h.variants, startedAt: h.startedAt, status: end === 'cancelled' ? 'cancelled' as const : 'complete' as const, planned: h.models.length * h.variants.length * 2, done: ses.length, complete: ses.filter((s) => s.status === 'complete').length, failed: 0 } };
  };

  it('a cell whose newest sessions all failed keeps the older answered ones', async () => {
    const { cellLabel } = await import('../../../src/core/workspace/resultSet');
    const good = loaded(header('good', 1, ['a'], ['m/x']), [session('good', 'm/x', 'a', 0), session('good', 'm/x', 'a', 1)]);
    const bad = loaded(header('bad', 2, ['a'], ['m/x']), [session('bad', 'm/x', 'a', 0, 'failed'), session('bad', 'm/x', 'a', 1, 'failed')]);
    const set = buildResultSet([good, bad], ['a']);
    assert.deepEqual(set.cells.map((c) => c.run.runId), ['good']);
    assert.deepEqual(set.skipped.map((r) => r.runId), ['bad']);
    assert.equal(cellLabel(set.cells[0]!), undefined, 'the latest run with results, whole: no label');
  });

  it('labels a partial cell and a cell from an older run with its model and time; asserts of an incomplete model are not measured', async () => {
    const { cellLabel, setLabel, withCoverage, incompleteReason } = await import('../../../src/core/workspace/resultSet');
    const old = loaded(header('old', 1, ['a', 'b'], ['m/x']), [0, 1].flatMap((i) => [session('old', 'm/x', 'a', i), session('old', 'm/x', 'b', i)]));
    const cut = loaded(header('cut', 2, ['a', 'b'], ['m/x']), [session('cut', 'm/x', 'a', 0)], 'cancelled');
    const set = buildResultSet([old, cut], ['a', 'b']);
    const a = set.cells.find((c) => c.variant === 'a')!;
    const b = set.cells.find((c) => c.variant === 'b')!;
    assert.equal(a.run.runId, 'cut');
    assert.equal(cellLabel(a), 'partial 1/2');
    assert.equal(b.run.runId, 'old');
    assert.equal(cellLabel(b), 'from x · 2026-01-01 00:01');
    // The cancelled run planned 2 variants x 2 samples = 4 sessions and did 1.
    assert.equal(setLabel(set), 'partial 1/4 · from 2 runs');
    assert.equal(incompleteReason(set, 'm/x', ['a', 'b']), 'partial results (a 1/2 sessions)');
    assert.equal(incompleteReason(buildResultSet([old], ['a', 'b']), 'm/x', ['a', 'b']), undefined);
    assert.equal(incompleteReason(buildResultSet([old], ['a', 'b', 'c']), 'm/x', ['a', 'b', 'c']), 'no results for variant c');
    const analysis = { asserts: [{ metric: 'divergence', model: 'm/x', max: 0.2, actual: 0, n: 3, status: 'pass', message: 'ok', range: { start: 0, end: 1 } }] } as unknown as Parameters<typeof withCoverage>[0];
    const covered = withCoverage(analysis, set, ['a', 'b']);
    assert.deepEqual([covered.asserts[0]?.status, covered.asserts[0]?.actual], ['error', null]);
    assert.equal(covered.asserts[0]?.message, 'divergence not measured for m/x: partial results (a 1/2 sessions)');
    assert.equal(analysis.asserts[0]?.status, 'pass', 'the input is not changed');
  });
});

describe('RunStore.remove: deleting a run log (the Runs view)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-remove-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('removes a run log of its folder, which is then no longer listed', async () => {
    const header: RunHeader = { v: RUN_LOG_VERSION, kind: 'run', runId: 'r1', scenario: 'demo', file: 'demo.dilemma.yaml', scenarioHash: 'h', models: ['sim/m'], variants: ['baseline'], personas: 0, samples: 1, startedAt: '2026-12-01T00:00:00.000Z' };
    const file = runLogPath(dir, 'demo', 'r1');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(header)}\n`);
    const store = new RunStore(dir);
    assert.deepEqual((await store.list('demo')).map((r) => r.runId), ['r1']);
    await store.remove(file);
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(await store.list('demo'), []);
  });

  it('refuses a file outside its folder or one that is not a run log', async () => {
    const store = new RunStore(path.join(dir, 'runs'));
    const outside = path.join(dir, 'other.jsonl');
    fs.writeFileSync(outside, '{}\n');
    await assert.rejects(store.remove(outside), /is not a run log under/);
    await assert.rejects(store.remove(path.join(dir, 'runs', 'demo', 'notes.txt')), /is not a run log under/);
    await assert.rejects(store.remove(path.join(dir, 'runs', '..', 'other.jsonl')), /is not a run log under/);
    assert.equal(fs.existsSync(outside), true);
  });
});
