import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { cliWorkspace, type CliWorkspace } from '../../support/cliWorkspace';
import { startTestServer, type TestServer } from '../../support/openaiServer';
import { repoPath } from '../../support/paths';
import { scenarioRespondent, type RespondentProfile } from '../../support/respondent';
import { parseScenario } from '../../../src/core/scenario/parse';
import { POLICY_HEADING } from '../../../src/core/scenario/renderPolicy';
import { readRunLog } from '../../../src/core/run/runLog';
import type { SessionRecord } from '../../../src/core/run/record';
import { arbitrate, loadScenario } from '../../../src/lib/arbiter';

/**
 * The guard A/B (`dilemma run --guard`, issue 13 section 3) through the real CLI against the test server,
 * with two simulated models that act at random (so they diverge from their stated values about half
 * the time): one obeys a decision policy stated in its conversation, the other ignores it. Every
 * session must get a guarded twin (same variant, persona, sample, seed and questions, the policy after
 * the persona), and the A/B must find the guard's effect on the first and none on the second.
 */
describe('cli: the guard A/B end to end', function () {
  this.timeout(240_000);
  const file = 'health-registry.dilemma.yaml';
  const text = fs.readFileSync(repoPath('examples', file), 'utf8');
  const scenario = parseScenario(text).scenario!;
  // The same file without its arbitration block: nothing for the guard to state.
  const bare = text.replace(/\narbitration:\n(?: {2}.*\n)+/, '\n');
  const common = { traits: { privacy: 0.6, prosocial: 0.6, acceptance: 0.6 }, spread: 0.2, action: 'random' as const };
  const profiles: Record<string, RespondentProfile> = {
    'sim-obey': { ...common, seed: 51, policy: 'obey' },
    'sim-ignore': { ...common, seed: 52, policy: 'ignore' },
  };
  let server: TestServer;
  let ws: CliWorkspace;

  before(async () => {
    assert.notEqual(bare, text, 'the arbitration block was cut out');
    server = await startTestServer({ models: Object.keys(profiles), respondent: scenarioRespondent([scenario], profiles) });
    ws = cliWorkspace('dl-guard-', { [file]: text, 'bare.dilemma.yaml': bare }, server.url);
  });
  after(async () => {
    await server?.stop();
    ws?.dispose();
  });

  /** Divergence and compliance of a session from its own answers, decided by the arbiter library (not the analysis). */
  const arbiter = loadScenario(text);
  function judge(s: SessionRecord): { divergent: boolean | null; ruled: boolean; complied: boolean } {
    const stated: Record<string, number> = {};
    for (const v of scenario.values) {
      const xs = s.items.filter((i) => i.value === v.name && i.status === 'ok').map((i) => {
        const reverse = v.items.find((it) => it.id === i.item)!.reverse;
        return reverse ? v.scale!.min + v.scale!.max - i.answer! : i.answer!;
      });
      if (xs.length) stated[v.name] = xs.reduce((a, b) => a + b, 0) / xs.length;
    }
    const d = arbitrate(arbiter, { variant: s.variant, persona: s.persona, stated });
    const choice = s.action?.status === 'ok' ? s.action.choice : undefined;
    const ruled = d.by === 'when' || d.by === 'rank';
    return { divergent: choice === undefined || d.decision === null ? null : choice !== d.decision, ruled: ruled && choice !== undefined, complied: choice === d.decision };
  }
  /** Two-sided exact McNemar p from the discordant counts: 2 P(X <= min(b, c)), X ~ Bin(b + c, 1/2), at most 1. */
  function mcnemar(b: number, c: number): number {
    const n = b + c;
    let tail = 0;
    let coef = 1;
    for (let k = 0; k <= Math.min(b, c); k++) {
      tail += coef;
      coef = (coef * (n - k)) / (k + 1);
    }
    return Math.min(1, (2 * tail) / 2 ** n);
  }

  it('runs a guarded twin of every session and finds the guard\'s effect only for the model that obeys it', async () => {
    server.requests.length = 0;
    const r = await ws.run(['run', file, '--guard', '--model', 'lab/sim-obey', '--model', 'lab/sim-ignore', '--no-cache', '--samples', '2', '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const out = JSON.parse(r.stdout);
    const log = await readRunLog(out.runs[0].logPath);
    assert.equal(log.header.guard, true);
    // 2 models x 5 variants x 3 personas x 2 samples, each twice.
    const perArm = 2 * 5 * 3 * 2;
    assert.equal(out.runs[0].planned, 2 * perArm);
    assert.equal(log.sessions.length, 2 * perArm);
    // The end record counts the plan and the log, both arms.
    const end = JSON.parse(fs.readFileSync(out.runs[0].logPath, 'utf8').trim().split('\n').at(-1)!);
    assert.deepEqual([end.kind, end.outcome, end.planned, end.sessions], ['end', 'done', 2 * perArm, 2 * perArm]);
    const own = log.sessions.filter((s) => !s.guard);
    const twins = new Map(log.sessions.filter((s) => s.guard).map((s) => [s.key, s] as const));
    assert.equal(own.length, perArm);
    for (const s of own) {
      const g = twins.get(`${s.key}|guard`);
      assert.ok(g, `no twin for ${s.key}`);
      assert.deepEqual([g.model, g.variant, g.persona, g.sample], [s.model, s.variant, s.persona, s.sample]);
      const sys = (x: SessionRecord) => x.transcript![0]!.content;
      // The twin's system prompt is the persona and then the policy; its questions are the same, in the same order.
      assert.ok(sys(g).startsWith(`${sys(s).trimEnd()}\n\n${POLICY_HEADING}`), sys(g));
      assert.ok(!sys(s).includes(POLICY_HEADING), 'the unguarded session states no policy');
      const questions = (x: SessionRecord) => x.transcript!.filter((m) => m.role === 'user').map((m) => m.content);
      assert.deepEqual(questions(g), questions(s));
      // The `when` rule is stated where it applies (no consent asked), with its because; the rank everywhere.
      if (s.variant === 'no-consent') assert.match(sys(g), /you must choose decline \(Keep my history private\)\. Reason: Consent always overrides aggregate benefit\./);
      else assert.doesNotMatch(sys(g), /Hard constraints/);
      assert.match(sys(g), /Priority of values when they conflict, highest first: 1\. Privacy concern/);
    }
    // Same seed on the wire: every request carries the scenario's seed (none here) the same way in both arms.
    const seeds = new Set(server.requests.map((q) => JSON.stringify((q.body as { seed?: unknown }).seed ?? null)));
    assert.equal(seeds.size, 1);

    const [analysis] = out.report.scenarios;
    assert.equal(analysis.guard.length, 2);
    const byModel = (m: string) => analysis.guard.find((g: { model: string }) => g.model === `lab/${m}`);
    for (const m of ['sim-obey', 'sim-ignore']) {
      const g = byModel(m);
      const metric = (name: string) => g.metrics.find((x: { metric: string }) => x.metric === name);
      const sessions = own.filter((s) => s.model === `lab/${m}`);
      assert.equal(g.pairs, sessions.length);
      assert.equal(g.unpaired, 0);
      // Divergence and compliance counted here from the log with the arbiter library, pair by pair.
      let n = 0, b = 0, c = 0, unDiv = 0, guDiv = 0;
      let ruledPairs = 0, unComp = 0, guComp = 0;
      for (const s of sessions) {
        const u = judge(s);
        const gj = judge(twins.get(`${s.key}|guard`)!);
        if (u.ruled && gj.ruled) {
          ruledPairs++;
          if (u.complied) unComp++;
          if (gj.complied) guComp++;
        }
        if (u.divergent === null || gj.divergent === null) continue;
        n++;
        if (u.divergent) unDiv++;
        if (gj.divergent) guDiv++;
        if (gj.divergent && !u.divergent) b++;
        if (!gj.divergent && u.divergent) c++;
      }
      const div = metric('divergence');
      assert.equal(div.pairs, n, m);
      assert.ok(Math.abs(div.unguarded - unDiv / n) < 1e-12 && Math.abs(div.guarded - guDiv / n) < 1e-12, `${m}: ${div.unguarded} ${div.guarded} vs ${unDiv / n} ${guDiv / n}`);
      assert.ok(Math.abs(div.p - mcnemar(b, c)) < 1e-12, `${m}: p ${div.p} vs ${mcnemar(b, c)} (b ${b}, c ${c})`);
      const comp = metric('compliance');
      assert.equal(comp.pairs, ruledPairs);
      assert.ok(Math.abs(comp.guarded - guComp / ruledPairs) < 1e-12 && Math.abs(comp.unguarded - unComp / ruledPairs) < 1e-12);
      // Consistency: each variant's modal action share over the pairs with an action in both arms, averaged over variants.
      const modalMean = (arm: (s: SessionRecord) => SessionRecord): number => {
        const shares = scenario.variants.map((v) => {
          const choices = sessions.filter((s) => s.variant === v.name && s.action?.status === 'ok' && twins.get(`${s.key}|guard`)!.action?.status === 'ok').map((s) => arm(s).action!.choice!);
          return Math.max(...['share', 'decline'].map((x) => choices.filter((y) => y === x).length)) / choices.length;
        });
        return shares.reduce((a, x) => a + x, 0) / shares.length;
      };
      const cons = metric('consistency');
      assert.equal(cons.test, 'paired randomisation');
      assert.ok(Math.abs(cons.unguarded - modalMean((s) => s)) < 1e-12 && Math.abs(cons.guarded - modalMean((s) => twins.get(`${s.key}|guard`)!)) < 1e-12, `${m}: consistency ${cons.unguarded} ${cons.guarded}`);
      assert.ok(cons.p > 0 && cons.p <= 1);
    }

    const obey = byModel('sim-obey');
    const compliance = obey.metrics.find((x: { metric: string }) => x.metric === 'compliance');
    assert.equal(compliance.guarded, 1, 'the obeying model follows the rule that decided in every guarded session');
    assert.ok(compliance.unguarded < 0.8, `acting at random, it complies by chance only: ${compliance.unguarded}`);
    assert.equal(obey.verdict, 'reduced');
    assert.match(obey.summary, /^External arbitration reduced value-action inconsistency \(divergence\) for lab\/sim-obey: 0\.\d\d without the guard, 0\.\d\d with it, a change of −0\.\d\d \(95% CI −0\.\d\d to −0\.\d\d; exact McNemar p (< 0\.001|0\.0\d\d); \d+ paired sessions\)\.$/);

    const ignore = byModel('sim-ignore');
    assert.equal(ignore.verdict, 'no clear change', ignore.summary);
    assert.match(ignore.summary, /^External arbitration did not clearly change value-action inconsistency \(divergence\) for lab\/sim-ignore: /);

    // The text and Markdown reports show the same table and sentence.
    const rel = out.runs[0].logPath;
    const txt = await ws.run(['analyze', rel]);
    assert.ok(txt.code === 0 || txt.code === 1, txt.stderr); // 1: an assert of the example failed
    assert.match(txt.stdout, /guard A\/B of lab\/sim-obey \(30 paired sessions\):\n\s+metric\s+without guard\s+with guard\s+difference \[95% CI\]\s+paired p\s+pairs\n\s+compliance with the deciding rule\s+0\.\d\d\s+1\.00 /);
    assert.ok(txt.stdout.includes(obey.summary) && txt.stdout.includes(ignore.summary));
    const md = await ws.run(['analyze', rel, '--format', 'markdown']);
    assert.match(md.stdout, /### Guard A\/B: the arbitration rules stated to the model as its policy\n\n#### lab\/sim-obey: guard A\/B \(30 paired sessions\)/);
    assert.match(md.stdout, /\| metric \| without guard \| with guard \| difference \[95% CI\] \| paired p \| pairs \|/);
  });

  it('keeps both arms across a stop and a resume, and refuses --guard on a file without arbitration (exit 2, file:line:col)', async () => {
    const first = await ws.run(['run', file, '--guard', '--model', 'lab/sim-obey', '--variant', 'no-consent', '--samples', '1', '--concurrency', '1', '--max-calls', '40', '--format', 'json']);
    assert.equal(first.code, 1, first.stderr);
    const stopped = JSON.parse(first.stdout).runs[0];
    assert.equal(stopped.stopped, 'budget');
    const before = (await readRunLog(stopped.logPath)).sessions.length;
    assert.ok(before > 0 && before < 6, `${before} sessions before the resume`);
    const second = await ws.run(['run', file, '--resume', stopped.runId, '--model', 'lab/sim-obey', '--format', 'json']);
    assert.ok(second.code === 0 || second.code === 1, second.stderr);
    const log = await readRunLog(stopped.logPath);
    const keys = log.sessions.map((s) => s.key).sort();
    assert.equal(new Set(keys).size, keys.length, 'no session twice');
    assert.deepEqual(keys, [0, 1, 2].flatMap((p) => [`lab/sim-obey|no-consent|${p}|0`, `lab/sim-obey|no-consent|${p}|0|guard`]).sort());
    assert.ok(log.sessions.filter((s) => s.guard).every((s) => s.key.endsWith('|guard')));
    assert.equal(JSON.parse(second.stdout).report.scenarios[0].guard[0].pairs, 3);

    const refused = await ws.run(['run', 'bare.dilemma.yaml', '--guard', '--model', 'lab/sim-obey']);
    assert.equal(refused.code, 2);
    // The scenario's id, counted here from the text: the line of `dilemma:`, after `dilemma: `.
    const idLine = bare.split('\n').findIndex((l) => l.startsWith('dilemma: ')) + 1;
    assert.equal(idLine, 9, 'eight comment lines lead the example');
    assert.match(refused.stderr, /^bare\.dilemma\.yaml:9:10: error: --guard states the scenario's `arbitration` rules to the model as its policy, and health-registry has none: add `arbitration` rules or run without --guard \[guard-without-arbitration\]\n$/);
    assert.equal(fs.existsSync(`${ws.dir}/.dilemma/runs/health-registry`) && fs.readdirSync(`${ws.dir}/.dilemma/runs/health-registry`).length, 2, 'nothing new was written');
  });
});
