import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseScenario } from '../../../src/core/scenario/parse';
import type { Scenario } from '../../../src/core/scenario/model';
import { resolveModel } from '../../../src/core/models/providers';
import type { ChatModel } from '../../../src/core/models/chatModel';
import { createScheduler, type SchedulerOptions } from '../../../src/core/run/scheduler';
import { createDiskCache } from '../../../src/core/run/cache';
import { freshDraw, runScenario, RunSetupError, type PlanEstimate, type Preflight, type RunScenarioOptions } from '../../../src/core/run/engine';
import { inShard } from '../../../src/core/run/shard';
import { readRunLog } from '../../../src/core/run/runLog';
import { planRun } from '../../../src/core/run/plan';
import type { SessionRecord } from '../../../src/core/run/record';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { scenarioRespondent } from '../../support/respondent';
import { bound } from '../../support/slowdown';

const TEXT = `dilemma: engine-demo
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
      - text: I seldom think twice before giving out personal data.
        reverse: true
  prosocial:
    scale: { min: 1, max: 5, low: Never, high: Always }
    items:
      - I help others even when it costs me something.
action:
  prompt: The hospital asks to send your records to {{recipient}}. What do you do?
  choices: { share: Let them send it, decline: Keep it private }
  expect: { privacy: decline, prosocial: share }
variants:
  - name: baseline
  - name: pharma
    vars: { recipient: a drug company }
run:
  samples: 3
  temperature: 0.7
`;
const CALLS_PER_SESSION = 4;

function parse(text: string): Scenario {
  const p = parseScenario(text);
  assert.ok(p.scenario);
  return p.scenario;
}

const PROFILES = {
  'sim-aligned': { traits: { privacy: 0.85, prosocial: 0.3 }, action: 'aligned' as const, seed: 1 },
  'sim-contrary': { traits: { privacy: 0.85, prosocial: 0.3 }, action: 'contrary' as const, seed: 2 },
};

