/**
 * Two proportions measured on the same pairs (a sample with and without a treatment): the difference,
 * Newcombe's hybrid score interval for it (method 10 of Newcombe, Stat. Med. 17:2635-2650, 1998: the
 * Wilson limits of each proportion combined through the pairs' phi correlation), and the exact
 * McNemar test (a two-sided binomial test of the discordant pairs against 1/2).
 */
import { exactMcNemar } from './pairedTests';
import { wilsonInterval, type Interval } from './stats';

/** The 2 x 2 table of pairs: a = both true, b = first only, c = second only, d = neither. */
export interface PairedTable {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** The difference of two paired proportions, first minus second. */
export interface PairedDifference extends PairedTable {
  n: number;
  first: number | null;
  second: number | null;
  /** first - second = (b - c) / n. */
  difference: number | null;
  /** 95% Newcombe (method 10) interval of the difference. */
  ci: Interval | null;
  /** Exact McNemar: two-sided binomial p of b out of b + c against 1/2; 1 when no pair is discordant. */
  p: number | null;
}

/** The table of pairs of booleans. */
export function pairedTable(pairs: readonly (readonly [boolean, boolean])[]): PairedTable {
  const t = { a: 0, b: 0, c: 0, d: 0 };
  for (const [x, y] of pairs) {
    if (x && y) t.a++;
    else if (x) t.b++;
    else if (y) t.c++;
    else t.d++;
  }
  return t;
}

/**
 * Newcombe's method 10 for a paired difference theta = p1 - p2, with (l_i, u_i) the Wilson limits of
 * p_i and phi = (ad - bc) / sqrt((a+b)(c+d)(a+c)(b+d)), with ad - bc reduced by n/2 (not below 0)
 * when it is positive, and 0 when a margin is empty:
 * L = theta - sqrt((p1 - l1)^2 - 2 phi (p1 - l1)(u2 - p2) + (u2 - p2)^2),
 * U = theta + sqrt((u1 - p1)^2 - 2 phi (u1 - p1)(p2 - l2) + (p2 - l2)^2).
 */
export function pairedDifference(t: PairedTable, alpha = 0.05): PairedDifference {
  const n = t.a + t.b + t.c + t.d;
  if (n === 0) return { ...t, n, first: null, second: null, difference: null, ci: null, p: null };
  const p1 = (t.a + t.b) / n;
  const p2 = (t.a + t.c) / n;
  const w1 = wilsonInterval(t.a + t.b, n, alpha)!;
  const w2 = wilsonInterval(t.a + t.c, n, alpha)!;
  const margins = (t.a + t.b) * (t.c + t.d) * (t.a + t.c) * (t.b + t.d);
  // Newcombe's phi: when ad > bc the product difference is reduced by n/2 (not below 0).
  const ad = t.a * t.d;
  const bc = t.b * t.c;
  const phi = margins > 0 ? (ad > bc ? Math.max(ad - bc - n / 2, 0) : ad - bc) / Math.sqrt(margins) : 0;
  const theta = p1 - p2;
  const dl = Math.sqrt(Math.max(0, (p1 - w1.low) ** 2 - 2 * phi * (p1 - w1.low) * (w2.high - p2) + (w2.high - p2) ** 2));
  const du = Math.sqrt(Math.max(0, (w1.high - p1) ** 2 - 2 * phi * (w1.high - p1) * (p2 - w2.low) + (p2 - w2.low) ** 2));
  return { ...t, n, first: p1, second: p2, difference: theta, ci: { low: Math.max(-1, theta - dl), high: Math.min(1, theta + du) }, p: exactMcNemar(t.b, t.c) };
}
