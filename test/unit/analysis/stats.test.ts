import * as assert from 'node:assert/strict';
import {
  chiSquareCdf, chiSquareUpper, normalCdf, normalQuantile, normalTwoSided, quantile, sampleSd, tCdf, tTwoSided, twoByKTest, wilsonInterval,
} from '../../../src/core/analysis/stats';
import { seededRandom } from '../../../src/core/random';

const close = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);

describe('stats', () => {
  it('computes the Wilson interval of 3/10 as worked by hand', () => {
    // z = 1.959964, z^2 = 3.841459, p = 0.3, n = 10
    // denom = 1 + z^2/n = 1.3841459; centre = (0.3 + z^2/20) / denom = 0.4920729 / 1.3841459 = 0.3555066
    // half = z * sqrt(0.3*0.7/10 + z^2/400) / denom = 1.959964 * sqrt(0.0306036) / 1.3841459 = 0.2477153
    const ci = wilsonInterval(3, 10)!;
    close(ci.low, 0.3555066 - 0.2477153, 1e-6, 'low'); // R: binom.wilson 0.1077913
    close(ci.high, 0.3555066 + 0.2477153, 1e-6, 'high'); // 0.6032219
  });

  it('keeps the Wilson interval inside 0..1 at 0/10 and gives none at n = 0', () => {
    // p = 0: centre = half = (z^2/20) / 1.3841459 = 0.1920729 / 1.3841459 = 0.1387664, so [0, 0.2775328]
    const ci = wilsonInterval(0, 10)!;
    close(ci.low, 0, 1e-12, 'low');
    close(ci.high, 0.2775328, 1e-6, 'high');
    assert.equal(wilsonInterval(0, 0), null);
  });

  it('has a normal CDF and quantile that agree with the tables in both tails', () => {
    close(normalCdf(1.959963984540054), 0.975, 1e-12, 'Phi(1.96)');
    close(normalCdf(-3), 0.0013498980316301, 1e-14, 'Phi(-3)');
    close(normalTwoSided(1), 0.3173105078629141, 1e-13, 'P(|Z|>1)');
    close(normalTwoSided(10), 1.523970604832105e-23, 1e-33, 'far tail');
    close(normalQuantile(0.975), 1.959963984540054, 1e-12, 'quantile');
    close(normalQuantile(0.001), -3.090232306167813, 1e-11, 'low quantile');
  });

  it('has chi-square and t distributions that match their closed forms', () => {
    // chi-square, 2 df: CDF = 1 - exp(-x/2)
    close(chiSquareCdf(4, 2), 1 - Math.exp(-2), 1e-13, 'chisq 2df');
    close(chiSquareUpper(3.841458820694124, 1), 0.05, 1e-12, 'chisq 1df critical value');
    // t, 1 df, is Cauchy: P(|T| >= 1) = 1 - 2 atan(1) / pi = 0.5
    close(tTwoSided(1, 1), 0.5, 1e-13, 't 1df');
    // t, 2 df: P(|T| >= t) = 1 - t / sqrt(2 + t^2); t = 2 -> 1 - 2/sqrt(6)
    close(tTwoSided(2, 2), 1 - 2 / Math.sqrt(6), 1e-13, 't 2df');
    close(tCdf(-2, 2), (1 - 2 / Math.sqrt(6)) / 2, 1e-13, 't 2df lower');
    close(tTwoSided(2.228138851986274, 10), 0.05, 1e-12, 't 10df critical value');
  });

  it('gives Fisher exact p = 34/70 for the tea-tasting table', () => {
    // [[3,1],[1,3]]: margins 4,4 / 4,4, n = 8. P(a = k) = C(4,k) C(4,4-k) / C(8,4) = [1,16,36,16,1]/70.
    // Observed a = 3 has 16/70; the tables no more probable are k = 0,1,3,4: (1+16+16+1)/70.
    const t = twoByKTest([3, 1], [1, 3]);
    assert.equal(t.method, 'exact');
    close(t.p, 34 / 70, 1e-12, 'p');
  });

  it('gives the Freeman-Halton p of a 2 x 3 table', () => {
    // rows [2,0,1] / [0,2,1]: columns 2,2,2, first row total 3, C(6,3) = 20 tables' weight.
    // weight of (a1,a2,a3) = C(2,a1) C(2,a2) C(2,a3): the six permutations of (2,1,0) weigh 2 each, (1,1,1) weighs 8.
    // Observed (2,0,1) weighs 2; the tables no more probable are the six permutations: 12/20.
    const t = twoByKTest([2, 0, 1], [0, 2, 1]);
    close(t.p, 12 / 20, 1e-12, 'p');
    assert.equal(twoByKTest([5, 0], [5, 0]).p, 1);
    assert.equal(twoByKTest([0, 0], [3, 2]).method, 'none');
  });

  it('estimates the exact p with a seeded permutation test, reproducibly', () => {
    const a = twoByKTest([3, 1], [1, 3], { maxTables: 0, permutations: 20000, seed: 7 });
    const b = twoByKTest([3, 1], [1, 3], { maxTables: 0, permutations: 20000, seed: 7 });
    assert.equal(a.method, 'permutation');
    assert.equal(a.p, b.p);
    // Monte Carlo SE at p = 0.49 and 20000 draws is 0.0035; allow 4 SE.
    close(a.p, 34 / 70, 0.015, 'permutation p');
  });

  it('has a seeded PRNG, the R type-7 quantile and the n - 1 SD', () => {
    const r1 = seededRandom(42);
    const r2 = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => r1());
    assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => r2()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    close(xs.reduce((a, b) => a + b, 0) / xs.length, 0.5, 0.05, 'mean of uniforms');
    // [1,2,3,4] at 0.25: h = 3 * 0.25 = 0.75 -> 1 + 0.75 * (2 - 1)
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
    // sd of 6, 4: mean 5, squares 1 + 1, / (2 - 1) -> sqrt(2)
    close(sampleSd([6, 4]), Math.SQRT2, 1e-15, 'sd');
  });
});
