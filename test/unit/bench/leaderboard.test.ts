import * as assert from 'node:assert/strict';
import { analyzeRun, type ScenarioAnalysis } from '../../../src/core/analysis/analyzeRun';
import { leaderboard, rankByInterval, type BenchScenarioInput } from '../../../src/core/analysis/leaderboard';
import type { VaarValue } from '../../../src/core/analysis/vaar';
import type { SessionRecord } from '../../../src/core/run/record';
import { formatLeaderboard, leaderboardHtml, leaderboardMarkdown } from '../../../src/core/report/leaderboardReport';
import { header } from '../analysis/compareFixtures';
import { answer, rankRule, scenario, session, variant, whenRule } from '../analysis/fixtures';

// privacy (1..7, pc2 reversed) expects decline, prosocial (1..5) expects share.
// Declared: when consent is "not asked" require decline; else rank [prosocial, privacy].
const sc = scenario({
  arbitration: [whenRule({ consent: 'not asked' }, 'decline'), rankRule(['prosocial', 'privacy'])],
  variants: [variant('baseline'), variant('no-consent', { consent: 'not asked' })],
});
const EVIL = 'evil<script>alert(1)</script>|[x](http://e.invalid)';

// Both held: privacy pc1 6, pc2 2 (reversed 6) -> 5/6 > 1/2; prosocial 4, 4 -> 3/4 > 1/2.
const held = [answer('privacy', 'pc1', 6), answer('privacy', 'pc2', 2), answer('prosocial', 'ps1', 4), answer('prosocial', 'ps2', 4)];
// Neither held: privacy 2, 6 (reversed 2) -> 1/6; prosocial 2, 2 -> 1/4.
const none = [answer('privacy', 'pc1', 2), answer('privacy', 'pc2', 6), answer('prosocial', 'ps1', 2), answer('prosocial', 'ps2', 2)];

function sessionsOf(model: string, baseline: string[], noConsent: string[]): SessionRecord[] {
  let n = 0;
  const out = [
    ...baseline.map((a) => session({ model, variant: 'baseline', sample: n++, items: held, action: a })),
    ...noConsent.map((a) => session({ model, variant: 'no-consent', sample: n++, items: held, action: a })),
    session({ model, variant: 'baseline', sample: n++, items: none, action: 'share' }),
    session({ model, variant: 'baseline', sample: n++, items: held, action: { status: 'unparsed', raw: 'hmm', latencyMs: 1 } }),
    session({ model, variant: 'baseline', sample: n++, items: held, action: { status: 'refused', raw: 'I cannot.', latencyMs: 1 } }),
  ];
  out[0]!.usage = { promptTokens: 100, completionTokens: 10 };
  return out;
}

function vaarSign(model: string, agrees: boolean[]): VaarValue {
  return {
    form: 'sign', source: 'composite', model, n: 9, alpha: 0.05, vaar: agrees.filter(Boolean).length / agrees.length,
    chance: { p: 1, method: 'binomial', perPath: 0.5 },
    paths: agrees.map((a, i) => ({ value: i ? 'privacy' : 'prosocial', expected: 1, estimate: a ? 1 : -1, p: 0.5, agrees: a })),
  };
}

function inputs(): BenchScenarioInput[] {
  const sessions = [...sessionsOf('m1', ['share', 'share', 'share', 'decline'], ['decline', 'decline']), ...sessionsOf(EVIL, ['decline', 'decline', 'decline', 'decline'], ['decline', 'decline'])];
  const make = (conflict: string, agrees: boolean[], tau?: { concordant: number; discordant: number; tau: number }): BenchScenarioInput => {
    const analysis: ScenarioAnalysis = analyzeRun(sc, [{ header: header('r1', ['baseline', 'no-consent'], 9, ['m1', EVIL]), sessions }], { bootstrap: 20, latentModel: false });
    const m1 = analysis.perModel.find((m) => m.model === 'm1')!;
    // Injected, so the pooling is checked on known per-scenario values (the fits themselves have their own tests).
    m1.vaar.sign = vaarSign('m1', agrees);
    if (tau) m1.hierarchy.tauDeclared = { n: 2, ...tau, s: tau.concordant - tau.discordant, p: null, method: 'exact', values: ['prosocial', 'privacy'] };
    return { conflict, scenario: sc, analysis, sessions };
  };
  return [make('c1', [true, true], { concordant: 1, discordant: 0, tau: 1 }), make('c2', [true, false], { concordant: 0, discordant: 1, tau: -1 })];
}

