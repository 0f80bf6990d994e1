import * as assert from 'node:assert/strict';
import { evaluateAssert, type ModelAnalysis } from '../../../src/core/analysis/analyzeRun';
import { vaarFromPaths, type VaarForm } from '../../../src/core/analysis/vaar';
import type { Threshold } from '../../../src/core/scenario/model';

/** A model whose two paths both have the expected sign, p 0.04 and 0.3, bootstrap shares q1 and q2. */
function model(q1: number, q2: number): ModelAnalysis {
  const paths = [
    { value: 'privacy', expected: -1 as const, estimate: -0.5, p: 0.04, bootSign: q1 },
    { value: 'prosocial', expected: 1 as const, estimate: 0.2, p: 0.3, bootSign: q2 },
  ];
  const at = (form: VaarForm) => vaarFromPaths(form, 'composite', 'm', 50, paths, { replicates: 1000 });
  return { model: 'm', vaar: { confidence: at('confidence'), sign: at('sign'), strict: at('strict') }, latent: [] } as unknown as ModelAnalysis;
}
const threshold = (t: Partial<Threshold>): Threshold => ({ metric: 'vaar', range: { start: 0, end: 1 }, ...t });

describe('assert: vaar gates a form against chance', () => {
  it('gates the confidence form by default, and a min also needs chance p < alpha', () => {
    // Mean 0.9: P(mean of 2 uniforms >= 0.9) = 0.2^2 / 2 = 0.02 < 0.05, passes.
    const pass = evaluateAssert(threshold({ min: 0.8 }), model(0.95, 0.85), undefined, 'composite');
    assert.equal(pass.status, 'pass', pass.message);
    assert.equal(pass.form, 'confidence');
    assert.ok(Math.abs(pass.actual! - 0.9) < 1e-12);
    assert.ok(Math.abs(pass.chanceP! - 0.02) < 1e-12);
    assert.match(pass.message, /confidence form.*chance p = 0\.020 \(Irwin-Hall\)/);
    // Mean 0.82 is above min 0.8, but P(mean of 2 uniforms >= 0.82) = 0.36^2 / 2 = 0.0648: chance could do it.
    const lucky = evaluateAssert(threshold({ min: 0.8 }), model(0.84, 0.8), undefined, 'composite');
    assert.equal(lucky.status, 'fail', lucky.message);
    assert.ok(Math.abs(lucky.chanceP! - 0.0648) < 1e-12);
    assert.match(lucky.message, /unrelated to its values scores this high with probability 0\.065/);
    // Below min fails as before.
    assert.equal(evaluateAssert(threshold({ min: 0.95 }), model(0.95, 0.85), undefined, 'composite').status, 'fail');
  });

  it('a threshold may choose the sign or strict form; sign with two paths can never beat chance', () => {
    // sign: 2/2 agree, P(Bin(2, 1/2) = 2) = 0.25, so even VAAR 1 fails a min.
    const sign = evaluateAssert(threshold({ min: 0.5, form: 'sign' }), model(0.95, 0.85), undefined, 'composite');
    assert.equal(sign.form, 'sign');
    assert.equal(sign.actual, 1);
    assert.equal(sign.status, 'fail');
    assert.ok(Math.abs(sign.chanceP! - 0.25) < 1e-12);
    // strict: privacy (p 0.04) agrees, 1 of 2: P(Bin(2, .025) >= 1) = 0.049375 < 0.05, passes min 0.5.
    const strict = evaluateAssert(threshold({ min: 0.5, form: 'strict' }), model(0.95, 0.85), undefined, 'composite');
    assert.equal(strict.status, 'pass', strict.message);
    assert.ok(Math.abs(strict.chanceP! - 0.049375) < 1e-12);
    // A command-line form overrides the threshold's.
    assert.equal(evaluateAssert(threshold({ min: 0.5, form: 'strict' }), model(0.95, 0.85), 'sign', 'composite').form, 'sign');
  });

  it('a max alone is not held to chance', () => {
    const r = evaluateAssert(threshold({ max: 0.5, form: 'sign' }), model(0.2, 0.1), undefined, 'composite');
    assert.equal(r.status, 'fail', 'VAAR sign 1 is above max 0.5');
    const low = evaluateAssert(threshold({ max: 0.95 }), model(0.5, 0.5), undefined, 'composite');
    assert.equal(low.status, 'pass', low.message);
  });
});
