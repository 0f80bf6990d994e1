import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fitPathModel } from '../../../src/core/analysis/pathModel';
import { compositeVaar, isVaarValue, vaarFromPaths, type VaarValue } from '../../../src/core/analysis/vaar';
import { binomialUpper, irwinHallMeanUpper, logLossLower } from '../../../src/core/analysis/vaarChance';

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

describe('VAAR confidence form and chance baselines', () => {
  it('the Irwin-Hall, binomial and Gamma tails agree with R', () => {
    // Rscript: f <- function(k, m) integrate(function(s) sapply(s, function(x) sum(sapply(0:floor(x),
    //   function(j) (-1)^j*choose(k,j)*(x-j)^(k-1)))/factorial(k-1)), k*m, k, rel.tol = 1e-12)$value
    // (numeric integration of the Irwin-Hall density) gives f(1,.7) = 0.3, f(2,.8) = 0.08,
    // f(3,.6) = 0.2840000000, f(3,.9) = 0.0045, f(4,.55) = 0.3691333333, f(5,.75) = 0.0253906250,
    // f(8,.62) = 0.1223498587; a simulation, set.seed(1); mean(rowMeans(matrix(runif(3e6), ncol = 3)) >= .6),
    // gives 0.2835, beside 0.2840. By hand: P(S3 >= 1.8) = P(S3 <= 1.2) = (1.2^3 - 3 * 0.2^3) / 6 = 0.284.
    const cases: [number, number, number][] = [[1, 0.7, 0.3], [2, 0.8, 0.08], [3, 0.6, 0.284], [3, 0.9, 0.0045], [4, 0.55, 0.3691333333], [5, 0.75, 0.025390625], [8, 0.62, 0.1223498587]];
    for (const [k, m, r] of cases) assert.ok(Math.abs(irwinHallMeanUpper(k, m) - r) < 1e-8, `k = ${k}, m = ${m}: ${irwinHallMeanUpper(k, m)} vs R ${r}`);
    assert.equal(irwinHallMeanUpper(3, 0), 1);
    assert.equal(irwinHallMeanUpper(3, 1), 0);
    // pbinom(1, 3, .5, lower.tail = FALSE) = 0.5; pbinom(0, 2, .025, lower.tail = FALSE) = 0.049375;
    // pbinom(1, 3, .025, lower.tail = FALSE) = 0.00184375
    assert.ok(Math.abs(binomialUpper(3, 2, 0.5) - 0.5) < 1e-12);
    assert.ok(Math.abs(binomialUpper(2, 1, 0.025) - 0.049375) < 1e-12);
    assert.ok(Math.abs(binomialUpper(3, 2, 0.025) - 0.00184375) < 1e-12);
    assert.equal(binomialUpper(3, 0, 0.5), 1);
    // pgamma(3 * 0.4, 3) = 0.120512901216; pgamma(2 * 0.9, 2) = 0.537163112980
    assert.ok(Math.abs(logLossLower(3, 0.4) - 0.120512901216) < 1e-10);
    assert.ok(Math.abs(logLossLower(2, 0.9) - 0.53716311298) < 1e-10);
  });

  it('confidence is the mean bootstrap share of the expected sign, with its log-loss and chance p', () => {
    const paths = [
      { value: 'privacy', expected: -1 as const, estimate: -0.4, p: 0.001, bootSign: 0.9 },
      { value: 'prosocial', expected: 1 as const, estimate: 0.1, p: 0.2, bootSign: 0.7 },
      { value: 'civic', expected: 1 as const, estimate: -0.3, p: 0.01, bootSign: 0.2 },
    ];
    const v = vaarFromPaths('confidence', 'composite', 'm', 40, paths, { replicates: 1000 }) as VaarValue;
    // (0.9 + 0.7 + 0.2) / 3 = 0.6; chance: P(mean of 3 uniforms >= 0.6) = 0.284 (R and by hand above)
    assert.ok(Math.abs(v.vaar - 0.6) < 1e-12);
    assert.ok(Math.abs(v.chance.p - 0.284) < 1e-8);
    assert.equal(v.chance.method, 'irwin-hall');
    // log-loss = -(log .9 + log .7 + log .2) / 3 = 0.6892801 (by hand: 0.1053605 + 0.3566749 + 1.6094379 = 2.0714733)
    assert.ok(Math.abs(v.logLoss!.value - 2.0714733 / 3) < 1e-6);
    assert.deepEqual(v.paths.map((p) => p.confidence), [0.9, 0.7, 0.2]);
    assert.deepEqual(v.paths.map((p) => p.agrees), [true, true, false]);
    assert.equal(v.confidenceFrom, 'bootstrap');
    // Every resample on the expected side is clipped at 1000/1001, never log 1 = 0.
    const sure = vaarFromPaths('confidence', 'composite', 'm', 40, [{ ...paths[0]!, bootSign: 1 }], { replicates: 1000 }) as VaarValue;
    assert.ok(Math.abs(sure.logLoss!.value - Math.log(1001 / 1000)) < 1e-12);
    assert.equal(sure.chance.p, 0);
  });

  it('without a bootstrap (latent model) confidence is Phi(expected * estimate / se)', () => {
    // pnorm(-(-0.4) / 0.2) = pnorm(2) = 0.9772499; pnorm(0.1 / 0.5) = pnorm(0.2) = 0.5792597
    const v = vaarFromPaths('confidence', 'latent', 'm', 40, [
      { value: 'privacy', expected: -1, estimate: -0.4, p: 0.05, se: 0.2 },
      { value: 'prosocial', expected: 1, estimate: 0.1, p: 0.8, se: 0.5 },
    ]) as VaarValue;
    assert.ok(Math.abs(v.vaar - (0.9772499 + 0.5792597) / 2) < 1e-6);
    assert.equal(v.confidenceFrom, 'normal');
    assert.equal(isVaarValue(vaarFromPaths('confidence', 'latent', 'm', 40, [{ value: 'x', expected: 1, estimate: 1, p: 0.1 }])), false);
  });

  it('sign and strict carry exact binomial chance p-values', () => {
    const paths = [
      { value: 'a', expected: -1 as const, estimate: -0.4, p: 0.001 },
      { value: 'b', expected: 1 as const, estimate: 0.1, p: 0.2 },
      { value: 'c', expected: 1 as const, estimate: -0.3, p: 0.01 },
    ];
    const sign = vaarFromPaths('sign', 'composite', 'm', 40, paths) as VaarValue;
    const strict = vaarFromPaths('strict', 'composite', 'm', 40, paths) as VaarValue;
    // sign: 2 of 3 agree, P(Bin(3, 1/2) >= 2) = 0.5; strict: 1 of 3, P(Bin(3, .025) >= 1) = 1 - .975^3 = 0.073140625 (R: pbinom(0, 3, .025, lower.tail = FALSE))
    assert.ok(Math.abs(sign.chance.p - 0.5) < 1e-12);
    assert.ok(Math.abs(strict.chance.p - 0.073140625) < 1e-12);
    assert.equal(strict.chance.perPath, 0.025);
  });

  it('the composite confidence form reads the path model\'s bootstrap sign shares', () => {
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 40; i++) {
      const a = Math.sin(i * 1.7) * 2 + 4;
      const b = Math.cos(i * 2.3) * 2 + 4;
      x.push([a, b]);
      y.push(-0.5 * a + 0.1 * b + Math.sin(i * 5.1));
    }
    const fit = fitPathModel('m', { kind: 'linear', values: ['a', 'b'], expected: [-1, 1], x, y, coding: '' }, { bootstrap: 200, seed: 3 });
    assert.ok(fit.ok);
    const v = compositeVaar(fit, 'confidence') as VaarValue;
    const shares = fit.paths.map((p) => p.bootSignAgreement!);
    assert.deepEqual(v.paths.map((p) => p.confidence), shares);
    assert.ok(Math.abs(v.vaar - (shares[0]! + shares[1]!) / 2) < 1e-12);
    assert.ok(Math.abs(v.chance.p - irwinHallMeanUpper(2, v.vaar)) < 1e-15);
  });
});
