/**
 * The hypergeometric distribution: draws without replacement. It is the exact chance law of the
 * overlap of two binary labellings with fixed margins (the true positives of an F1 when one labelling
 * is shuffled against the other), which is what the gap panel's chance baselines need.
 */
import { logChoose } from './stats';

/** The distribution of the successes among `draws` taken from `population` items of which `successes` are successes. */
export interface Hypergeometric {
  population: number;
  successes: number;
  draws: number;
}

/** Support of the distribution: max(0, draws + successes - population) .. min(draws, successes). */
export function hypergeometricSupport(h: Hypergeometric): [number, number] {
  return [Math.max(0, h.draws + h.successes - h.population), Math.min(h.draws, h.successes)];
}

/** P(X = k), as R's `dhyper(k, successes, population - successes, draws)`. */
export function hypergeometricPmf(k: number, h: Hypergeometric): number {
  const [lo, hi] = hypergeometricSupport(h);
  if (!Number.isInteger(k) || k < lo || k > hi) return 0;
  return Math.exp(logChoose(h.successes, k) + logChoose(h.population - h.successes, h.draws - k) - logChoose(h.population, h.draws));
}

/** P(X >= k), as R's `phyper(k - 1, successes, population - successes, draws, lower.tail = FALSE)`. */
export function hypergeometricUpper(k: number, h: Hypergeometric): number {
  const [lo, hi] = hypergeometricSupport(h);
  if (k <= lo) return 1;
  let p = 0;
  for (let x = Math.ceil(k); x <= hi; x++) p += hypergeometricPmf(x, h);
  return Math.min(1, p);
}

/** P(X <= k), as R's `phyper(k, successes, population - successes, draws)`. */
export function hypergeometricLower(k: number, h: Hypergeometric): number {
  const [lo, hi] = hypergeometricSupport(h);
  if (k >= hi) return 1;
  let p = 0;
  for (let x = lo; x <= Math.floor(k); x++) p += hypergeometricPmf(x, h);
  return Math.min(1, p);
}

/** E[X] = draws * successes / population (0 for an empty population). */
export function hypergeometricMean(h: Hypergeometric): number {
  return h.population > 0 ? (h.draws * h.successes) / h.population : 0;
}
