import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { holmAdjust } from '../../../src/core/analysis/holm';
import { exactBowker, exactMcNemar } from '../../../src/core/analysis/pairedTests';
import { twoByKTest } from '../../../src/core/analysis/stats';
import { seededRandom, randomInt } from '../../../src/core/random';

const close = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);

describe('paired tests and Holm (s2-methods section 3)', () => {
  it('gives the worked example\'s exact McNemar p, from the counts and from the 2 x 2 table', () => {
    // s2-methods §3 [R]: tab <- matrix(c(20, 2, 9, 9), 2); b = 9, c = 2; binom.test(9, 11)$p.value = 0.0654296875
    // By hand: 2 * P(X <= 2), X ~ Bin(11, 1/2) = 2 * (1 + 11 + 55) / 2048 = 134 / 2048 = 0.0654296875
    close(exactMcNemar(9, 2), 0.0654296875, 1e-15, 'exact McNemar');
    const t = exactBowker([[20, 9], [2, 9]]);
    assert.equal(t.method, 'exact');
    close(t.p, 0.0654296875, 1e-15, 'Bowker on 2 x 2 = McNemar');
    // mcnemar.test(tab, correct = FALSE): chi-square 4.454545 (the uncorrected statistic is Bowker's)
    close(t.statistic, 4.454545454545454, 1e-12, 'statistic');
    assert.equal(t.discordant, 11);
  });

  it('gives p = 1 for balanced discordance and no test without discordant pairs', () => {
    close(exactMcNemar(3, 3), 1, 0, 'balanced'); // 2 * P(X <= 3 | 6) = 2 * 42/64 > 1 -> 1
    assert.equal(exactMcNemar(0, 0), 1);
    const none = exactBowker([[5, 0], [0, 7]]);
    assert.equal(none.method, 'none');
    assert.ok(Number.isNaN(none.p));
  });

  it('gives the exact Bowker p of 3 x 3 tables as an independent enumeration in R does', () => {
    // R (enumerating every combination of the off-diagonal binomials with expand.grid; /tmp script in docs/compare.md):
    //   t3 <- matrix(c(10,1,2, 6,8,0, 4,3,5), 3, byrow = TRUE): statistic 7.23809523809524, p 0.051513671875
    //     (mcnemar.test(t3): McNemar's chi-squared = 7.2381, df = 3, asymptotic p 0.06468)
    //   t4 <- matrix(c(5,0,3, 7,4,1, 0,6,2), 3, byrow = TRUE): statistic 13.5714285714286, p 0.0010986328125
    const t3 = exactBowker([[10, 1, 2], [6, 8, 0], [4, 3, 5]]);
    close(t3.statistic, 7.23809523809524, 1e-12, 't3 statistic');
    assert.equal(t3.df, 3);
    close(t3.p, 0.051513671875, 1e-12, 't3 p');
    const t4 = exactBowker([[5, 0, 3], [7, 4, 1], [0, 6, 2]]);
    close(t4.statistic, 13.5714285714286, 1e-12, 't4 statistic');
    close(t4.p, 0.0010986328125, 1e-12, 't4 p');
  });

  it('falls back to a seeded Monte Carlo that agrees with the enumeration when the enumeration is capped', () => {
    const table = [[10, 1, 2], [6, 8, 0], [4, 3, 5]];
    const mc = exactBowker(table, { maxStates: 3, draws: 40_000, seed: 7 });
    assert.equal(mc.method, 'monte-carlo');
    assert.equal(mc.draws, 40_000);
    // SE of a p near 0.0515 over 40,000 draws is about 0.0011: four of them
    close(mc.p, 0.051513671875, 0.0045, 'Monte Carlo p');
    assert.deepEqual(exactBowker(table, { maxStates: 3, draws: 1000, seed: 7 }), exactBowker(table, { maxStates: 3, draws: 1000, seed: 7 }), 'seeded: the same draws');
  });

  it('gives the worked example\'s Fisher p through the 2 x K test', () => {
    // s2-methods §3 [R]: fisher.test(matrix(c(12, 3, 5, 10), 2)) p = 0.0253276870 (run A 12 share / 5 decline, run B 3 / 10)
    const t = twoByKTest([12, 5], [3, 10]);
    assert.equal(t.method, 'exact');
    close(t.p, 0.0253276870336761, 1e-12, 'Fisher');
    // Freeman-Halton, R: fisher.test(matrix(c(8,2, 3,9, 4,1), 2))$p.value = 0.0248026617793742
    close(twoByKTest([8, 3, 4], [2, 9, 1]).p, 0.0248026617793742, 1e-12, 'Freeman-Halton');
  });

  it('gives the worked example\'s Holm adjustment and leaves missing p-values out of the family', () => {
    // s2-methods §3 [R]: p.adjust(c(0.012, 0.30, 0.004, 0.045, 0.62), "holm") = 0.048, 0.600, 0.020, 0.135, 0.620
    const adj = holmAdjust([0.012, 0.30, 0.004, 0.045, 0.62]);
    [0.048, 0.6, 0.02, 0.135, 0.62].forEach((x, i) => close(adj[i]!, x, 1e-15, `holm[${i}]`));
    // By hand, m = 2 once the NaN is out: 0.01 * 2 = 0.02, then max(0.02, 0.04 * 1) = 0.04
    const withNone = holmAdjust([0.04, NaN, 0.01]);
    close(withNone[0]!, 0.04, 1e-15, 'second of two');
    assert.ok(Number.isNaN(withNone[1]!));
    close(withNone[2]!, 0.02, 1e-15, 'first of two');
    assert.deepEqual(holmAdjust([]), []);
  });

  it('agrees with R on random tables: binom.test, fisher.test, p.adjust and an exact Bowker enumeration (when Rscript is installed)', function () {
    const probe = spawnSync('Rscript', ['-e', 'library(jsonlite)'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) this.skip();
    this.timeout(120_000);
    const random = seededRandom(20261130);
    const cases = Array.from({ length: 25 }, () => {
      const k = 2 + randomInt(random, 2);
      const square = Array.from({ length: k }, () => Array.from({ length: k }, () => randomInt(random, 7)));
      const rows = [Array.from({ length: k }, () => randomInt(random, 9)), Array.from({ length: k }, () => randomInt(random, 9))];
      return { square, rows };
    });
    const ps = Array.from({ length: 12 }, () => Number((random() * 0.2).toFixed(4)));
    const script = `suppressMessages(library(jsonlite)); cases <- fromJSON('${JSON.stringify(cases)}', simplifyVector = FALSE)
bowker <- function(t) { K <- nrow(t); ms <- c(); obs <- 0
  for (i in 1:(K-1)) for (j in (i+1):K) { m <- t[i,j] + t[j,i]; if (m > 0) { ms <- c(ms, m); obs <- obs + (t[i,j] - t[j,i])^2 / m } }
  if (length(ms) == 0) return(NA)
  g <- expand.grid(lapply(ms, function(m) 0:m)); stat <- 0; prob <- 1
  for (k in seq_along(ms)) { x <- g[[k]]; stat <- stat + (2*x - ms[k])^2 / ms[k]; prob <- prob * dbinom(x, ms[k], 0.5) }
  sum(prob[stat >= obs * (1 - 1e-7)]) }
out <- lapply(cases, function(cs) { sq <- do.call(rbind, lapply(cs$square, unlist)); rw <- do.call(rbind, lapply(cs$rows, unlist))
  keep <- colSums(rw) > 0; f <- if (sum(keep) >= 2 && all(rowSums(rw) > 0)) fisher.test(rw[, keep, drop = FALSE])$p.value else NA
  b <- sq[1, 2]; c <- sq[2, 1]; mc <- if (b + c > 0) binom.test(b, b + c)$p.value else NA
  list(bowker = bowker(sq), fisher = f, mcnemar = mc) })
cat(toJSON(list(cases = out, holm = p.adjust(c(${ps.join(',')}), "holm")), digits = NA, na = "null", auto_unbox = TRUE))`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as { cases: { bowker: number | null; fisher: number | null; mcnemar: number | null }[]; holm: number[] };
    cases.forEach((c, i) => {
      const want = ref.cases[i]!;
      const bowker = exactBowker(c.square);
      if (want.bowker === null) assert.equal(bowker.method, 'none', `case ${i}`);
      else close(bowker.p, want.bowker, 1e-10, `case ${i} Bowker ${JSON.stringify(c.square)}`);
      const fisher = twoByKTest(c.rows[0]!, c.rows[1]!);
      if (want.fisher === null) assert.equal(fisher.method, 'none', `case ${i}`);
      else close(fisher.p, want.fisher, 1e-9, `case ${i} Fisher ${JSON.stringify(c.rows)}`);
      if (want.mcnemar !== null) close(exactMcNemar(c.square[0]![1]!, c.square[1]![0]!), want.mcnemar, 1e-12, `case ${i} McNemar`);
    });
    holmAdjust(ps).forEach((x, i) => close(x, ref.holm[i]!, 1e-12, `holm ${i}`));
  });
});
