import * as assert from 'node:assert/strict';
import { reportModel } from '../../../src/core/view/reportModel';
import { sampleAnalysis } from '../report/sampleAnalysis';

describe('report model: chart data from the analysis', () => {
  const a = sampleAnalysis();
  const m = reportModel(a);

  it('has one action bar per model, variant and outcome that occurred, counting the samples', () => {
    // counted from the samples themselves, not from the variant statistics the model reads
    const counts = new Map<string, number>();
    for (const s of a.samples) if (s.action.status === 'ok') {
      const k = `${s.model}|${s.variant}|${s.action.choice}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    assert.equal(m.actions.length, counts.size);
    for (const b of m.actions) assert.equal(b.count, counts.get(`${b.model}|${b.variant}|${b.outcome}`));
    // variant order first: every bar of the baseline comes before the first bar of the next variant
    const firstPharma = m.actions.findIndex((b) => b.variant === 'pharma');
    assert.ok(m.actions.slice(firstPharma).every((b) => b.variant === 'pharma'));
  });

  it('gives each model x variant its divergence rate inside its interval, and each model its pooled rate', () => {
    assert.equal(m.divergence.length, a.models.length * a.variants.length);
    for (const d of m.divergence) {
      if (d.rate === null) continue;
      assert.equal(d.rate, d.count / d.n);
      assert.ok(d.low! <= d.rate && d.rate <= d.high!);
    }
    assert.deepEqual(m.divergenceByModel.map((d) => d.model), a.models);
  });

  it('profiles every value per model and variant on the 0..1 scale', () => {
    assert.deepEqual(m.values, ['privacy', 'prosocial']);
    for (const p of m.profiles) for (const x of p.points) assert.ok(x.mean === null || (x.mean >= 0 && x.mean <= 1));
  });

  it('takes path estimates from fitted models and gives the reason for the others', () => {
    const fitted = a.perModel.filter((x) => x.pathModel.ok).map((x) => x.model);
    assert.deepEqual([...new Set(m.paths.map((p) => p.model))], fitted);
    for (const p of m.paths) if (p.low !== null) assert.ok(p.low <= p.high!);
    const failed = a.perModel.filter((x) => !x.pathModel.ok);
    assert.deepEqual(m.pathFailures.map((f) => f.model), failed.map((x) => x.model));
    assert.ok(m.pathFailures.every((f) => f.reason.length > 0));
    // Each fitted model says which fit it is and how many bootstrap resamples were fitted, as the CLI does.
    assert.deepEqual(m.pathFits.map((f) => f.model), fitted);
    for (const f of m.pathFits) {
      const pm = a.perModel.find((x) => x.model === f.model)!.pathModel;
      assert.ok(pm.ok);
      assert.match(f.estimator, pm.estimator === 'ols' ? /^OLS$/ : /^Firth's bias-reduced logistic regression/);
      assert.equal(f.bootstrap, `${pm.bootstrap.used} of ${pm.bootstrap.replicates} resamples fitted, ${pm.bootstrap.failed} failed${pm.bootstrap.failures.length ? ` (${pm.bootstrap.failures.map((x) => `${x.count}: ${x.reason}`).join('; ')})` : ''}`);
    }
  });

  it('lists VAAR per model in every form with its chance p, a failure without a number', () => {
    for (const model of a.models) assert.deepEqual(m.vaar.filter((v) => v.model === model && v.source === 'composite').map((v) => v.form), ['confidence', 'sign', 'strict']);
    for (const v of m.vaar) {
      if (v.failure) {
        assert.equal(v.vaar, null);
        assert.equal(v.chanceP, null);
        continue;
      }
      const own = a.perModel.find((x) => x.model === v.model)!.vaar[v.form];
      assert.ok('chance' in own);
      assert.equal(v.chanceP, own.chance.p, 'the chance p of the analysis, not recomputed');
      if (v.form === 'confidence') {
        assert.equal(v.chanceMethod, 'irwin-hall');
        assert.equal(v.logLoss, own.logLoss!.value);
      } else {
        assert.equal(v.vaar, v.agreeing / v.paths);
        assert.equal(v.chanceMethod, 'binomial');
      }
    }
  });

  it('says why there is no SEM fit for a choice action, and carries the asserts with their lines', () => {
    assert.equal(m.sem.fitted, false);
    assert.ok(m.sem.reason);
    assert.equal(m.asserts.length, a.asserts.length);
    assert.ok(m.asserts.every((x) => typeof x.line === 'number'));
  });
});
