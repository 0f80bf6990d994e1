/**
 * Chance baselines of VAAR: the probability that a respondent whose actions are unrelated to its
 * stated values scores at least as well, with the k paths taken as independent under that null.
 * - sign: each path's estimate has either sign with probability 1/2, so the agreeing paths are
 *   Binomial(k, 1/2); exact over the 2^k sign combinations.
 * - strict: a path agrees when it has the expected sign and p < alpha; a symmetric two-sided test
 *   does that with probability alpha/2, so Binomial(k, alpha/2).
 * - confidence: a path's bootstrap probability of the expected sign is about Φ(s·β̂/SE), which is
 *   Uniform(0,1) under the null (β̂/SE ~ N(0,1)); the mean of k of them follows the Irwin-Hall
 *   distribution divided by k, whose upper tail is exact (below).
 * - log-loss: −log q of a Uniform q is Exponential(1), so k times the mean log-loss is Gamma(k, 1).
 */
import { gammaP, logChoose } from './stats';

/** P(X >= a) for X ~ Binomial(k, prob), exact; 1 for a <= 0. */
export function binomialUpper(k: number, a: number, prob: number): number {
  if (a <= 0) return 1;
  if (a > k) return 0;
  let s = 0;
  for (let j = Math.ceil(a); j <= k; j++) {
    s += Math.exp(logChoose(k, j) + j * Math.log(prob) + (k - j) * Math.log1p(-prob));
  }
  return Math.min(1, s);
}

/** P(S <= x) for S the sum of k independent Uniform(0,1): (1/k!) Σ_{j<=floor(x)} (-1)^j C(k,j) (x-j)^k. */
function irwinHallLower(k: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= k) return 1;
  let s = 0;
  let logFact = 0;
  for (let i = 2; i <= k; i++) logFact += Math.log(i);
  for (let j = 0; j <= Math.floor(x); j++) {
    const term = Math.exp(logChoose(k, j) + k * Math.log(x - j) - logFact);
    s += j % 2 === 0 ? term : -term;
  }
  return Math.min(1, Math.max(0, s));
}

/**
 * P(mean of k independent Uniform(0,1) >= m): the Irwin-Hall upper tail. By symmetry
 * P(S >= km) = P(S <= k - km), so the alternating sum always runs on the side below k/2, where it has
 * few terms; it stays accurate (about 1e-10) up to k = 20 paths, beyond which it throws.
 */
export function irwinHallMeanUpper(k: number, m: number): number {
  if (!Number.isInteger(k) || k < 1) throw new Error(`the Irwin-Hall tail needs a whole number of paths, not ${k}`);
  if (k > 20) throw new Error(`the Irwin-Hall tail is computed exactly for at most 20 paths, not ${k}`);
  const x = k * m;
  if (x <= 0) return 1;
  if (x >= k) return 0;
  return x >= k / 2 ? irwinHallLower(k, k - x) : 1 - irwinHallLower(k, x);
}

/** P(mean of k independent Exponential(1) <= l): chance of a log-loss at most l (lower is better). */
export function logLossLower(k: number, l: number): number {
  if (l <= 0) return 0;
  return gammaP(k, k * l);
}
