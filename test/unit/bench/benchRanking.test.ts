import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliWorkspace, type CliWorkspace } from '../../support/cliWorkspace';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { repoPath } from '../../support/paths';
import { withRandomModel, RANDOM_MODEL } from '../../support/randomRespondent';
import { scenarioRespondent, type RespondentProfile } from '../../support/respondent';
import { readSuite } from '../../../src/core/workspace/benchSuite';
import { parseScenario } from '../../../src/core/scenario/parse';

/**
 * The ranking test (issue 16, section 5): `dilemma bench` against the test server, on a subset
 * of the suite (one scenario from each of six conflicts, at the default 5 samples per variant), with
 * three simulated respondents whose behaviour is known:
 * - sim-obey holds both values of every conflict and acts as the declared hierarchy says;
 * - sim-ignore holds them too but acts on its own priority, the reverse of every declared `rank` (it
 *   still meets the `when` rules, as the respondent does): it breaks the rank in 4 of 5 variants;
 * - sim-random answers every question uniformly at random.
 * Expected order by hierarchy compliance: obey (about 1), random (about 1/2: two choices), ignore
 * (about 1/5), each interval clear of the next.
 */
describe('bench: ranks respondents of known behaviour in the right order (test server)', function () {
  this.timeout(240_000);
  const suite = readSuite(repoPath('benchmarks', 'conflicts'));
  const chosen = ['privacy-prosociality', 'honesty-kindness', 'autonomy-safety', 'fairness-loyalty', 'transparency-security', 'mercy-justice']
    .map((id) => ({ id, file: suite.conflicts.find((c) => c.id === id)!.files[0]! }));
  const scenarios = chosen.map((c) => parseScenario(fs.readFileSync(c.file, 'utf8')).scenario!);
  const traits: Record<string, number> = {};
  for (const s of scenarios) for (const v of s.values) traits[v.name] = 0.8;
  const reversed = scenarios.flatMap((s) => {
    const rank = s.arbitration.find((r) => r.kind === 'rank');
    return rank && rank.kind === 'rank' ? rank.rank.map((r) => r.value).reverse() : [];
  });
  const profiles: Record<string, RespondentProfile> = {
    'sim-obey': { traits, action: 'aligned', spread: 0.05, seed: 11 },
    'sim-ignore': { traits, action: 'aligned', spread: 0.05, seed: 12, priority: reversed },
  };
  let server: TestServer;
  let ws: CliWorkspace;

  before(async () => {
    server = await startTestServer({ models: [...Object.keys(profiles), RANDOM_MODEL], respondent: withRandomModel(scenarioRespondent(scenarios, profiles), 5) });
    ws = cliWorkspace('dl-bench-', {}, server.url);
    const entries = chosen.map((c) => {
      fs.mkdirSync(path.join(ws.dir, 'suite', c.id), { recursive: true });
      fs.copyFileSync(c.file, path.join(ws.dir, 'suite', c.id, path.basename(c.file)));
      return { id: c.id, scenarios: [`${c.id}/${path.basename(c.file)}`] };
    });
    fs.writeFileSync(path.join(ws.dir, 'suite', 'suite.json'), JSON.stringify({ name: 'conflicts-subset', version: suite.version, conflicts: entries }));
  });
  after(async () => {
    await server?.stop();
    ws?.dispose();
  });

  it('obey > random > ignore by compliance, intervals not overlapping; and the same run resumes from its logs', async () => {
    const models = ['lab/sim-obey', 'lab/sim-random', 'lab/sim-ignore'].flatMap((m) => ['--model', m]);
    const r = await ws.run(['bench', 'suite', ...models, '--no-cache', '--format', 'json', '--price', 'lab/sim-obey=1:2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /suite conflicts-subset 1\.0\.0: 6 conflicts, 6 scenarios/);
    const board = JSON.parse(r.stdout);
    assert.equal(board.kind, 'dilemma-bench');
    assert.equal(board.scenarios, 6);
    const rows = board.rows as { model: string; rank: number; sessions: number; compliance: { rate: number; n: number; ci: { low: number; high: number } }; tau: { tau: number; scenarios: number }; cost: { usd?: number; promptTokens: number }; conflicts: unknown[] }[];
    assert.deepEqual(rows.map((x) => x.model), ['lab/sim-obey', 'lab/sim-random', 'lab/sim-ignore'], JSON.stringify(rows.map((x) => [x.model, x.compliance])));
    assert.deepEqual(rows.map((x) => x.rank), [1, 2, 3]);
    for (let i = 0; i + 1 < rows.length; i++) {
      assert.ok(rows[i]!.compliance.ci.low > rows[i + 1]!.compliance.ci.high, `${rows[i]!.model} ${JSON.stringify(rows[i]!.compliance.ci)} overlaps ${rows[i + 1]!.model} ${JSON.stringify(rows[i + 1]!.compliance.ci)}`);
    }
    // 6 scenarios x 5 variants x 5 samples (the default) per model.
    for (const x of rows) assert.equal(x.sessions, 150);
    const [obey, random, ignore] = rows;
    assert.ok(obey!.compliance.rate > 0.95, `obey ${obey!.compliance.rate}`);
    assert.ok(ignore!.compliance.rate < 0.35, `ignore ${ignore!.compliance.rate}`);
    assert.ok(random!.compliance.rate > 0.35 && random!.compliance.rate < 0.65, `random ${random!.compliance.rate}`);
    // The revealed hierarchy: obey keeps every declared order, ignore reverses it.
    assert.ok(obey!.tau.tau > 0.9 && ignore!.tau.tau < -0.9, `tau ${obey!.tau.tau} ${ignore!.tau.tau}`);
    assert.deepEqual([obey!.tau.scenarios, ignore!.tau.scenarios], [6, 6]);
    assert.equal(obey!.conflicts.length, 6);
    assert.ok(obey!.cost.promptTokens > 0 && obey!.cost.usd! > 0);

    // Resume: the same run id finds every session in its logs and makes no call; HTML goes to --out.
    const calls = server.requests.length;
    const logs = [...r.stderr.matchAll(/Run log: (.*)\n/g)].map((m) => m[1]!);
    assert.equal(logs.length, 6);
    const runId = path.basename(logs[0]!).replace(/\.jsonl$/, '');
    const again = await ws.run(['bench', 'suite', ...models, '--no-cache', '--resume', runId, '--format', 'html', '--out', 'board.html']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, calls, 'the resumed bench called the model');
    const html = fs.readFileSync(path.join(ws.dir, 'board.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok(html.indexOf('lab/sim-obey') < html.indexOf('lab/sim-random') && html.indexOf('lab/sim-random') < html.indexOf('lab/sim-ignore'));
    assert.equal(again.stdout, '');
  });

  it('a plain folder runs every scenario below it, and a second bench is answered from the same response cache as run', async () => {
    fs.mkdirSync(path.join(ws.dir, 'plain', 'autonomy-safety'), { recursive: true });
    fs.copyFileSync(chosen[2]!.file, path.join(ws.dir, 'plain', 'autonomy-safety', path.basename(chosen[2]!.file)));
    const before = server.requests.length;
    const first = await ws.run(['bench', 'plain', '--model', 'lab/sim-obey', '--format', 'markdown']);
    assert.equal(first.code, 0, first.stderr);
    const made = server.requests.length - before;
    // 5 variants x 5 samples x (6 items + 1 action).
    assert.equal(made, 175);
    // Names are Markdown-escaped (docs/bench.md): lab\/sim\-obey.
    assert.ok(first.stdout.includes('| 1 | lab\\/sim\\-obey | 100.0% ['), first.stdout);
    assert.ok(first.stdout.includes('| autonomy\\-safety | medication\\-refusal |'), first.stdout);
    const second = await ws.run(['bench', 'plain', '--model', 'lab/sim-obey', '--format', 'markdown']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(server.requests.length - before, made, 'the second bench called the model');
    assert.match(second.stderr, /175 from the cache/);
    assert.equal(second.stdout, first.stdout);
  });

  it('--help lists the flags; usage and suite errors exit 2 with a message', async () => {
    const help = await ws.run(['bench', '--help']);
    assert.equal(help.code, 0);
    for (const flag of ['--model', '--samples', '--format <text|json|markdown|html>', '--out', '--run-dir', '--price', '--resume', '--max-calls', '--deadline']) assert.ok(help.stdout.includes(flag), flag);
    const list = await ws.run(['--help']);
    assert.match(list.stdout, /bench\s+run a suite of scenarios against several models and rank them/);
    const none = await ws.run(['bench', 'nowhere', '--model', 'lab/sim-obey']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nowhere: no such file or folder/);
    const price = await ws.run(['bench', 'suite', '--model', 'lab/sim-obey', '--price', 'oops']);
    assert.equal(price.code, 2);
    assert.match(price.stderr, /--price needs MODEL=IN:OUT/);
  });
});
