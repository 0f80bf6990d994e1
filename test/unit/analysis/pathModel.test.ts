import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSample } from '../../../src/core/analysis/divergence';
import { fitPathModel, pathData, type PathData, type PathModelFit } from '../../../src/core/analysis/pathModel';
import { normalTwoSided, sampleSd } from '../../../src/core/analysis/stats';
import { scenario, simple } from './fixtures';

const close = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);

const referenceDir = path.resolve(process.cwd(), '..', 'shared', 'sem-reference');

describe('the composite path model', () => {
  it('fits Firth\'s logistic regression, which for one binary predictor is the 2 x 2 table with 1/2 added to each cell', () => {
    // x = 0: 2 of 6 choose the reference (y = 1); x = 1: 5 of 6. The model is saturated, so Firth's
    // estimate is the log odds ratio of the table with 1/2 added to every cell (Firth 1993):
    // slope = log((5.5 / 1.5) / (2.5 / 4.5)) = log 6.6 = 1.887070; fitted p0 = 2.5 / 7, p1 = 5.5 / 7, so the
    // inverse Fisher information gives var = 1 / (6 p0 q0) + 1 / (6 p1 q1) = 49 / 67.5 + 49 / 49.5, SE 1.309895.
    // x is standardised (mean 0.5, SD sqrt(3/11)): slope on z 0.985489983386, SE 0.684070354401, intercept
    // log(2.5 / 4.5) + log 6.6 / 2 = 0.355748159614 (SE 0.654947500916). R: glm(y ~ z, binomial,
    // method = "brglmFit", type = "AS_mean", epsilon = 1e-12) gives the same four numbers to the digits shown.
    const x = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1].map((v) => [v]);
    const y = [1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0];
    const data: PathData = { kind: 'logistic', values: ['v'], expected: [1], x, y, coding: 'test' };
    const fit = fitPathModel('m', data, { bootstrap: 200, seed: 3 }) as PathModelFit;
    assert.equal(fit.ok, true);
    assert.equal(fit.estimator, 'firth');
    assert.equal(fit.separation, null, 'the ML estimate exists here');
    const sd = Math.sqrt(3 / 11);
    const se = Math.sqrt(49 / 67.5 + 49 / 49.5);
    close(fit.paths[0]!.estimate, Math.log(6.6) * sd, 1e-9, 'slope');
    close(fit.paths[0]!.se, se * sd, 1e-9, 'se');
    close(fit.paths[0]!.statistic, Math.log(6.6) / se, 1e-8, 'z');
    close(fit.paths[0]!.p, normalTwoSided(Math.log(6.6) / se), 1e-10, 'p');
    close(fit.intercept.estimate, Math.log(2.5 / 4.5) + Math.log(6.6) / 2, 1e-9, 'intercept');
    close(fit.intercept.se, 0.654947500916, 1e-9, 'intercept se');
    assert.ok(fit.paths[0]!.ci![0] < fit.paths[0]!.estimate && fit.paths[0]!.estimate < fit.paths[0]!.ci![1]);
    assert.deepEqual([fit.bootstrap.used, fit.bootstrap.failed], [200, 0]);
  });

  it('fits a separated choice action (Firth, finite) and says that the ML estimate does not exist; the bootstrap keeps every resample', () => {
    // y = 1 exactly when x >= 10 (complete separation). R, on z = scale(0:19):
    // glm(y ~ z, binomial, method = "brglmFit", type = "AS_mean", epsilon = 1e-12):
    // intercept 1.98e-16 (SE 0.923425609336), slope 5.04278437289 (SE 2.58091236159).
    const x = Array.from({ length: 20 }, (_, i) => [i]);
    const fit = fitPathModel('m', { kind: 'logistic', values: ['v'], expected: [1], x, y: x.map(([v]) => (v! >= 10 ? 1 : 0)), coding: '' }, { bootstrap: 300, seed: 5 }) as PathModelFit;
    assert.equal(fit.ok, true);
    assert.equal(fit.estimator, 'firth');
    assert.match(fit.separation!, /separation/);
    close(fit.paths[0]!.estimate, 5.04278437289, 1e-8, 'slope');
    close(fit.paths[0]!.se, 2.58091236159, 1e-8, 'slope se');
    close(fit.intercept.estimate, 0, 1e-8, 'intercept');
    close(fit.intercept.se, 0.923425609336, 1e-8, 'intercept se');
    // Every resample is separated (or has one action only) and every one is fitted: none is dropped.
    assert.deepEqual(fit.bootstrap, { replicates: 300, seed: 5, used: 300, failed: 0, failures: [] });
    assert.ok(fit.paths[0]!.ci![0] > 0, 'every resample has the expected (positive) slope');
    assert.equal(fit.paths[0]!.bootSignAgreement, 1);
  });

  it('counts a bootstrap resample that cannot be fitted, with its reason, and never drops it silently', () => {
    // The second value is 1 for one sample and 0 for the other eleven: a resample without that sample
    // (probability (11/12)^12 = 0.35 each) has no variance in it, so no slope: the fit of such a resample fails.
    const x = Array.from({ length: 12 }, (_, i) => [(i * 5) % 12, i === 11 ? 1 : 0]);
    const y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1];
    const fit = fitPathModel('m', { kind: 'logistic', values: ['a', 'b'], expected: [1, 1], x, y, coding: '' }, { bootstrap: 200, seed: 2 }) as PathModelFit;
    assert.equal(fit.ok, true);
    const b = fit.bootstrap;
    assert.ok(b.failed > 40 && b.failed < 110, `about 35% of 200 fail: ${b.failed}`);
    assert.equal(b.used + b.failed, b.replicates);
    assert.equal(b.failures.reduce((s, f) => s + f.count, 0), b.failed);
    assert.match(b.failures[0]!.reason, /collinear/);
    // The sign agreement is over all replicates: a failed one never counts as agreeing.
    assert.ok(fit.paths[1]!.bootSignAgreement! <= b.used / b.replicates);
  });

  it('is reproducible: same seed, same bootstrap intervals', () => {
    const x = Array.from({ length: 30 }, (_, i) => [i % 7, (i * 3) % 5]);
    const y = x.map(([a, b], i) => a! - b! + (i % 3));
    const data: PathData = { kind: 'linear', values: ['a', 'b'], expected: [1, -1], x, y, coding: 'test' };
    const a = fitPathModel('m', data, { bootstrap: 300, seed: 11 }) as PathModelFit;
    const b = fitPathModel('m', data, { bootstrap: 300, seed: 11 }) as PathModelFit;
    assert.deepEqual(a.paths.map((p) => p.ci), b.paths.map((p) => p.ci));
  });

  it('agrees with R\'s per-group OLS on the composite reference data (lm on PC, PSA)', () => {
    const ref = JSON.parse(fs.readFileSync(path.join(referenceDir, 'lavaan_reference.json'), 'utf8')).ols_fallback;
    const rows = fs.readFileSync(path.join(referenceDir, 'mg_likert_composites.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    for (const group of ['llm_a', 'llm_b']) {
      const g = rows.filter((r) => r[0] === group);
      const x = g.map((r) => [Number(r[1]), Number(r[2])]);
      const y = g.map((r) => Number(r[3]));
      const fit = fitPathModel(group, { kind: 'linear', values: ['PC', 'PSA'], expected: [-1, 1], x, y, coding: 'test' }, { bootstrap: 2000, seed: 1 }) as PathModelFit;
      assert.equal(fit.ok, true);
      assert.equal(fit.n, ref[group].n);
      close(fit.r2, ref[group].r2, 1e-10, `${group} R2`);
      fit.paths.forEach((p, j) => {
        const name = ['PC', 'PSA'][j]!;
        const sdx = sampleSd(x.map((r) => r[j]!));
        // Our predictors are standardised: the slope is R's raw slope times SD(x); t and p do not change.
        close(p.estimate, ref[group].coef[name] * sdx, 1e-9, `${group} ${name} est`);
        close(p.se, ref[group].se[name] * sdx, 1e-9, `${group} ${name} se`);
        close(p.statistic, ref[group].t[name], 1e-8, `${group} ${name} t`);
        close(p.p / ref[group].p[name], 1, 1e-6, `${group} ${name} p`);
        // Different resampling streams: percentile bounds agree to Monte Carlo error (B = 2000 each).
        const [lo, hi] = ref[group].boot_percentile_95[name];
        close(p.ci![0], lo * sdx, 0.02, `${group} ${name} ci low`);
        close(p.ci![1], hi * sdx, 0.02, `${group} ${name} ci high`);
      });
    }
  });

  it('codes a choice action as 1 for the choice the first value expects and signs the paths from expect', () => {
    const s = scenario();
    // privacy expects decline (the reference choice, sign +1); prosocial expects share (sign -1)
    const samples = [simple([7, 1], [1, 1], 'decline'), simple([1, 7], [5, 5], 'share'), simple([4, 4], [3, 3], { status: 'unparsed', raw: '?', latencyMs: 1 })]
      .map((x) => analyzeSample(s, s.variants[0], x));
    const d = pathData(s, samples) as PathData;
    assert.equal(d.kind, 'logistic');
    assert.deepEqual(d.values, ['privacy', 'prosocial']);
    assert.deepEqual(d.expected, [1, -1]);
    assert.deepEqual(d.y, [1, 0]);
    assert.deepEqual(d.x, [[7, 1], [1, 5]]);
    assert.match(d.coding, /"decline"/);
  });

  it('reports too few samples, no variance and collinearity as failures, never numbers', () => {
    const x = Array.from({ length: 20 }, (_, i) => [i]);
    const few = fitPathModel('m', { kind: 'linear', values: ['v'], expected: [1], x: x.slice(0, 4), y: [1, 2, 3, 5], coding: '' });
    assert.match((few as { failure: string }).failure, /too few samples: 4/);
    const flat = fitPathModel('m', { kind: 'linear', values: ['v'], expected: [1], x: x.map(() => [3]), y: x.map(([v]) => v!), coding: '' });
    assert.match((flat as { failure: string }).failure, /no variance in v/);
    const flatY = fitPathModel('m', { kind: 'linear', values: ['v'], expected: [1], x, y: x.map(() => 2), coding: '' });
    assert.match((flatY as { failure: string }).failure, /no variance in the action/);
    const collinear = fitPathModel('m', { kind: 'linear', values: ['a', 'b'], expected: [1, 1], x: x.map(([v]) => [v!, 2 * v! + 1]), y: x.map(([v]) => (v! * 7) % 5), coding: '' });
    assert.match((collinear as { failure: string }).failure, /collinear/);
  });
});