describe('engine: against the test server over HTTP', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dir: string;
  let file: string;
  let scenario: Scenario;

  before(async () => {
    scenario = parse(TEXT);
    const pharma2 = parse(TEXT.replace('a drug company', 'an insurance company'));
    server = await startTestServer({ respondent: scenarioRespondent([scenario, pharma2], PROFILES) });
  });
  after(async () => server.stop());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-engine-'));
    file = path.join(dir, 'engine-demo.dilemma.yaml');
    fs.writeFileSync(file, TEXT);
    server.setFaults({});
    server.requests.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const models = (): ChatModel[] => ['sim/sim-aligned', 'sim/sim-contrary'].map((id) => resolveModel(id, { baseUrl: server.url, env: {} }));
  const scheduler = (o: Partial<SchedulerOptions> = {}) => createScheduler({ concurrency: 16, maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, requestTimeoutMs: 5000, maxRetryAfterMs: 20, ...o });
  const opts = (o: Partial<RunScenarioOptions> = {}): RunScenarioOptions => ({ scenario, file, text: TEXT, models: models(), scheduler: scheduler(), runDir: path.join(dir, 'runs'), concurrency: 8, ...o });
  const keysOf = (sessions: SessionRecord[]) => sessions.map((s) => s.key).sort();

  it('runs every planned session once and logs it as it ends', async () => {
    const seen: string[] = [];
    const s = await runScenario(opts({ onSession: (r) => seen.push(r.key) }));
    const plan = planRun(scenario, { models: ['sim/sim-aligned', 'sim/sim-contrary'] });
    assert.equal(s.planned, plan.total);
    assert.equal(s.complete, plan.total);
    assert.equal(s.failed + s.notRun, 0);
    assert.equal(s.stopped, undefined);
    assert.equal(server.requests.length, plan.total * CALLS_PER_SESSION);
    assert.equal(s.calls, server.requests.length);
    const log = await readRunLog(s.logPath);
    assert.equal(s.logPath, path.join(dir, 'runs', 'engine-demo', `${s.runId}.jsonl`));
    assert.deepEqual(keysOf(log.sessions), [...plan.sessions()].map((p) => p.key).sort());
    assert.deepEqual(log.sessions.map((r) => r.key), seen, 'log order is completion order');
    assert.deepEqual(log.header.models, ['sim/sim-aligned', 'sim/sim-contrary']);
    for (const r of log.sessions) {
      assert.equal(r.items.length, 3);
      assert.ok(r.items.every((i) => i.status === 'ok' && typeof i.answer === 'number'), JSON.stringify(r.items));
      assert.equal(r.action?.status, 'ok');
      assert.ok(r.usage.promptTokens > 0);
    }
    // The simulated respondents hold the same values and act on them in opposite directions.
    const share = (m: string) => log.sessions.filter((r) => r.model === m && r.action?.choice === 'share').length;
    assert.ok(share('sim/sim-contrary') > share('sim/sim-aligned'), `contrary ${share('sim/sim-contrary')} vs aligned ${share('sim/sim-aligned')}`);
    // The persona went out as the system prompt of the persona's own sessions.
    const ben = server.requests.filter((r) => r.messages[0]?.content === 'You are Ben, answering a survey.');
    assert.equal(ben.length, server.requests.length / 2);
  });

  it('replays a repeated run from the cache with zero requests, and re-runs only a changed variant', async () => {
    const cache = createDiskCache(path.join(dir, 'cache'));
    const first = await runScenario(opts({ cache }));
    const n = server.requests.length;
    assert.equal(n, first.planned * CALLS_PER_SESSION);
    server.requests.length = 0;
    let preCached: number | undefined;
    const second = await runScenario(opts({ cache, onPreflight: (p) => { preCached = p.cachedCalls; } }));
    assert.equal(server.requests.length, 0, 'no request reached the server');
    assert.equal(preCached, n, 'the preflight saw every call cached');
    assert.equal(second.calls, 0);
    assert.equal(second.cachedCalls, n);
    const [a, b] = [await readRunLog(first.logPath), await readRunLog(second.logPath)];
    const answers = (rs: SessionRecord[]) => Object.fromEntries(rs.map((r) => [r.key, [r.items.map((i) => i.raw), r.action?.raw]]));
    assert.deepEqual(answers(b.sessions), answers(a.sessions));
    assert.ok(b.sessions.every((r) => r.items.every((i) => i.cached) && r.action?.cached));

    const changed = TEXT.replace('a drug company', 'an insurance company');
    fs.writeFileSync(file, changed);
    server.requests.length = 0;
    const third = await runScenario(opts({ cache, scenario: parse(changed), text: changed }));
    // Only the pharma action prompt changed: its sessions re-ask that turn (their questionnaire turns are
    // unchanged and replay), the baseline sessions replay entirely.
    const pharmaSessions = third.planned / 2;
    assert.equal(server.requests.length, pharmaSessions, 'only the changed turn of the changed variant ran');
    assert.ok(server.requests.every((r) => r.messages[r.messages.length - 1]!.content.includes('an insurance company')));
    assert.equal(third.cachedCalls, third.planned * CALLS_PER_SESSION - pharmaSessions);
  });

  it('treats a corrupt cache entry as a miss: one request, no crash', async () => {
    const cacheDir = path.join(dir, 'cache');
    const cache = createDiskCache(cacheDir);
    await runScenario(opts({ cache }));
    const entries = fs.readdirSync(cacheDir).flatMap((d) => fs.readdirSync(path.join(cacheDir, d)).map((f) => path.join(cacheDir, d, f)));
    assert.equal(entries.length, server.requests.length);
    // The first question of a stateless-like first turn: corrupt one entry whose answer feeds no later key.
    const victim = entries.find((f) => {
      const e = JSON.parse(fs.readFileSync(f, 'utf8'));
      return /^(share|decline)$|"answer":\s*"/.test(e.text);
    });
    assert.ok(victim, 'an action answer entry');
    fs.writeFileSync(victim, '{"v":1,"text":"tru');
    server.requests.length = 0;
    const again = await runScenario(opts({ cache }));
    assert.equal(server.requests.length, 1);
    assert.equal(again.complete, again.planned);
    assert.doesNotThrow(() => JSON.parse(fs.readFileSync(victim, 'utf8')), 'the entry was rewritten whole');
  });

  it('20% injected faults over 500 sessions: each session complete or explicitly failed, none lost, none duplicated', async () => {
    const one = parse(TEXT.replace(/personas:\n(?:  - .*\n)+/, '').replace('{{name}}', 'a patient').replace(/  prosocial:[\s\S]*?action:/, 'action:')
      .replace(/      - text: I seldom[\s\S]*?reverse: true\n/, '').replace('expect: { privacy: decline, prosocial: share }', 'expect: { privacy: decline }')
      .replace('samples: 3', 'samples: 125'));
    const srv = await startTestServer({ respondent: scenarioRespondent([one], PROFILES) });
    try {
      srv.setFaults({ rate429: 0.05, retryAfterS: 0, rate500: 0.05, rateDrop: 0.04, rateMalformed: 0.04, rateHang: 0.02, seed: 7 });
      const ms = ['sim/sim-aligned', 'sim/sim-contrary'].map((id) => resolveModel(id, { baseUrl: srv.url, env: {} }));
      const s = await runScenario({ scenario: one, file, text: TEXT, models: ms, scheduler: scheduler({ concurrency: 32, maxRetries: 2, requestTimeoutMs: bound(300) }), runDir: path.join(dir, 'runs'), concurrency: 32 });
      const plan = planRun(one, { models: ms.map((m) => m.id) });
      assert.equal(plan.total, 500);
      const log = await readRunLog(s.logPath);
      assert.equal(log.sessions.length, 500, 'none lost');
      assert.deepEqual(keysOf(log.sessions), [...plan.sessions()].map((p) => p.key).sort(), 'none duplicated, none foreign');
      const failed = log.sessions.filter((r) => r.status === 'failed');
      for (const r of log.sessions) {
        if (r.status === 'complete') assert.ok(r.items.length === 1 && r.action, r.key);
        else assert.match(r.error ?? '', /^(rate-limit|server|network|malformed|timeout): /, r.key);
      }
      assert.equal(s.complete + s.failed, 500);
      assert.equal(s.failed, failed.length);
      assert.ok(srv.requests.length > 1000, `faults caused retries (${srv.requests.length} requests for 1000 calls)`);
      console.log(`      500 sessions under 20% faults: ${s.complete} complete, ${s.failed} failed after retries, ${srv.requests.length} requests, ${(s.durationMs / 1000).toFixed(1)} s`);
    } finally {
      await srv.stop();
    }
  });

  it('stops promptly on abort, keeps every ended session, and a resume runs exactly the rest', async () => {
    server.setFaults({ latencyMs: 60 });
    const controller = new AbortController();
    const ended: string[] = [];
    let abortedAt = 0;
    const s = await runScenario(opts({ concurrency: 4, signal: controller.signal, onSession: (r) => {
      ended.push(r.key);
      if (ended.length === 5) { abortedAt = Date.now(); controller.abort(); }
    } }));
    const stopMs = Date.now() - abortedAt;
    assert.equal(s.stopped, 'aborted');
    assert.ok(stopMs < bound(500), `stopped ${stopMs} ms after the abort`);
    const log = await readRunLog(s.logPath);
    assert.deepEqual(log.sessions.map((r) => r.key), ended, 'every ended session is in the log, nothing else');
    assert.ok(ended.length >= 5 && ended.length < s.planned);
    assert.equal(s.notRun, s.planned - ended.length);

    // A kill can cut the last line mid-write: the resume ignores it and cuts it off before appending.
    fs.appendFileSync(s.logPath, '{"v":1,"kind":"session","runId":"');
    const resumed: string[] = [];
    const r = await runScenario(opts({ resume: s.runId, onSession: (rec) => resumed.push(rec.key) }));
    assert.equal(r.runId, s.runId);
    assert.equal(r.alreadyDone, ended.length);
    const all = [...planRun(scenario, { models: ['sim/sim-aligned', 'sim/sim-contrary'] }).sessions()].map((p) => p.key);
    assert.deepEqual([...resumed].sort(), all.filter((k) => !ended.includes(k)).sort(), 'exactly the missing sessions');
    const after = await readRunLog(s.logPath);
    assert.equal(after.torn, false);
    assert.deepEqual(keysOf(after.sessions), [...all].sort(), 'complete, no duplicates');
  });

  it('refuses to resume with a changed scenario, an unknown run id or a corrupt log, and never overwrites a run', async () => {
    const s = await runScenario(opts({ samples: 1 }));
    await assert.rejects(runScenario(opts({ resume: s.runId, text: TEXT + '\n# edited\n' })), /changed since run/);
    await assert.rejects(runScenario(opts({ resume: 'nope-123' })), /no run nope-123/);
    await assert.rejects(runScenario(opts({ runId: s.runId })), (e: unknown) => e instanceof RunSetupError && /already exists/.test(e.message));
    fs.appendFileSync(s.logPath, 'garbage\n');
    await assert.rejects(runScenario(opts({ resume: s.runId })), (e: unknown) => e instanceof RunSetupError && e.message.includes(`${s.logPath}:`));
  });

  it('stops at the call budget without logging half sessions, and resumes to completion', async () => {
    const s = await runScenario(opts({ scheduler: scheduler({ maxCalls: 10 }), concurrency: 2 }));
    assert.equal(s.stopped, 'budget');
    assert.match(s.reason ?? '', /--max-calls 10/);
    assert.equal(server.requests.length, 10);
    const log = await readRunLog(s.logPath);
    assert.ok(log.sessions.every((r) => r.status === 'complete'));
    assert.equal(log.sessions.length, 2, 'two whole sessions fit in 10 calls at 4 calls each');
    const r = await runScenario(opts({ resume: s.runId }));
    assert.equal(r.complete, s.planned - 2);
    assert.equal((await readRunLog(s.logPath)).sessions.length, s.planned);
  });

  it('states the plan and the sessions in the log in its end record, for a stop, a resume and a shard', async () => {
    // 2 models x 2 variants x 2 personas x 3 samples = 24 sessions; 10 calls at 4 per session leave 2 whole sessions.
    const s = await runScenario(opts({ scheduler: scheduler({ maxCalls: 10 }), concurrency: 2 }));
    const stopped = await readRunLog(s.logPath);
    assert.deepEqual([stopped.end?.outcome, stopped.end?.planned, stopped.end?.sessions], ['stopped', 24, 2]);
    await runScenario(opts({ resume: s.runId }));
    const resumed = await readRunLog(s.logPath);
    assert.deepEqual([resumed.end?.outcome, resumed.end?.planned, resumed.end?.sessions], ['done', 24, 24]);
    // Shard 2 of 3 runs only its own keys, records its shard, and its end counts its part of the plan.
    const all = [...planRun(scenario, { models: ['sim/sim-aligned', 'sim/sim-contrary'] }).sessions()].map((x) => x.key);
    const mine = all.filter((k) => inShard(k, { index: 2, count: 3 }));
    assert.ok(mine.length > 0 && mine.length < all.length);
    server.requests.length = 0;
    const estimates: PlanEstimate[] = [];
    const sh = await runScenario(opts({ shard: { index: 2, count: 3 }, onEstimate: (e) => estimates.push(e) }));
    assert.equal(sh.planned, mine.length);
    assert.equal(estimates[0]?.estimate.sessions, mine.length);
    assert.equal(estimates[0]?.estimate.calls, mine.length * CALLS_PER_SESSION);
    assert.equal(server.requests.length, mine.length * CALLS_PER_SESSION);
    const log = await readRunLog(sh.logPath);
    assert.deepEqual(log.header.shard, { index: 2, count: 3 });
    assert.deepEqual(keysOf(log.sessions), [...mine].sort());
    assert.deepEqual([log.end?.planned, log.end?.sessions], [mine.length, mine.length]);
    await assert.rejects(runScenario(opts({ resume: sh.runId, shard: { index: 1, count: 3 } })), /is shard 2\/3; resume it without --shard or with --shard 2\/3/);
  });

  it('a fresh run sends its own seeds (run.seed + sample + its draw\'s offset) and keys the cache by its draw', async () => {
    const seeded = parse(TEXT.replace('  temperature: 0.7', '  temperature: 0.7\n  seed: 7'));
    const cache = createDiskCache(path.join(dir, 'cache'));
    const base = { scenario: seeded, text: TEXT + '#seeded', samples: 2, cache, models: models().slice(0, 1), variant: 'baseline' };
    await runScenario(opts(base));
    const plain = server.requests.map((r) => (r.body as { seed?: number }).seed);
    assert.deepEqual([...new Set(plain)].sort(), [7, 8], 'seed + sample');
    server.requests.length = 0;
    const pre: Preflight[] = [];
    const s = await runScenario(opts({ ...base, fresh: true, onPreflight: (p) => { pre.push(p); } }));
    assert.equal(pre[0]?.cachedCalls, 0);
    assert.equal(pre[0]?.fresh, true);
    const { seedOffset } = freshDraw(s.runId);
    assert.ok(seedOffset % 1_000_000 === 0 && seedOffset >= 1_000_000 && seedOffset <= 1_000_000_000);
    assert.deepEqual([...new Set(server.requests.map((r) => (r.body as { seed?: number }).seed))].sort(), [7 + seedOffset, 8 + seedOffset]);
    assert.equal(server.requests.length, 2 * 2 * CALLS_PER_SESSION, 'nothing read from the cache');
    assert.deepEqual((await readRunLog(s.logPath)).header.draw, { id: s.runId, seedOffset });
  });

  it('pulls sessions lazily: a plan of 4,000,000 sessions stopped after 20 calls holds no more than those in flight', async () => {
    // 2 models x 2 variants x 2 personas x 500,000 samples. Built as an array, the specs alone take
    // several hundred MB (and the pre-cache pass visits every one); pulled as the workers need them,
    // the heap holds the sessions in flight and the log's few ended ones.
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const estimates: number[] = [];
    const t0 = Date.now();
    const s = await runScenario(
      opts({
        samples: 500_000,
        scheduler: scheduler({ maxCalls: 20 }),
        concurrency: 1,
        onEstimate: (e) => estimates.push(e.estimate.sessions),
        onProgress: () => void (peak = Math.max(peak, process.memoryUsage().heapUsed)),
      }),
    );
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    assert.deepEqual(estimates, [4_000_000]);
    assert.equal(s.planned, 4_000_000);
    assert.equal(s.stopped, 'budget');
    assert.equal(s.complete, 5, '20 calls at 4 per session');
    assert.equal(s.notRun, 4_000_000 - 5);
    assert.ok(peak - base < 64 * 2 ** 20, `heap grew ${Math.round((peak - base) / 2 ** 20)} MB`);
    assert.ok(Date.now() - t0 < bound(5000), `took ${Date.now() - t0} ms`);
    const r = await runScenario(opts({ resume: s.runId, scheduler: scheduler({ maxCalls: 8 }), concurrency: 1 }));
    assert.equal(r.alreadyDone, 5, 'the resume skips the logged sessions');
    assert.equal(r.complete, 2);
    const keys = keysOf((await readRunLog(s.logPath)).sessions);
    assert.equal(new Set(keys).size, 7, 'no session twice');
  });

  it('reports a model that cannot be reached, without logging sessions', async () => {
    const dead = resolveModel('sim/sim-aligned', { baseUrl: 'http://127.0.0.1:9/v1', env: {} });
    const s = await runScenario(opts({ models: [dead] }));
    assert.equal(s.stopped, 'unreachable');
    assert.equal(s.unreachableModel, 'sim/sim-aligned');
    assert.match(s.reason ?? '', /network/);
    assert.equal((await readRunLog(s.logPath)).sessions.length, 0);
  });
});
