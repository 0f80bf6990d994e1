/**
 * Pearson's product-moment correlation with the test and interval R's `cor.test` gives: t on n - 2
 * degrees of freedom, and the Fisher z interval tanh(atanh(r) ± z / sqrt(n - 3)).
 */
import { normalQuantile, tTwoSided } from './stats';
import type { Interval } from './stats';

/** A correlation with its test; r (and everything after it) is null when it is undefined (n < 3 or a constant). */
export interface Correlation {
  n: number;
  r: number | null;
  /** t = r sqrt(n - 2) / sqrt(1 - r^2). */
  t: number | null;
  df: number;
  /** Two-sided p of H0: rho = 0. */
  p: number | null;
  /** 95% Fisher z interval; null below n = 4. */
  ci: Interval | null;
  /** Why there is no r, when there is none. */
  reason?: string;
}

/** Pearson's r between two equally long lists, with cor.test's two-sided t test and Fisher z interval. */
export function pearson(x: readonly number[], y: readonly number[], alpha = 0.05): Correlation {
  const n = Math.min(x.length, y.length);
  const df = n - 2;
  if (n < 3) return { n, r: null, t: null, df, p: null, ci: null, reason: `too few pairs (${n}; at least 3 are needed)` };
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return { n, r: null, t: null, df, p: null, ci: null, reason: `no variance in ${!(sxx > 0) ? 'the first' : 'the second'} list` };
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  const t = Math.abs(r) === 1 ? (r > 0 ? Infinity : -Infinity) : (r * Math.sqrt(df)) / Math.sqrt(1 - r * r);
  const p = Number.isFinite(t) ? tTwoSided(t, df) : 0;
  let ci: Interval | null = null;
  if (n > 3) {
    const z = Math.atanh(r);
    const half = normalQuantile(1 - alpha / 2) / Math.sqrt(n - 3);
    ci = { low: Math.tanh(z - half), high: Math.tanh(z + half) };
  }
  return { n, r, t, df, p, ci };
}
