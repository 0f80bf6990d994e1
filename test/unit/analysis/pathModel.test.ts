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
  it('fits a logistic regression that matches the closed form for one binary predictor', () => {
    // x = 0: 2 of 6 choose the reference (y = 1); x = 1: 5 of 6. The MLE is the 2 x 2 table's:
    // slope = log OR = log((5/1) / (2/4)) = log 10 = 2.302585, SE = sqrt(1/2 + 1/4 + 1/5 + 1/1) = sqrt(1.95) = 1.396424.
    // x is standardised: mean 0.5, SD sqrt(12 * 0.25 / 11) = sqrt(3/11) = 0.522233, so the slope on z is
    // 2.302585 * 0.522233 = 1.202478, its SE 1.396424 * 0.522233 = 0.729253; z = log 10 / sqrt(1.95) = 1.648906 either way.
    // Intercept on z: logit(2/6) + log 10 * 0.5 = -0.693147 + 1.151293 = 0.458145.
    const x = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1].map((v) => [v]);
    const y = [1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0];
    const data: PathData = { kind: 'logistic', values: ['v'], expected: [1], x, y, coding: 'test' };
    const fit = fitPathModel('m', data, { bootstrap: 200, seed: 3 }) as PathModelFit;
    assert.equal(fit.ok, true);
    const sd = Math.sqrt(3 / 11);
    close(fit.paths[0]!.estimate, Math.log(10) * sd, 1e-8, 'slope');
    close(fit.paths[0]!.se, Math.sqrt(1.95) * sd, 1e-8, 'se');
    close(fit.paths[0]!.statistic, Math.log(10) / Math.sqrt(1.95), 1e-8, 'z');
    close(fit.paths[0]!.p, normalTwoSided(Math.log(10) / Math.sqrt(1.95)), 1e-10, 'p');
    close(fit.intercept.estimate, Math.log(0.5) + Math.log(10) / 2, 1e-8, 'intercept');
    assert.ok(fit.paths[0]!.ci![0] < fit.paths[0]!.estimate && fit.paths[0]!.estimate < fit.paths[0]!.ci![1]);
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

  it('reports separation, too few samples and no variance as failures, never numbers', () => {
    const x = Array.from({ length: 20 }, (_, i) => [i]);
    const sep = fitPathModel('m', { kind: 'logistic', values: ['v'], expected: [1], x, y: x.map(([v]) => (v! >= 10 ? 1 : 0)), coding: '' });
    assert.equal(sep.ok, false);
    assert.match((sep as { failure: string }).failure, /separation/);
    assert.equal('paths' in sep, false);
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
