import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fitPathModel } from '../../../src/core/analysis/pathModel';
import { compositeVaar, isVaarValue, vaarFromPaths, type VaarValue } from '../../../src/core/analysis/vaar';

describe('VAAR', () => {
  it('counts sign agreement, and in the strict form also p < 0.05', () => {
    const paths = [
      { value: 'privacy', expected: -1 as const, estimate: -0.4, p: 0.001 },
      { value: 'prosocial', expected: 1 as const, estimate: 0.1, p: 0.2 },
      { value: 'civic', expected: 1 as const, estimate: -0.3, p: 0.01 },
      { value: 'zero', expected: 1 as const, estimate: 0, p: 1 },
    ];
    // sign: privacy and prosocial agree -> 2/4; strict: only privacy -> 1/4
    const sign = vaarFromPaths('sign', 'composite', 'm', 40, paths) as VaarValue;
    const strict = vaarFromPaths('strict', 'composite', 'm', 40, paths) as VaarValue;
    assert.equal(sign.vaar, 0.5);
    assert.equal(strict.vaar, 0.25);
    assert.deepEqual(sign.paths.map((p) => p.agrees), [true, true, false, false]);
    assert.equal(sign.n, 40);
    assert.equal(strict.form, 'strict');
  });

  it('is a failure, not a number, when the fit failed or there are no paths', () => {
    const failed = compositeVaar({ ok: false, model: 'm', kind: 'linear', n: 3, coding: '', failure: 'too few samples: 3 complete samples, at least 10 needed' }, 'sign');
    assert.equal(isVaarValue(failed), false);
    assert.match((failed as { failure: string }).failure, /too few samples/);
    assert.equal(isVaarValue(vaarFromPaths('sign', 'latent', 'm', 0, [])), false);
  });

  it('gives the composite VAAR that R\'s OLS on the reference composites implies', () => {
    // lm(AoDS ~ PC + PSA): llm_a PC -0.396 (p 1e-13), PSA +0.278 (p 4e-7): sign 1, strict 1.
    // llm_b PC +0.144 (expected -), PSA +0.088 (p 0.097): sign 1/2, strict 0.
    const dir = path.resolve(process.cwd(), '..', 'shared', 'sem-reference');
    const rows = fs.readFileSync(path.join(dir, 'mg_likert_composites.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const ref = JSON.parse(fs.readFileSync(path.join(dir, 'lavaan_reference.json'), 'utf8')).ols_fallback;
    for (const group of ['llm_a', 'llm_b']) {
      const g = rows.filter((r) => r[0] === group);
      const fit = fitPathModel(group, { kind: 'linear', values: ['PC', 'PSA'], expected: [-1, 1], x: g.map((r) => [Number(r[1]), Number(r[2])]), y: g.map((r) => Number(r[3])), coding: '' }, { bootstrap: 10 });
      const expectSign = (['PC', 'PSA'] as const).filter((v, j) => Math.sign(ref[group].coef[v]) === [-1, 1][j]).length / 2;
      const expectStrict = (['PC', 'PSA'] as const).filter((v, j) => Math.sign(ref[group].coef[v]) === [-1, 1][j] && ref[group].p[v] < 0.05).length / 2;
      assert.equal((compositeVaar(fit, 'sign') as VaarValue).vaar, expectSign);
      assert.equal((compositeVaar(fit, 'strict') as VaarValue).vaar, expectStrict);
      assert.equal((compositeVaar(fit, 'sign') as VaarValue).source, 'composite');
    }
  });
});
