import * as assert from 'node:assert/strict';
import { noncentralChiSquareCdf } from '../../../../src/core/analysis/sem/distributions';
import { chiSquareUpper, normalCdf, normalTwoSided } from '../../../../src/core/analysis/stats';

/** erfc(x) = P(|Z| >= x√2): the two-sided normal tail the SEM's p-values use. */
const erfc = (x: number) => normalTwoSided(x * Math.SQRT2);
import { cholesky, inverse, inverseSpd, logDetFromCholesky, matMul, solve, transpose } from '../../../../src/core/analysis/sem/matrix';
import { bfgs } from '../../../../src/core/analysis/sem/optimize';

const A = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);

describe('dense linear algebra', () => {
  it('Cholesky reconstructs A and gives log|A|', () => {
    const l = cholesky(A, 3)!;
    const back = matMul(l, transpose(l, 3, 3), 3, 3, 3);
    back.forEach((v, k) => assert.ok(Math.abs(v - A[k]!) < 1e-14));
    // det by cofactor expansion, computed independently
    const det = 4 * (5 * 3 - 1 * 1) - 2 * (2 * 3 - 1 * 0.6) + 0.6 * (2 * 1 - 5 * 0.6);
    assert.ok(Math.abs(logDetFromCholesky(l, 3) - Math.log(det)) < 1e-14);
  });

  it('rejects a matrix that is not positive definite', () => {
    assert.equal(cholesky(Float64Array.from([1, 2, 2, 1]), 2), undefined);
    assert.equal(inverseSpd(Float64Array.from([1, 1, 1, 1]), 2), undefined);
  });

  it('inverts (SPD and general) and solves', () => {
    for (const inv of [inverseSpd(A, 3)!, inverse(A, 3)!]) {
      const id = matMul(A, inv, 3, 3, 3);
      id.forEach((v, k) => assert.ok(Math.abs(v - (k % 4 === 0 ? 1 : 0)) < 1e-14, `${k}: ${v}`));
    }
    const b = Float64Array.from([1, 2, 3]);
    const x = solve(Float64Array.from([0, 1, 0, 2, 0, 0, 0, 0, 4]), b, 3)!; // needs pivoting
    assert.deepEqual([...x], [1, 1, 0.75]);
    assert.equal(solve(Float64Array.from([1, 2, 2, 4]), Float64Array.from([1, 1]), 2), undefined);
  });
});

describe('distribution functions', () => {
  it('normal tails match known quantiles', () => {
    assert.ok(Math.abs(normalTwoSided(1.959963984540054) - 0.05) < 1e-13);
    assert.ok(Math.abs(normalTwoSided(-2.5758293035489) - 0.01) < 1e-12);
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-15);
    for (const [x, v] of [[0.5, 0.4795001221869535], [1, 0.15729920705028513], [2, 0.004677734981047266]] as const) assert.ok(Math.abs(erfc(x) / v - 1) < 1e-13, `erfc(${x})`);
    assert.ok(Math.abs(erfc(3) / 2.209049699858544e-5 - 1) < 1e-12);
    assert.ok(normalTwoSided(12) > 0 && normalTwoSided(12) < 1e-30);
  });

  it('chi-square upper tail matches known quantiles and the exponential case', () => {
    assert.ok(Math.abs(chiSquareUpper(3.841458820694124, 1) - 0.05) < 1e-12);
    assert.ok(Math.abs(chiSquareUpper(124.3421134, 100) - 0.05) < 1e-8);
    // df = 2 is exponential: P(X > x) = exp(−x/2)
    for (const x of [0.1, 1, 7.5, 40]) assert.ok(Math.abs(chiSquareUpper(x, 2) / Math.exp(-x / 2) - 1) < 1e-12);
    assert.equal(chiSquareUpper(0, 5), 1);
  });
});

describe('noncentral chi-square', () => {
  it('matches R\'s pchisq(x, df, ncp) and reduces to the central case at ncp = 0', () => {
    // Values printed by R 4.2.2: pchisq(10, 5, ncp = 3) etc.
    const cases: [number, number, number, number][] = [
      [10, 5, 3, 0.717236846431143382], [100, 50, 40, 0.743340095728130978],
      [4839, 400, 4000, 0.999535941450471643], [0.5, 3, 0.2, 0.074105308376853751],
    ];
    for (const [x, df, ncp, v] of cases) assert.ok(Math.abs(noncentralChiSquareCdf(x, df, ncp) - v) < 1e-10, `pchisq(${x}, ${df}, ${ncp})`);
    for (const x of [1, 5, 20]) assert.ok(Math.abs(noncentralChiSquareCdf(x, 4, 0) - (1 - chiSquareUpper(x, 4))) < 1e-15);
  });
});

describe('BFGS', () => {
  it('minimises the Rosenbrock function to the known optimum', () => {
    const r = bfgs((x, g) => {
      const a = x[0]!; const b = x[1]!;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    }, Float64Array.from([-1.2, 1]));
    assert.ok(r.converged);
    assert.ok(Math.abs(r.x[0]! - 1) < 1e-8 && Math.abs(r.x[1]! - 1) < 1e-8, String([...r.x]));
  });

  it('backs away from an inadmissible region (f = +∞) and reports non-convergence when capped', () => {
    const fg = (x: Float64Array, g: Float64Array) => {
      if (x[0]! <= 0) return Infinity;
      g[0] = 1 - 1 / x[0]!;
      return x[0]! - Math.log(x[0]!);
    };
    const r = bfgs(fg, Float64Array.from([5]));
    assert.ok(r.converged);
    assert.ok(Math.abs(r.x[0]! - 1) < 1e-9);
    const capped = bfgs(fg, Float64Array.from([50]), { maxIter: 1 });
    assert.equal(capped.converged, false);
  });
});
