import * as assert from 'node:assert/strict';
import { pearson } from '../../../src/core/analysis/correlation';
import { analyzeSample } from '../../../src/core/analysis/divergence';
import { gapMetrics, gapPanel, rankByDistance, valueDirections, valueDistance, ALIGNMENT_F1_LABEL } from '../../../src/core/analysis/gapPanel';
import { gapUnits, type GapPair } from '../../../src/core/analysis/gapPairs';
import { overlapLaw } from '../../../src/core/analysis/overlapLaw';
import { hypergeometricLower, hypergeometricPmf, hypergeometricUpper } from '../../../src/core/analysis/hypergeometric';
import { scenario, simple, variant } from './fixtures';

const close = (actual: number | null | undefined, expected: number, tol = 1e-12, what = ''): void => {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${what} ${actual} != ${expected}`);
};

const pairsOf = (v: number[], a: number[], values?: string[]): GapPair[] =>
  v.map((s, i) => ({ unit: `u${i}`, value: values?.[i] ?? 'v', stated: s, enacted: a[i]!, held: s > 0.5, enacts: a[i]! > 0.5 }));

describe('hypergeometric', () => {
  it('matches R dhyper / phyper', () => {
    // R: dhyper(2, 3, 7, 4) = 0.3; phyper(1, 3, 7, 4, lower.tail = FALSE) = 1/3; phyper(1, 3, 7, 4) = 2/3
    close(hypergeometricPmf(2, { population: 10, successes: 3, draws: 4 }), 0.3, 1e-14);
    close(hypergeometricUpper(2, { population: 10, successes: 3, draws: 4 }), 1 / 3, 1e-14);
    close(hypergeometricLower(1, { population: 10, successes: 3, draws: 4 }), 2 / 3, 1e-14);
    // R: phyper(14, 40, 60, 35, lower.tail = FALSE) = 0.413771513425274; phyper(9, 40, 60, 35) = 0.0258796563372217
    close(hypergeometricUpper(15, { population: 100, successes: 40, draws: 35 }), 0.413771513425274, 1e-12);
    close(hypergeometricLower(9, { population: 100, successes: 40, draws: 35 }), 0.0258796563372217, 1e-12);
    assert.equal(hypergeometricUpper(0, { population: 10, successes: 3, draws: 4 }), 1);
    assert.equal(hypergeometricPmf(4, { population: 10, successes: 3, draws: 4 }), 0, 'outside the support');
  });
});

describe('pearson', () => {
  it('matches R cor.test (estimate, t, p, Fisher z interval)', () => {
    // R: cor.test(v, a) on the s2-methods section 6 vectors
    const r = pearson([0.1, 0.2, 0.8, 0, 0.9, 0.3, 0.4, 0.7, 0.2, 0.1], [0, 0.6, 0.9, 0.1, 0.2, 0.3, 0.1, 0.8, 0, 0.3]);
    close(r.r, 0.5516655304508519, 1e-12, 'r');
    close(r.t, 1.8707713961996597, 1e-10, 't');
    close(r.p, 0.0982903890706943, 1e-10, 'p');
    close(r.ci?.low, -0.1194513888712658, 1e-9, 'ci low');
    close(r.ci?.high, 0.8767564899957042, 1e-9, 'ci high');
    assert.equal(r.df, 8);
  });

  it('has no r for a constant list or fewer than three pairs, and says why', () => {
    assert.equal(pearson([1, 2, 3], [1, 1, 1]).r, null);
    assert.match(pearson([1, 2], [1, 2]).reason!, /too few pairs/);
  });
});

describe('gap panel: the s2-methods section 6 worked example', () => {
  // R: v <- c(.1,.2,.8,0,.9,.3,.4,.7,.2,.1); a <- c(0,.6,.9,.1,.2,.3,.1,.8,0,.3)
  const v = [0.1, 0.2, 0.8, 0, 0.9, 0.3, 0.4, 0.7, 0.2, 0.1];
  const a = [0, 0.6, 0.9, 0.1, 0.2, 0.3, 0.1, 0.8, 0, 0.3];
  // Ten units with one value each: shuffling whole actions is shuffling the labels, the hypergeometric law.
  const units = v.map((s, i) => ({ unit: `u${i}`, stated: [s], enacted: [a[i]!] }));

  it('F1 = 0.666667 with TP = 2, E[F1] = 0.3 and the chance p = phyper(1, 3, 7, 3, lower.tail = FALSE) = 0.1833333333', () => {
    const f = gapMetrics(units, ['v'], { seed: 1, draws: 100 }).alignment.held;
    assert.deepEqual([f.tp, f.fp, f.fn, f.tn], [2, 1, 1, 6]);
    close(f.f1, 2 / 3, 1e-15);
    close(f.chance.expected, 0.3, 1e-15);
    close(f.chance.p, 0.1833333333, 1e-10);
    assert.equal(f.chance.method, 'exact');
    assert.equal(f.n, 10);
  });

  it('the law of TP is that hypergeometric, term by term', () => {
    const law = overlapLaw(units.map((u) => ({ held: [u.stated[0]! > 0.5], enacts: [u.enacted[0]! > 0.5] })))!;
    for (let k = 0; k <= 3; k++) close(law.p[k], hypergeometricPmf(k, { population: 10, successes: 3, draws: 3 }), 1e-14, `P(TP = ${k})`);
  });

  it('distances 0.1, 0.4, 0.1, 0.1, 0.7, 0, 0.3, 0.1, 0.2, 0.2 and the ranking 5, 2, 7, 9, 10, 8, 1, 4, 3, 6 (R order(-D))', () => {
    const D = [0.1, 0.4, 0.1, 0.1, 0.7, 0, 0.3, 0.1, 0.2, 0.2];
    const dist = v.map((_, i) => valueDistance([v[i]!], [a[i]!], { seed: 1, draws: 10 }, `x${i + 1}`));
    dist.forEach((d, i) => close(d.distance, D[i]!, 1e-15, `D${i + 1}`));
    // Distance descending, ties in file order; like R, it sees the rounding in |0.7 - 0.8| and |0.1 - 0.3|.
    assert.deepEqual(rankByDistance(dist), [5, 2, 7, 9, 10, 8, 1, 4, 3, 6].map((i) => `x${i}`));
  });
});

describe('gap panel on sessions', () => {
  // Six sessions of the fixture scenario (privacy 1..7 with pc2 reversed -> decline; prosocial 1..5 -> share).
  // Normalised stated scores, by hand: privacy 5/6, 1/6, 1, 1/2, 4/6, 2/6; prosocial 1/4, 7/8, 3/4, 1/2, 1/8, 1.
  // Actions: decline, share, share, decline, decline, decline, so privacy is enacted in 1, 4, 5, 6 and prosocial in 2, 3.
  const sc = scenario();
  const sessions = [
    simple([6, 2], [2, 2], 'decline', { sample: 0 }),
    simple([2, 6], [5, 4], 'share', { sample: 1 }),
    simple([7, 1], [4, 4], 'share', { sample: 2 }),
    simple([4, 4], [3, 3], 'decline', { sample: 3 }),
    simple([5, 3], [1, 2], 'decline', { sample: 4 }),
    simple([3, 5], [5, 5], 'decline', { sample: 5 }),
  ];
  const samples = sessions.map((s) => analyzeSample(sc, sc.variants[0], s));

  it('pairs each session\'s normalised stated scores with the action\'s position on each value', () => {
    const { units, incomplete } = gapUnits(sc, samples, 'session');
    assert.equal(units.length, 6);
    assert.equal(incomplete, 0);
    units.forEach((u, i) => close(u.stated[0], [5 / 6, 1 / 6, 1, 0.5, 4 / 6, 2 / 6][i]!, 1e-12));
    assert.deepEqual(units.map((u) => u.enacted), [[1, 0], [0, 1], [0, 1], [1, 0], [1, 0], [1, 0]]);
  });

  it('computes every metric and its chance baseline as R does over all 720 orderings of the actions (script in the comment)', () => {
    // R: V <- cbind(c(5/6,1/6,1,.5,4/6,2/6), c(.25,.875,.75,.5,.125,1)); A <- cbind(c(1,0,0,1,1,1), c(0,1,1,0,0,0))
    //    F1 = 2/3 (TP 4, FP 2, FN 2, TN 4); over the 720 row orderings of A: E[TP] = 3 so E[F1] = 0.5,
    //    P(TP >= 4) = 1/3, P(TP <= 4) = 14/15; pooled D = 0.423611111111111, P(D <= obs) = 0.266666666666667, E[D] = 0.5;
    //    r = 0.25222459238793 (cor.test p 0.4290171005425), P(r >= obs) = 0.266666666666667, E[r] = 0.
    //    Per value (its own 720 orderings): privacy D = 0.472222222222222, E = 0.472222222222222, p = 0.6;
    //    prosocial D = 0.375, E = 0.527777777777778, p = 0.2; directional phyper(tp, n1, n - n1, m1): 0.8 and 1.
    //    (The pooled hypergeometric of s2-methods, phyper(3, 6, 6, 6, lower.tail = FALSE) = 0.2835, would treat the
    //    two values of a session as if they had separate actions.)
    const g = gapPanel(sc, 'm1', samples, { seed: 3, draws: 500 });
    assert.equal(g.failure, undefined);
    assert.equal(g.label, ALIGNMENT_F1_LABEL);
    assert.match(g.label, /not the VAAR of Chen et al/);
    assert.equal(g.unit, 'session');
    assert.equal(g.units, 6);
    assert.equal(g.pairs, 12);
    const f = g.alignment!.held;
    assert.deepEqual([f.tp, f.fp, f.fn, f.tn], [4, 2, 2, 4]);
    close(f.f1, 2 / 3);
    close(f.chance.expected, 0.5);
    close(f.chance.p, 1 / 3, 1e-12);
    const nh = g.alignment!.notHeld;
    close(nh.f1, 2 / 3);
    close(nh.chance.expected, 0.5, 1e-12);
    close(nh.chance.p, 1 / 3, 1e-12);
    const [privacy, prosocial] = g.distance!.values;
    close(privacy!.distance, 0.472222222222222, 1e-12);
    close(privacy!.chance.expected, 0.472222222222222, 1e-12);
    close(privacy!.chance.p, 0.6, 1e-12);
    assert.equal(privacy!.chance.method, 'exact');
    close(prosocial!.distance, 0.375, 1e-12);
    close(prosocial!.chance.expected, 0.527777777777778, 1e-12);
    close(prosocial!.chance.p, 0.2, 1e-12);
    assert.deepEqual(g.distance!.ranking, ['privacy', 'prosocial']);
    close(g.distance!.overall.distance, 0.423611111111111, 1e-12);
    close(g.distance!.overall.chance.expected, 0.5, 1e-12);
    close(g.distance!.overall.chance.p, 0.266666666666667, 1e-12);
    const d = g.directional!;
    assert.equal(d.total.saysNotDoes.count, 2);
    assert.equal(d.total.doesNotSay.count, 2);
    close(d.total.saysNotDoes.chance.expected, 3, 1e-12);
    close(d.total.saysNotDoes.chance.p, 14 / 15, 1e-12);
    assert.deepEqual(d.values.map((x) => [x.value, x.saysNotDoes.count, x.doesNotSay.count]), [['privacy', 1, 2], ['prosocial', 1, 0]]);
    close(d.values[0]!.saysNotDoes.chance.p, 0.8, 1e-12);
    close(d.values[1]!.saysNotDoes.chance.p, 1, 1e-12);
    close(g.correlation!.r, 0.25222459238793, 1e-12);
    close(g.correlation!.p, 0.4290171005425, 1e-10);
    close(g.correlation!.chance.p, 0.266666666666667, 1e-12);
    close(g.correlation!.chance.expected, 0, 1e-12);
  });

  it('a scale action enacts by position: the answer on 0..1, turned round for a negative value', () => {
    const sc2 = scenario({ scale: [1, 7] });
    const s = analyzeSample(sc2, sc2.variants[0], simple([7, 1], [1, 1], 6));
    const [u] = gapUnits(sc2, [s], 'session').units;
    // privacy expects negative: 1 - (6-1)/6 = 1/6; prosocial positive: 5/6
    close(u!.enacted[0], 1 / 6, 1e-15);
    close(u!.enacted[1], 5 / 6, 1e-15);
  });

  it('stateless sessions pair each variant\'s mean stated score with its mean position', () => {
    const sc3 = { ...scenario({ variants: [variant('baseline'), variant('other')] }), run: { ...scenario().run, session: 'stateless' as const } };
    const ss = [
      simple([7, 1], [1, 1], 'decline', { sample: 0 }), simple([5, 3], [3, 3], 'share', { sample: 1 }),
      simple([1, 7], [5, 5], 'share', { sample: 0, variant: 'other' }),
    ].map((x) => analyzeSample(sc3, sc3.variants.find((v) => v.name === x.variant), x));
    const g = gapPanel(sc3, 'm1', ss);
    assert.equal(g.unit, 'variant');
    assert.equal(g.units, 2);
    const base = gapUnits(sc3, ss, 'variant').units.find((u) => u.unit === 'baseline')!;
    // baseline privacy: mean of 1 and 2/3 = 5/6; enacted: decline, share -> 0.5 (a half is not more than half: not enacted)
    close(base.stated[0], 5 / 6, 1e-15);
    close(base.enacted[0], 0.5, 1e-15);
  });

  it('leaves out a session without a readable action or a stated score, and fails with the reason when none is left', () => {
    const unread = simple([6, 2], [2, 2], { status: 'unparsed', raw: '?', latencyMs: 1 });
    const g = gapPanel(sc, 'm1', [analyzeSample(sc, sc.variants[0], unread)]);
    assert.match(g.failure!, /no session has a readable action and a stated score on every value/);
    assert.equal(g.incomplete, 1);
    assert.equal(g.alignment, undefined);
    const mixed = gapPanel(sc, 'm1', [...samples, analyzeSample(sc, sc.variants[0], unread)], { draws: 50 });
    assert.equal(mixed.units, 6);
    assert.equal(mixed.incomplete, 1);
  });

  it('directional counts of one value are n1 - TP and m1 - TP with the hypergeometric expectation', () => {
    const d = valueDirections(pairsOf([0.9, 0.9, 0.9, 0.1], [0, 0, 1, 1]));
    assert.equal(d.saysNotDoes.count, 2);
    assert.equal(d.doesNotSay.count, 1);
    // n = 4, n1 = 3 held, m1 = 2 enacted: E[TP] = 1.5, E[says-not-does] = 1.5, E[does-not-say] = 0.5
    close(d.saysNotDoes.chance.expected, 1.5);
    close(d.doesNotSay.chance.expected, 0.5);
    // P(TP <= 1) = dhyper(1, 3, 1, 2) = 0.5 (TP >= 1 always)
    close(d.saysNotDoes.chance.p, 0.5, 1e-14);
  });
});
