import * as assert from 'node:assert/strict';
import { chiSquareUpper } from '../../../../src/core/analysis/stats';
import { fitSem } from '../../../../src/core/analysis/sem/fitSem';
import { compareNested } from '../../../../src/core/analysis/sem/invariance';
import type { SemSuccess } from '../../../../src/core/analysis/sem/result';
import { inputFor, loadReference } from './referenceFixture';

describe('invariance ladder (Δχ² of nested fits)', () => {
  const ref = loadReference();
  const fit = (name: string) => {
    const r = fitSem(inputFor(ref.fits[name]!));
    assert.ok(r.ok);
    return r as SemSuccess;
  };

  for (const [restricted, general] of [['ml_likert_metric', 'ml_likert_configural'], ['ml_likert_scalar', 'ml_likert_metric'], ['ml_likert_metric_paths', 'ml_likert_metric']] as const) {
    it(`${restricted} against ${general} agrees with lavaan's chi-squares`, () => {
      const c = compareNested(fit(restricted), fit(general));
      const r = ref.fits[restricted]!.fit_measures; const g = ref.fits[general]!.fit_measures;
      assert.equal(c.dDf, r.df! - g.df!);
      assert.ok(Math.abs(c.dChisq - (r.chisq! - g.chisq!)) < 1e-4, `${c.dChisq}`);
      assert.ok(Math.abs(c.pvalue - chiSquareUpper(r.chisq! - g.chisq!, r.df! - g.df!)) < 1e-4);
      assert.ok(Math.abs(c.dCfi - (r.cfi! - g.cfi!)) < 1e-6);
      assert.ok(Math.abs(c.dRmsea - (r.rmsea! - g.rmsea!)) < 1e-6);
    });
  }

  it('with MLR fits adds the Satorra–Bentler (2001) scaled difference, as lavaan\'s lavTestLRT', () => {
    const mlr = (equal: ('loadings')[]) => {
      const r = fitSem({ ...inputFor(ref.fits.mlr_likert_configural!), equal });
      assert.ok(r.ok);
      return r as SemSuccess;
    };
    const c = compareNested(mlr(['loadings']), mlr([]));
    // lavTestLRT(metric, configural) with estimator = "MLR" in lavaan 0.6.14 on mg_likert.csv printed
    // Chisq diff 7.75766844427445 and Pr(>Chisq) 0.558739917383191 (options(digits = 15)).
    assert.ok(c.scaled);
    assert.ok(Math.abs(c.scaled.dChisq / 7.75766844427445 - 1) < 1e-4, String(c.scaled.dChisq));
    assert.ok(Math.abs(c.scaled.pvalue - 0.558739917383191) < 1e-4);
    assert.equal(compareNested(fit('ml_likert_metric'), fit('ml_likert_configural')).scaled, undefined);
  });

  it('refuses a comparison in the wrong order', () => {
    assert.throws(() => compareNested(fit('ml_likert_configural'), fit('ml_likert_metric')), /must have more degrees of freedom \(102 vs 111\)/);
  });
});
