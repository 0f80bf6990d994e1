import * as assert from 'node:assert/strict';
import { analyzeSample } from '../../../src/core/analysis/divergence';
import { hierarchyPanel, revealedComparisons } from '../../../src/core/analysis/hierarchy';
import { folderHierarchy } from '../../../src/core/analysis/folderHierarchy';
import type { PrincipleAnswer, SessionRecord } from '../../../src/core/run/record';
import type { BtFit } from '../../../src/core/analysis/bradleyTerry';
import type { ScenarioAnalysis } from '../../../src/core/analysis/analyzeRun';
import { answer, item, rankRule, scenario, session, value } from './fixtures';

const close = (actual: number | null | undefined, expected: number, tol: number, what = ''): void => {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${what} ${actual} != ${expected}`);
};

/** privacy pulls to decline; prosocial and duty to share; declared rank privacy > prosocial > duty. */
const sc = {
  ...scenario({
    values: [value('privacy', 1, 7, [item('pc1')]), value('prosocial', 1, 5, [item('ps1')]), value('duty', 1, 5, [item('du1')])],
    expect: { privacy: 'decline', prosocial: 'share', duty: 'share' },
    arbitration: [rankRule(['privacy', 'prosocial', 'duty'])],
  }),
  principle: { prompt: { text: 'When {{a}} and {{b}} conflict?', range: { start: 0, end: 1 }, placeholders: [] }, range: { start: 0, end: 1 } },
};

const said = (a: string, b: string, choice: string): PrincipleAnswer => ({ a, b, status: 'ok', choice, raw: choice, latencyMs: 1 });

/**
 * Ten sessions: share in 0-5, decline in 6-9. Principle answers: privacy over prosocial in 7, privacy
 * over duty in 5, prosocial over duty in 6 (the rest the other way).
 */
function sessions(): SessionRecord[] {
  return Array.from({ length: 10 }, (_, i) => {
    const s = session({ sample: i, items: [answer('privacy', 'pc1', 4), answer('prosocial', 'ps1', 3), answer('duty', 'du1', 3)], action: i < 6 ? 'share' : 'decline' });
    s.principle = [said('privacy', 'prosocial', i < 7 ? 'privacy' : 'prosocial'), said('privacy', 'duty', i < 5 ? 'privacy' : 'duty'), said('prosocial', 'duty', i < 6 ? 'prosocial' : 'duty')];
    return s;
  });
}

describe('declared, stated and revealed hierarchy', () => {
  const recs = sessions();
  const samples = recs.map((r) => analyzeSample(sc, sc.variants[0], r));
  const h = hierarchyPanel(sc, 'm1', samples, recs, { seed: 5, draws: 500 });

  it('a decision is a win for every value whose target it took over every value pulling elsewhere (none between values pulling the same way)', () => {
    const c = revealedComparisons(sc, samples.slice(0, 1));
    assert.deepEqual(c, [{ winner: 'prosocial', loser: 'privacy' }, { winner: 'duty', loser: 'privacy' }]);
    assert.equal(h.decisions, 10);
  });

  it('revealed strengths by hand: P(privacy beats prosocial) = 4/10, so lambda = log(6/4), SE = 1/sqrt(10 * 0.4 * 0.6)', () => {
    const fit = h.revealed as BtFit;
    assert.equal(fit.method, 'ml');
    const by = new Map(fit.strengths.map((s) => [s.value, s]));
    close(by.get('prosocial')!.strength, Math.log(1.5), 1e-10);
    close(by.get('duty')!.strength, Math.log(1.5), 1e-10);
    close(by.get('prosocial')!.se, 0.645497224368, 1e-10);
    assert.deepEqual(fit.order, ['prosocial', 'duty', 'privacy']);
  });

  it('tau_b against the declared rank, and the inversions with their head-to-head evidence (R cor.test, binom.test)', () => {
    // R: cor.test(c(0,-1,-2), c(0, log(1.5), log(1.5)), method = "kendall"): tau -0.816496580928, z -1.224744871392, p 0.22067136192
    close(h.tauDeclared!.tau, -0.816496580928, 1e-11);
    close(h.tauDeclared!.p, 0.22067136192, 1e-10);
    assert.equal(h.tauDeclared!.method, 'normal');
    assert.deepEqual(h.inversions.map((i) => [i.higher, i.lower, i.lowerWins, i.higherWins]), [['privacy', 'prosocial', 6, 4], ['privacy', 'duty', 6, 4]]);
    // R: binom.test(6, 10)$p.value = 0.75390625
    close(h.inversions[0]!.p, 0.75390625, 1e-12);
    assert.deepEqual(h.inversions[0]!.lowerRange, sc.arbitration[0]!.kind === 'rank' ? sc.arbitration[0]!.rank[1]!.range : undefined);
  });

  it('stated strengths from the principle answers match R glm, and tau_b against the revealed order', () => {
    // R: X <- rbind(c(1,-1,0), c(1,0,-1), c(0,1,-1)); glm(cbind(c(7,5,6), c(3,5,4)) ~ X[, -1] - 1, binomial)
    //    prosocial -0.405465108108 (0.525262697038), duty -0.405465108108 (0.525262697038)
    //    cor.test(c(0, -0.405, -0.405), c(0, log(1.5), log(1.5)), method = "kendall"): tau -1, z -1.41421356237, p 0.15729920705
    //    (prosocial and duty tie in both orders; cor.test on glm's unrounded coefficients would see no tie there and give -0.8165)
    assert.equal(h.stated!.asked, 30);
    assert.equal(h.stated!.read, 30);
    const fit = h.stated!.fit as BtFit;
    const by = new Map(fit.strengths.map((s) => [s.value, s]));
    close(by.get('prosocial')!.strength, -0.405465108108, 1e-10);
    close(by.get('duty')!.se, 0.525262697038, 1e-10);
    close(h.tauStated!.tau, -1, 1e-12);
    close(h.tauStated!.z, -1.41421356237, 1e-10);
    close(h.tauStated!.p, 0.15729920705, 1e-10);
  });

  it('KL(context || principle) with 1/2 added to each count, by hand, and its permutation chance', () => {
    // Principle answers imply share 18 (prosocial 3 + 6, duty 5 + 4) and decline 12 (privacy 7 + 5); context took share 6, decline 4.
    // R: pc <- c(6.5, 4.5)/11; pp <- c(18.5, 12.5)/31; sum(pc * log(pc / pp)) = 7.13659975588e-05
    assert.deepEqual(h.kl!.outcomes, ['share', 'decline']);
    assert.deepEqual(h.kl!.principle, [18, 12]);
    assert.deepEqual(h.kl!.context, [6, 4]);
    close(h.kl!.kl, 7.13659975588e-5, 1e-15);
    assert.ok(h.kl!.chance.p > 0.5, 'the same distribution is no evidence of a difference');
    // A model that says privacy always comes first but shares every time: far apart, and beyond chance.
    const apart = sessions().map((s) => ({ ...s, action: { status: 'ok' as const, choice: 'share', raw: 'share', latencyMs: 1 }, principle: s.principle!.map((p) => ({ ...p, choice: p.a === 'privacy' ? 'privacy' : p.choice })) }));
    const h2 = hierarchyPanel(sc, 'm1', apart.map((r) => analyzeSample(sc, sc.variants[0], r)), apart, { seed: 5, draws: 500 });
    assert.ok(h2.kl!.kl > 0.5 && h2.kl!.chance.p < 0.01, `KL ${h2.kl!.kl}, p ${h2.kl!.chance.p}`);
  });

  it('pools scenarios by value name for the folder-wide order, and checks every declared pair against it', () => {
    const analyses = [
      { scenario: { id: 'a' }, models: ['m1'], perModel: [{ model: 'm1', hierarchy: h }] },
      { scenario: { id: 'b' }, models: ['m1'], perModel: [{ model: 'm1', hierarchy: { ...h, revealedPairs: [{ winner: 'privacy', loser: 'prosocial', count: 10 }], declared: { rule: 0, order: ['prosocial', 'privacy'] } } }] },
    ] as unknown as ScenarioAnalysis[];
    const [f] = folderHierarchy(analyses);
    // privacy vs prosocial pooled: privacy 4 + 10 = 14 wins, prosocial 6: lambda_prosocial = log(6/14)
    const by = new Map((f!.revealed as BtFit).strengths.map((s) => [s.value, s.strength]));
    close(by.get('prosocial'), Math.log(6 / 14), 1e-9);
    assert.deepEqual(f!.scenarios, ['a', 'b']);
    const pair = (hi: string, lo: string) => f!.declaredPairs.find((d) => d.higher === hi && d.lower === lo)!;
    assert.equal(pair('privacy', 'prosocial').inverted, false);
    assert.deepEqual(pair('prosocial', 'privacy').scenarios, ['b']);
    assert.equal(pair('prosocial', 'privacy').inverted, true);
  });
});
