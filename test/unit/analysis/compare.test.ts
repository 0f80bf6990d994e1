import * as assert from 'node:assert/strict';
import { compareRuns, type ComparisonTest, type ModelComparison, type VariantComparison } from '../../../src/core/analysis/compare';
import { holmAdjust } from '../../../src/core/analysis/holm';
import { seededRandom } from '../../../src/core/random';
import { drawnSessions, header, heldPrivacy, side, times } from './compareFixtures';
import { rankRule, scenario, variant, whenRule } from './fixtures';

const close = (actual: number | null | undefined, expected: number, tol: number, what: string): void =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);

const variantRow = (c: ReturnType<typeof compareRuns>, v: string, model = 'm1'): VariantComparison =>
  c.rows.find((r): r is VariantComparison => r.kind === 'variant' && r.variant === v && r.model === model)!;

describe('compareRuns', () => {
  const s = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])], variants: [variant('baseline'), variant('pharma')] });

  it('pairs samples with the same persona and sample index: exact McNemar on the worked example, Holm over the family', () => {
    // s2-methods §3: 40 pairs, 20 decline/decline, 9 decline -> share (b), 2 share -> decline (c), 9 share/share.
    // Privacy is held in every sample, so `share` is divergent: the divergence table is the same table.
    const base = [...times('decline', 20), ...times('decline', 9), ...times('share', 2), ...times('share', 9)];
    const cand = [...times('decline', 20), ...times('share', 9), ...times('decline', 2), ...times('share', 9)];
    const b = side(s, [{ header: header('b', ['pharma'], 40), sessions: heldPrivacy('pharma', base) }]);
    const c = side(s, [{ header: header('c', ['pharma'], 40), sessions: heldPrivacy('pharma', cand) }]);
    const cmp = compareRuns([b], [c]);
    const row = variantRow(cmp, 'pharma');
    assert.equal(row.pairing.paired, true);
    assert.equal(row.pairing.common, 40);
    for (const t of [row.distribution.test!, row.divergence.test!]) {
      assert.equal(t.method, 'mcnemar-exact');
      assert.equal(t.paired, true);
      assert.equal(t.n, 40);
      close(t.p, 0.0654296875, 1e-15, `${t.metric} p`); // binom.test(9, 11)
      // Holm over the family: two tests of equal p, m = 2: 2 * 0.0654296875 = 0.130859375 (the path model has no variance: no test)
      close(t.pAdjusted, 0.130859375, 1e-15, `${t.metric} Holm`);
      assert.equal(t.significant, false);
    }
    assert.equal(row.divergence.test!.direction, 'worse'); // 9 pairs agree -> diverge, 2 the other way
    close(row.divergence.delta, 18 / 40 - 11 / 40, 1e-15, 'delta');
    assert.deepEqual(row.distribution.outcomes, ['share', 'decline']);
    assert.deepEqual(row.distribution.baseline, [11, 29]);
    assert.deepEqual(row.distribution.candidate, [18, 22]);
    assert.equal(row.verdict, 'unchanged');
    assert.equal(cmp.summary.tests, 2);
    assert.equal(cmp.summary.ok, true);
    const model = cmp.rows.find((r): r is ModelComparison => r.kind === 'model')!;
    assert.equal(model.verdict, 'not-compared');
    assert.match(model.notCompared!, /path model was not fitted/);
  });

  it('tests unpaired samples with Fisher (the worked example), and Holm decides whether it is a regression', () => {
    // s2-methods §3: fisher.test(matrix(c(12, 3, 5, 10), 2)) p = 0.0253276870. Baseline 3 share / 10 decline, candidate 12 / 5:
    // 13 and 17 samples cannot pair. Divergence (share) rises from 3/13 to 12/17.
    const b = side(s, [{ header: header('b', ['pharma'], 13), sessions: heldPrivacy('pharma', [...times('share', 3), ...times('decline', 10)]) }]);
    const c = side(s, [{ header: header('c', ['pharma'], 17), sessions: heldPrivacy('pharma', [...times('share', 12), ...times('decline', 5)]) }]);
    const strict = compareRuns([b], [c]);
    const row = variantRow(strict, 'pharma');
    assert.equal(row.pairing.paired, false);
    assert.match(row.pairing.reason!, /different samples \(baseline 13, candidate 17, 13 in common\)/);
    for (const t of [row.distribution.test!, row.divergence.test!]) {
      assert.equal(t.method, 'fisher-exact');
      close(t.p, 0.0253276870336761, 1e-12, `${t.metric} p`);
      close(t.pAdjusted, 2 * 0.0253276870336761, 1e-12, `${t.metric} Holm`); // 0.0507 > 0.05
    }
    assert.equal(row.verdict, 'unchanged', 'not significant once the family of two is corrected');
    const loose = compareRuns([b], [c], { alpha: 0.06 });
    assert.equal(variantRow(loose, 'pharma').verdict, 'regression');
    assert.equal(loose.summary.regressions, 1);
    assert.equal(loose.summary.ok, false);
    assert.equal(loose.rows[0]!.kind, 'variant', 'the regression is ranked first');
  });

  it('uses the exact Bowker test for three choices, and Freeman-Halton when unpaired', () => {
    const three = scenario({ choices: ['share', 'decline', 'defer'], arbitration: [rankRule(['privacy', 'prosocial'])], variants: [variant('baseline')] });
    // Pairs as the table t3 of pairedTests.test.ts: rows baseline, columns candidate, order share, decline, defer.
    const t3 = [[10, 1, 2], [6, 8, 0], [4, 3, 5]];
    const ids = ['share', 'decline', 'defer'];
    const base: string[] = [];
    const cand: string[] = [];
    t3.forEach((row, i) => row.forEach((n, j) => { base.push(...times(ids[i]!, n)); cand.push(...times(ids[j]!, n)); }));
    const b = side(three, [{ header: header('b', ['baseline'], base.length), sessions: heldPrivacy('baseline', base) }]);
    const c = side(three, [{ header: header('c', ['baseline'], cand.length), sessions: heldPrivacy('baseline', cand) }]);
    const row = variantRow(compareRuns([b], [c]), 'baseline');
    assert.equal(row.distribution.test!.method, 'bowker-exact');
    close(row.distribution.test!.p, 0.051513671875, 1e-12, 'Bowker p (R enumeration)');
    assert.equal(row.distribution.test!.df, 3);
    // Unpaired: drop the last candidate sample (a defer). Counts: baseline the row sums [13 share, 14 decline, 12 defer],
    // candidate the column sums less one defer [20, 12, 6]; R: fisher.test(matrix(c(13, 20, 14, 12, 12, 6), 2))$p.value = 0.161917256099984
    const c2 = side(three, [{ header: header('c', ['baseline'], cand.length), sessions: heldPrivacy('baseline', cand.slice(0, -1)) }]);
    const unpaired = variantRow(compareRuns([b], [c2]), 'baseline');
    assert.equal(unpaired.distribution.test!.method, 'freeman-halton-exact');
    assert.deepEqual(unpaired.distribution.baseline, [13, 14, 12]);
    assert.deepEqual(unpaired.distribution.candidate, [20, 12, 6]);
    close(unpaired.distribution.test!.p, 0.161917256099984, 1e-12, 'Freeman-Halton p');
    assert.match(unpaired.notes.join(' '), /candidate partial: 38 of 39 planned sessions/);
  });

  it('tests each path\'s change and calls a path that moved against its expected sign a VAAR regression', () => {
    const random = seededRandom(5);
    // Aligned in the baseline (privacy held -> decline, as expect says), contrary in the candidate.
    const b = side(s, [{ header: header('b', ['baseline'], 80), sessions: drawnSessions('baseline', 80, 1.5, random) }]);
    const c = side(s, [{ header: header('c', ['baseline'], 80), sessions: drawnSessions('baseline', 80, -1.5, random) }]);
    const cmp = compareRuns([b], [c]);
    const model = cmp.rows.find((r): r is ModelComparison => r.kind === 'model')!;
    assert.equal(model.notCompared, null);
    const privacy = model.paths.find((p) => p.value === 'privacy')!;
    assert.equal(privacy.expected, 1, 'decline is the reference choice, which privacy expects');
    assert.ok(privacy.baseline.estimate > 0 && privacy.candidate.estimate < 0, JSON.stringify(privacy));
    assert.equal(privacy.test.method, 'wald-difference');
    // By hand from the two fits: z = (b_c - b_b) / sqrt(se_b^2 + se_c^2), p = 2 Phi(-|z|)
    const z = (privacy.candidate.estimate - privacy.baseline.estimate) / Math.hypot(privacy.baseline.se, privacy.candidate.se);
    close(privacy.test.statistic, z, 1e-12, 'z');
    assert.equal(privacy.test.direction, 'worse');
    assert.equal(privacy.test.significant, true);
    assert.equal(model.verdict, 'regression');
    const sign = model.vaar.find((v) => v.form === 'sign' && v.source === 'composite')!;
    assert.ok(sign.delta! < 0, 'sign-VAAR fell');
    assert.equal(cmp.rows[0]!.verdict, 'regression');
  });

  it('puts one Holm family over every variant, model and metric', () => {
    const three = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])], variants: [variant('baseline'), variant('a'), variant('b')] });
    const random = seededRandom(9);
    const logs = (id: string, slopes: number[]) => [{ header: header(id, ['baseline', 'a', 'b'], 30, ['m1', 'm2']),
      sessions: ['m1', 'm2'].flatMap((m, mi) => ['baseline', 'a', 'b'].flatMap((v, vi) => drawnSessions(v, 30, slopes[mi * 3 + vi]!, random, m))) }];
    const cmp = compareRuns([side(three, logs('b', [1, 1, 1, 1, 1, 1]))], [side(three, logs('c', [1, -2, 1, 1, 1, -2]))]);
    const tests: ComparisonTest[] = cmp.rows.flatMap((r) => (r.kind === 'variant' ? [r.distribution.test, r.divergence.test] : r.paths.map((p) => p.test)))
      .filter((t): t is ComparisonTest => t !== null && t.p !== null);
    assert.equal(cmp.summary.tests, tests.length);
    assert.ok(tests.length >= 12, `${tests.length} tests`);
    const expected = holmAdjust(tests.map((t) => t.p!));
    tests.forEach((t, i) => close(t.pAdjusted, expected[i]!, 1e-15, t.id));
    assert.equal(new Set(tests.map((t) => t.id)).size, tests.length, 'ids are unique');
    // rows: regressions first, then by the rise in divergence
    const order = ['regression', 'changed', 'unchanged', 'improvement', 'not-compared'];
    for (let i = 1; i < cmp.rows.length; i++) assert.ok(order.indexOf(cmp.rows[i - 1]!.verdict) <= order.indexOf(cmp.rows[i]!.verdict));
  });

  it('lists variants and models that are on one side only, and compares the rest', () => {
    const bs = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])], variants: [variant('baseline'), variant('old')] });
    const cs = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])], variants: [variant('baseline'), variant('new')] });
    const b = side(bs, [{ header: header('b', ['baseline', 'old'], 5, ['m1', 'gone']), sessions: [...heldPrivacy('baseline', times('decline', 5)), ...heldPrivacy('old', times('decline', 5)), ...heldPrivacy('baseline', times('share', 5), 'gone')] }]);
    const c = side(cs, [{ header: header('c', ['baseline', 'new'], 5, ['m1', 'added']), sessions: [...heldPrivacy('baseline', times('decline', 5)), ...heldPrivacy('new', times('share', 5)), ...heldPrivacy('new', times('share', 5), 'added')] }]);
    const cmp = compareRuns([b], [c]);
    const sc = cmp.scenarios[0]!;
    assert.deepEqual(sc.onlyBaseline, { variants: ['old'], models: ['gone'] });
    assert.deepEqual(sc.onlyCandidate, { variants: ['new'], models: ['added'] });
    assert.deepEqual(cmp.rows.filter((r) => r.kind === 'variant').map((r) => `${r.model}/${(r as VariantComparison).variant}`), ['m1/baseline']);
    assert.deepEqual(sc.changes.map((x) => x.what).sort(), ['variant-added', 'variant-removed']);
    // identical single outcome on both sides: nothing to test, reported as such, and out of the family
    const row = variantRow(cmp, 'baseline');
    assert.equal(row.distribution.test!.method, 'none');
    assert.match(row.distribution.test!.reason!, /no pair answered differently/);
    assert.equal(row.verdict, 'unchanged');
  });

  it('says what changed between scenario versions and compares only what stays comparable', () => {
    const bs = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])], variants: [variant('baseline'), variant('pharma', { recipient: 'a drug company' })] });
    const cs = scenario({ arbitration: [whenRule({ consent: 'asked' }, 'decline'), rankRule(['privacy', 'prosocial'])], variants: [variant('baseline'), variant('pharma', { recipient: 'an insurer' })] });
    const b = side(bs, [{ header: header('b', ['baseline', 'pharma'], 6, ['m1'], 'hb'), sessions: heldPrivacy('pharma', times('decline', 6)) }], 'hb', 'git abc');
    const c = side(cs, [{ header: header('c', ['baseline', 'pharma'], 6, ['m1'], 'hc'), sessions: heldPrivacy('pharma', times('share', 6)) }], 'hc', 'the current file');
    const cmp = compareRuns([b], [c]);
    const sc = cmp.scenarios[0]!;
    assert.equal(sc.sameVersion, false);
    const vars = sc.changes.find((x) => x.what === 'vars')!;
    assert.equal(vars.variant, 'pharma');
    assert.equal(vars.detail, 'vars: recipient: "a drug company" → "an insurer"');
    assert.ok(sc.changes.some((x) => x.what === 'arbitration'));
    assert.match(sc.comparability.divergence!, /different rules on the two sides \(the arbitration rules changed\)/);
    const row = variantRow(cmp, 'pharma');
    assert.match(row.divergence.notCompared!, /arbitration rules changed/);
    assert.equal(row.divergence.test, null);
    assert.equal(row.distribution.notCompared, null, 'the action distribution is still compared');
    // 6 decline -> 6 share, paired: b = 6, c = 0, exact McNemar 2 * (1/2)^6 = 0.03125 (one test: Holm leaves it)
    close(row.distribution.test!.p, 0.03125, 1e-15, 'p');
    assert.equal(row.verdict, 'changed', 'significant, but an action distribution alone has no better or worse');
    // the baseline variant has no sessions on either side
    assert.equal(variantRow(cmp, 'baseline').verdict, 'not-compared');
    assert.equal(variantRow(cmp, 'baseline').distribution.notCompared, 'no sessions in the baseline');
    assert.match(variantRow(cmp, 'baseline').notes.join(), /baseline partial: 0 of 6/);
  });

  it('labels partial and zero-session runs, and says when nothing could be compared', () => {
    const b = side(s, [{ header: header('b', ['baseline'], 10), sessions: heldPrivacy('baseline', times('decline', 10)) }]);
    const empty = side(s, [{ header: header('c', ['baseline'], 10), sessions: [] }]);
    const cmp = compareRuns([b], [empty]);
    assert.equal(cmp.candidate.runs[0]!.status, 'zero sessions');
    assert.equal(cmp.baseline.runs[0]!.status, 'complete');
    assert.equal(cmp.summary.nothingCompared, true);
    assert.equal(cmp.summary.ok, true, 'no regression was found');
    assert.match(cmp.warnings.join(), /nothing could be compared/);
    assert.ok(cmp.rows.every((r) => r.verdict === 'not-compared'));
    assert.match(cmp.scenarios[0]!.notes.join(), /candidate run c: zero sessions/);
    const partial = side(s, [{ header: header('p', ['baseline'], 10), sessions: heldPrivacy('baseline', times('share', 7)) }]);
    const p = compareRuns([b], [partial]);
    assert.equal(p.candidate.runs[0]!.status, 'partial');
    const row = variantRow(p, 'baseline');
    assert.deepEqual(row.notes, ['candidate partial: 7 of 10 planned sessions']);
    assert.equal(row.pairing.paired, false, 'a partial run is not paired on the subset that happened to finish');
    assert.equal(row.distribution.test!.method, 'fisher-exact');
    // 10 decline vs 7 share: fisher.test(matrix(c(0, 7, 10, 0), 2)) = 1 / C(17, 7) = 1 / 19448 = 5.14191690662278e-05
    close(row.distribution.test!.p, 1 / 19448, 1e-12, 'Fisher p');
    assert.equal(row.verdict, 'regression');
  });

  it('compares only scenarios on both sides, and says which are not', () => {
    const other = { ...s, id: 'other' };
    const b = side(s, [{ header: header('b', ['baseline'], 3), sessions: heldPrivacy('baseline', times('decline', 3)) }]);
    const c = side(other, [{ header: { ...header('c', ['baseline'], 3), scenario: 'other' }, sessions: heldPrivacy('baseline', times('decline', 3)).map((x) => ({ ...x, scenario: 'other' })) }]);
    const cmp = compareRuns([b], [c]);
    assert.deepEqual(cmp.scenarios.map((x) => [x.scenario, x.status]), [['other', 'only-candidate'], ['test', 'only-baseline']]);
    assert.equal(cmp.rows.length, 0);
    assert.equal(cmp.summary.nothingCompared, true);
  });

  it('raises a false regression between two runs of the same random respondent in at most alpha of comparisons (chance baseline)', function () {
    this.timeout(120_000);
    // The null the gate must respect: actions unrelated to stated values, the same respondent on both sides,
    // fresh draws (paired places, so McNemar/Bowker and the path tests all run). Holm keeps the family-wise error at
    // alpha, and the exact tests are conservative, so well under 5% of 200 null comparisons may flag a regression.
    const random = seededRandom(20261130);
    const two = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])], variants: [variant('baseline'), variant('pharma')] });
    const logs = (id: string) => [{ header: header(id, ['baseline', 'pharma'], 24), sessions: ['baseline', 'pharma'].flatMap((v) => drawnSessions(v, 24, 0, random)) }];
    let alarms = 0;
    let anySignificant = 0;
    const runs = 200;
    for (let i = 0; i < runs; i++) {
      const cmp = compareRuns([side(two, logs(`b${i}`))], [side(two, logs(`c${i}`))]);
      if (cmp.summary.regressions > 0) alarms++;
      if (cmp.rows.some((r) => r.verdict !== 'unchanged' && r.verdict !== 'not-compared')) anySignificant++;
    }
    // Binomial(200, 0.05) exceeds 16 with probability 0.03; the seeded draws make this one fixed outcome.
    assert.ok(anySignificant <= 16, `${anySignificant} of ${runs} null comparisons had a significant difference`);
    assert.ok(alarms <= anySignificant);
  });
});