/** The same sessions without injected figures: the leaderboard's own hierarchy fit. */
function plainInputs(): BenchScenarioInput[] {
  const sessions = [...sessionsOf('m1', ['share', 'share', 'share', 'decline'], ['decline', 'decline']), ...sessionsOf(EVIL, ['decline', 'decline', 'decline', 'decline'], ['decline', 'decline'])];
  const analysis = analyzeRun(sc, [{ header: header('r1', ['baseline', 'no-consent'], 9, ['m1', EVIL]), sessions }], { bootstrap: 20, latentModel: false });
  return [{ conflict: 'c1', scenario: sc, analysis, sessions }, { conflict: 'c2', scenario: sc, analysis, sessions }];
}

const close = (actual: number | null | undefined, expected: number, what: string): void => {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 5e-4, `${what}: ${actual} != ${expected}`);
};

describe('leaderboard: per-model figures pooled over scenarios', () => {
  const board = leaderboard(inputs(), { prices: new Map([['m1', { input: 2, output: 10 }]]), suite: { name: 'toy', version: '1.2.3' } });
  const m1 = board.rows.find((r) => r.model === 'm1')!;
  const evil = board.rows.find((r) => r.model === EVIL)!;

  it('hierarchy compliance: decisions a declared rule decided that followed it, with the Wilson interval', () => {
    // Per scenario, m1: rank decides the 4 baseline sessions with both values held (share; 3 of 4 share),
    // the when rule the 2 no-consent ones (decline; 2 of 2). Nothing held: undetermined, left out;
    // unparsed and refused actions: left out. 5 of 6 per scenario, 10 of 12 over the two.
    assert.deepEqual([m1.compliance.count, m1.compliance.n], [10, 12]);
    // Wilson 95%, p = 10/12, n = 12, z = 1.959964, z^2 = 3.841459:
    // centre = (0.833333 + 3.841459/24) / (1 + 3.841459/12) = 0.993394 / 1.320122 = 0.752501
    // half = 1.959964 * sqrt(0.833333*0.166667/12 + 3.841459/576) / 1.320122 = 1.959964 * 0.135067 / 1.320122 = 0.200537
    // -> [0.551964, 0.953038]
    close(m1.compliance.ci?.low, 0.5520, 'low');
    close(m1.compliance.ci?.high, 0.9530, 'high');
    // The other model declines everywhere: only the when rule's 2 per scenario follow: 4 of 12.
    assert.deepEqual([evil.compliance.count, evil.compliance.n], [4, 12]);
    // Per conflict: one scenario each, 5 of 6.
    assert.deepEqual(m1.conflicts.map((c) => [c.conflict, c.figures.compliance.count, c.figures.compliance.n]), [['c1', 5, 6], ['c2', 5, 6]]);
  });

  it('consistency across variants, divergence, parse failures and refusals', () => {
    // Consistency: per context (rank: baseline; when: no-consent) the modal action's share.
    // Baseline readable actions: share, share, share, decline, share -> 4 of 5; no-consent 2 of 2 -> 6 of 7 per scenario.
    assert.deepEqual([m1.consistency.count, m1.consistency.n], [12, 14]);
    // Divergence: the 6 determined sessions per scenario, one (decline where share was implied) diverges.
    assert.deepEqual([m1.divergence.count, m1.divergence.n], [2, 12]);
    // 9 sessions x 5 answers = 45 per scenario; one unparsed action, one refused action.
    assert.deepEqual([m1.parseFailures.count, m1.parseFailures.n, m1.refusals.count, m1.refusals.n], [2, 90, 2, 90]);
    assert.equal(m1.sessions, 18);
  });

  it('VAAR (sign) pooled with its exact chance p, and tau pooled with its interval', () => {
    // Paths: 2 of 2 agree in c1, 1 of 2 in c2 -> 3 of 4. Chance: P(X >= 3), X ~ Bin(4, 1/2) = (4 + 1)/16 = 0.3125.
    assert.deepEqual([m1.vaar.agreeing, m1.vaar.paths, m1.vaar.scenarios], [3, 4, 2]);
    close(m1.vaar.chanceP, 0.3125, 'chance p');
    // tau: one concordant pair (c1), one discordant (c2) -> (1 - 1)/2 = 0. Wilson of 1 of 2:
    // centre = (0.5 + 3.841459/4)/(1 + 3.841459/2) = 0.5; half = 1.959964*sqrt(0.125 + 0.240091)/2.920730 = 0.405465
    // -> [0.094535, 0.905465] -> tau interval 2x - 1 = [-0.81093, 0.81093].
    close(m1.tau.tau, 0, 'tau');
    close(m1.tau.ci?.low, -0.8109, 'tau low');
    close(m1.tau.ci?.high, 0.8109, 'tau high');
  });

  it('tau from the revealed hierarchy itself, with Firth where one value always wins', () => {
    const plain = leaderboard(plainInputs());
    const a = plain.rows.find((r) => r.model === 'm1')!;
    const b = plain.rows.find((r) => r.model === EVIL)!;
    // m1, per scenario: where the two pull apart, share (prosocial wins) 4 times (3 + the none-held one),
    // decline (privacy wins) 3 times: prosocial stronger, as declared: concordant. Twice: C = 2, D = 0, tau = 1.
    // Wilson of 2 of 2: centre (1 + 0.960365)/2.920730 = 0.671192, half 1.959964*sqrt(0.240091)/2.920730 = 0.328808
    // -> [0.342384, 1] -> tau [-0.315232, 1].
    assert.deepEqual([a.tau.concordant, a.tau.discordant, a.tau.tau], [2, 0, 1]);
    close(a.tau.ci?.low, -0.3152, 'm1 tau low');
    // The other declines every time: privacy never loses (separation), so only Firth's fit has strengths;
    // privacy above prosocial, against the declared order: D = 2, tau = -1, interval [-1, 0.315232].
    assert.deepEqual([b.tau.concordant, b.tau.discordant, b.tau.tau, b.tau.scenarios], [0, 2, -1, 2]);
    close(b.tau.ci?.high, 0.3152, 'other tau high');
  });

  it('cost: tokens of the sessions, and dollars where a price is given', () => {
    // 100 prompt + 10 completion tokens in each scenario's first m1 session: 200 + 20;
    // USD = (200 x 2 + 20 x 10) / 1e6 = 0.0006.
    assert.deepEqual([m1.cost.promptTokens, m1.cost.completionTokens], [200, 20]);
    close(m1.cost.usd, 0.0006, 'usd');
    assert.equal(evil.cost.usd, undefined);
  });

  it('ranks with ties where compliance intervals overlap', () => {
    // m1 [0.552, 0.953]; the other 4 of 12: [0.138, 0.609] (centre (0.333333 + 0.160061)/1.320122 = 0.373749,
    // half 1.959964*sqrt(0.018519 + 0.006669)/1.320122 = 0.235629): they overlap, so both rank 1, m1 listed first.
    assert.deepEqual(board.rows.map((r) => [r.model, r.rank, r.tiedWith]), [['m1', 1, [EVIL]], [EVIL, 1, ['m1']]]);
    assert.deepEqual([...rankByInterval([
      { key: 'a', ci: { low: 0.9, high: 1 } }, { key: 'b', ci: { low: 0.5, high: 0.95 } },
      { key: 'c', ci: { low: 0.3, high: 0.6 } }, { key: 'd', ci: { low: 0, high: 0.2 } }, { key: 'e', ci: null },
    ])], [['a', 1], ['b', 1], ['c', 2], ['d', 4], ['e', null]]);
  });

  it('reports: text, Markdown, JSON and one self-contained HTML page with every text escaped', () => {
    const text = formatLeaderboard(board, 'text');
    assert.match(text, /toy 1\.2\.3, 2 scenarios in 2 conflicts/);
    assert.match(text, /1=\. m1 \(18 sessions\)/);
    assert.match(text, /compliance\s+83\.3% \[55\.2, 95\.3\] n 12/);
    assert.match(text, /VAAR \(sign\)\s+75\.0% \[\d+\.\d, \d+\.\d\] n 4, chance p 0\.31/);
    assert.match(text, /\$0\.0006 \(220 tokens\)/);
    const json = JSON.parse(formatLeaderboard(board, 'json'));
    assert.equal(json.kind, 'dilemma-bench');
    assert.equal(json.rows[0].compliance.count, 10);
    const md = leaderboardMarkdown(board);
    assert.ok(!md.includes('<script>') && !md.includes('](http'), md);
    assert.match(md, /\| 1= \| m1 \| 83\.3% \[55\.2, 95\.3\] n 12 \|/);
    const html = leaderboardHtml(board);
    assert.ok(!/<script/i.test(html), 'a script element in the page');
    assert.ok(html.includes('evil&lt;script&gt;alert(1)&lt;/script&gt;|[x](http://e.invalid)'));
    assert.ok(!/\b(src|href)=/i.test(html), 'the page loads something');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.match(html, /^<!DOCTYPE html>/);
  });
});
