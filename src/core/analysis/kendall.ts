/**
 * Kendall's rank correlation tau_b with the test R's `cor.test(method = "kendall")` gives (Kendall,
 * Biometrika 33:239-251, 1945; s2-methods.md section 7): the exact null law of the concordant count
 * when n < 50 and there are no ties, else the normal approximation of S with the tie-corrected
 * variance and no continuity correction.
 */
import { normalTwoSided } from './stats';

/** tau_b of two equally long lists, with its two-sided p-value. */
export interface KendallTau {
  n: number;
  /** (C - D) / sqrt((T0 - T1)(T0 - T2)); null when either list is constant or n < 2. */
  tau: number | null;
  concordant: number;
  discordant: number;
  /** S = C - D. */
  s: number;
  /** Two-sided p of H0: tau = 0; null when tau is. */
  p: number | null;
  method: 'exact' | 'normal' | 'none';
  /** z = S / sqrt(var S), for the normal method. */
  z?: number;
}

/** Number of permutations of n items with k inversions, for every k (Mahonian numbers), as doubles. */
function mahonian(n: number): number[] {
  let row = [1];
  for (let m = 2; m <= n; m++) {
    const next = new Array<number>(row.length + m - 1).fill(0);
    // next[k] = sum_{j=0}^{m-1} row[k - j], by a running window.
    let window = 0;
    for (let k = 0; k < next.length; k++) {
      if (k < row.length) window += row[k]!;
      if (k - m >= 0 && k - m < row.length) window -= row[k - m]!;
      next[k] = window;
    }
    row = next;
  }
  return row;
}

/** P(C <= q) for the concordant count C of n untied pairs under independence (R's `pkendall`). */
export function kendallLower(q: number, n: number): number {
  const counts = mahonian(n);
  const total = counts.reduce((a, b) => a + b, 0);
  let s = 0;
  for (let k = 0; k <= Math.min(q, counts.length - 1); k++) s += counts[k]!;
  return s / total;
}

const tieSums = (xs: readonly number[]): { t1: number; v: number; a: number; b: number } => {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let t1 = 0;
  let v = 0;
  let a = 0;
  let b = 0;
  for (const t of counts.values()) {
    t1 += (t * (t - 1)) / 2;
    v += t * (t - 1) * (2 * t + 5);
    a += t * (t - 1);
    b += t * (t - 1) * (t - 2);
  }
  return { t1, v, a, b };
};

/** Kendall's tau_b between x and y with cor.test's two-sided p-value. */
export function kendallTau(x: readonly number[], y: readonly number[]): KendallTau {
  const n = Math.min(x.length, y.length);
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.sign(x[i]! - x[j]!) * Math.sign(y[i]! - y[j]!);
      if (d > 0) concordant++;
      else if (d < 0) discordant++;
    }
  }
  const s = concordant - discordant;
  const t0 = (n * (n - 1)) / 2;
  const tx = tieSums(x.slice(0, n));
  const ty = tieSums(y.slice(0, n));
  const denom = Math.sqrt((t0 - tx.t1) * (t0 - ty.t1));
  if (n < 2 || !(denom > 0)) return { n, tau: null, concordant, discordant, s, p: null, method: 'none' };
  const tau = s / denom;
  const ties = tx.t1 > 0 || ty.t1 > 0;
  if (n < 50 && !ties) {
    // R: q = round((tau + 1) n (n - 1) / 4) is the concordant count; two-sided by doubling the nearer tail.
    const q = Math.round(((tau + 1) * n * (n - 1)) / 4);
    const p = q > (n * (n - 1)) / 4 ? 1 - kendallLower(q - 1, n) : kendallLower(q, n);
    return { n, tau, concordant, discordant, s, p: Math.min(1, 2 * p), method: 'exact' };
  }
  const v0 = n * (n - 1) * (2 * n + 5);
  const varS = (v0 - tx.v - ty.v) / 18 + (tx.a * ty.a) / (2 * n * (n - 1)) + (n > 2 ? (tx.b * ty.b) / (9 * n * (n - 1) * (n - 2)) : 0);
  const z = s / Math.sqrt(varS);
  return { n, tau, concordant, discordant, s, p: normalTwoSided(z), method: 'normal', z };
}
