import * as assert from 'node:assert/strict';
import { bradleyTerry, type BtFit, type Comparison } from '../../../src/core/analysis/bradleyTerry';
import { kendallLower, kendallTau } from '../../../src/core/analysis/kendall';

const close = (actual: number | null | undefined, expected: number, tol: number, what = ''): void => {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${what} ${actual} != ${expected}`);
};

/** Comparisons from a table of (i, j, wins of i, wins of j) over named values. */
function table(names: string[], rows: [number, number, number, number][]): Comparison[] {
  const out: Comparison[] = [];
  for (const [i, j, wi, wj] of rows) {
    for (let k = 0; k < wi; k++) out.push({ winner: names[i - 1]!, loser: names[j - 1]! });
    for (let k = 0; k < wj; k++) out.push({ winner: names[j - 1]!, loser: names[i - 1]! });
  }
  return out;
}

describe('Bradley-Terry', () => {
  const names = ['privacy', 'prosocial', 'honesty', 'autonomy'];

  it('matches R glm on the standard design (s2-methods section 7 worked example)', () => {
    // R: pr <- data.frame(i = c(1,1,1,2,2,3), j = c(2,3,4,3,4,4), wi = c(7,4,8,2,6,9), wj = c(3,6,2,8,4,1))
    //    X[cbind(1:6, pr$i)] <- 1; X[cbind(1:6, pr$j)] <- -1
    //    glm(cbind(wi, wj) ~ X[, -1] - 1, binomial, control = glm.control(epsilon = 1e-14))
    // (glm's default epsilon = 1e-8 stops one step early and reports the SEs at that step's weights:
    //  0.503752950287, 0.507235665176, 0.53830365948 as in s2-methods; the estimates agree either way.)
    const fit = bradleyTerry(names, table(names, [[1, 2, 7, 3], [1, 3, 4, 6], [1, 4, 8, 2], [2, 3, 2, 8], [2, 4, 6, 4], [3, 4, 9, 1]])) as BtFit;
    assert.equal(fit.ok, true);
    assert.equal(fit.method, 'ml');
    assert.equal(fit.reference, 'privacy');
    const by = new Map(fit.strengths.map((s) => [s.value, s]));
    close(by.get('prosocial')!.strength, -0.925291967523, 1e-9, 'prosocial');
    close(by.get('prosocial')!.se, 0.503754470644, 1e-9, 'prosocial SE');
    close(by.get('honesty')!.strength, 0.497795553423, 1e-9, 'honesty');
    close(by.get('honesty')!.se, 0.5072368561, 1e-9, 'honesty SE');
    close(by.get('autonomy')!.strength, -1.423087520946, 1e-9, 'autonomy');
    close(by.get('autonomy')!.se, 0.538305783879, 1e-9, 'autonomy SE');
    close(by.get('autonomy')!.p, 0.00820194704598, 1e-12, 'autonomy p');
    close(fit.deviance, 0.131586813657, 1e-9, 'deviance');
    assert.equal(fit.df, 3);
    assert.deepEqual(fit.order, ['honesty', 'privacy', 'prosocial', 'autonomy']);
    assert.equal(by.get('privacy')!.se, null, 'the reference has no SE');
    assert.deepEqual([by.get('privacy')!.wins, by.get('privacy')!.losses], [19, 11]);
    // 95% Wald interval: estimate +- 1.959964 SE
    close(by.get('honesty')!.ci![0], 0.497795553423 - 1.959963984540054 * 0.5072368561, 1e-9);
  });

  it('detects separation (a value that never loses) and fits Firth on the same design, matching R brglm2 AS_mean', () => {
    // R: pr2 <- data.frame(i = c(1,1,2,2,3), j = c(2,3,3,4,4), wi = c(5,3,4,2,6), wj = c(0,0,3,5,2))
    //    glm(cbind(wi, wj) ~ X2[, -1] - 1, binomial, method = "brglmFit", type = "AS_mean", epsilon = 1e-12)
    //    -2.97978043194 (1.54983775430), -2.55502264487 (1.55796057736), -2.87775849219 (1.61050834607); ML runs to -21.6
    const comparisons = table(names, [[1, 2, 5, 0], [1, 3, 3, 0], [2, 3, 4, 3], [2, 4, 2, 5], [3, 4, 6, 2]]);
    const none = bradleyTerry(names, comparisons);
    assert.equal(none.ok, false);
    assert.match((none as { failure: string }).failure, /never loses to the rest/);
  });

  it('leaves out values never compared and refuses values with no common scale', () => {
    const fit = bradleyTerry(['a', 'b', 'c', 'd'], table(['a', 'b', 'c', 'd'], [[1, 2, 3, 2], [2, 3, 1, 1]])) as BtFit;
    assert.deepEqual(fit.uncompared, ['d']);
    assert.deepEqual(fit.strengths.map((s) => s.value), ['a', 'b', 'c']);
    const apart = bradleyTerry(['a', 'b', 'c', 'd'], table(['a', 'b', 'c', 'd'], [[1, 2, 3, 2], [3, 4, 1, 1]]));
    assert.match((apart as { failure: string }).failure, /no common scale/);
    assert.match((bradleyTerry(['a', 'b'], []) as { failure: string }).failure, /no decision/);
  });
});

describe('Kendall tau_b', () => {
  it('matches R cor.test: exact p without ties, the normal approximation with ties (s2-methods section 7)', () => {
    // R: cor.test(1:4, c(2, 3, 1, 4), method = "kendall"): tau 1/3, exact p 0.75
    const a = kendallTau([1, 2, 3, 4], [2, 3, 1, 4]);
    close(a.tau, 1 / 3, 1e-15);
    assert.equal(a.method, 'exact');
    close(a.p, 0.75, 1e-12);
    // R: cor.test(1:6, c(1, 3, 2, 2, 5, 4), method = "kendall"): C 11, D 3, tau_b 0.5520524475, z 1.5301841114, p 0.1259711631
    const b = kendallTau([1, 2, 3, 4, 5, 6], [1, 3, 2, 2, 5, 4]);
    assert.deepEqual([b.concordant, b.discordant], [11, 3]);
    close(b.tau, 0.5520524475, 1e-10);
    close(b.z, 1.5301841114, 1e-9);
    close(b.p, 0.1259711631, 1e-9);
    assert.equal(b.method, 'normal');
    // R: cor.test(1:5, c(-0.2, 0.5, 0.1, 1.3, 0.9), method = "kendall"): tau 0.6, p 0.233333333333
    close(kendallTau([1, 2, 3, 4, 5], [-0.2, 0.5, 0.1, 1.3, 0.9]).p, 0.233333333333, 1e-11);
    // R: cor.test(1:9, c(2,1,4,3,6,5,9,7,8), method = "kendall"): tau 0.722222222222, p 0.00588624338624
    const c = kendallTau([1, 2, 3, 4, 5, 6, 7, 8, 9], [2, 1, 4, 3, 6, 5, 9, 7, 8]);
    close(c.tau, 0.72222222222222, 1e-12);
    close(c.p, 0.00588624338624, 1e-12);
  });

  it('the exact law sums to one and is symmetric; a constant list has no tau', () => {
    close(kendallLower(1000, 7), 1, 1e-15);
    close(kendallLower(4, 6), 1 - kendallLower(15 - 4 - 1, 6), 1e-15);
    assert.equal(kendallTau([1, 2, 3], [1, 1, 1]).tau, null);
    // Two values: tau is +-1 and can never be significant (p = 1).
    const two = kendallTau([1, 2], [2, 1]);
    assert.equal(two.tau, -1);
    assert.equal(two.p, 1);
  });
});
