/**
 * The statistics the analysis needs, written out so that nothing depends on R at run time:
 * distribution functions (normal, chi-square, Student t) through the regularised incomplete gamma
 * and beta functions, the Wilson score interval, the exact (Fisher / Freeman-Halton) and seeded
 * permutation tests for a 2 x K table, and sample quantiles as R's type 7.
 */
import { randomInt, seededRandom } from '../random';

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln of the binomial coefficient C(n, k). */
export function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the far tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < 10000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes' betacf). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Standard normal CDF Φ(z), accurate in both tails (through Q(1/2, z²/2) = erfc). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const tail = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z < 0 ? tail : 1 - tail;
}

/** Two-sided p-value of a standard normal statistic: P(|Z| >= |z|). */
export function normalTwoSided(z: number): number {
  return gammaQ(0.5, (z * z) / 2);
}

/** Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation refined by one Halley step). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Chi-square CDF with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  return gammaP(df / 2, x / 2);
}

/** Upper tail P(X >= x) of a chi-square with `df` degrees of freedom; NaN when df <= 0 (no test). */
export function chiSquareUpper(x: number, df: number): number {
  if (df <= 0) return NaN;
  return gammaQ(df / 2, x / 2);
}

/** Two-sided p-value of a Student t statistic with `df` degrees of freedom: P(|T| >= |t|). */
export function tTwoSided(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student t CDF with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const half = 0.5 * tTwoSided(t, df);
  return t < 0 ? half : 1 - half;
}

/** A proportion's confidence interval. */
export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for `successes` out of `n` at the two-sided level `1 - alpha`
 * (default 95%). Undefined (null) when n is 0: there is nothing to estimate.
 */
export function wilsonInterval(successes: number, n: number, alpha = 0.05): Interval | null {
  if (n <= 0) return null;
  const z = normalQuantile(1 - alpha / 2);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Mean of a non-empty list. */
export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (divisor n - 1), as R's `sd`; NaN below two values. */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** Sample quantile, R's default type 7 (linear interpolation between order statistics). */
export function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Result of a test of two rows (baseline, variant) over K outcome columns. */
export interface TableTest {
  method: 'exact' | 'permutation' | 'none';
  p: number;
  /** Permutation draws, for the permutation method. */
  permutations?: number;
  seed?: number;
  /** Why there is no test (method `none`). */
  reason?: string;
}

/** Options of `twoByKTest`. */
export interface TableTestOptions {
  /** Largest number of tables the exact test enumerates before switching to permutations. */
  maxTables?: number;
  permutations?: number;
  seed?: number;
}

/** Relative tolerance for "as or less probable than the observed table", as R's fisher.test. */
const REL_TOL = 1 + 1e-7;

/**
 * Test of homogeneity of two rows of counts over K columns: the Freeman-Halton extension of Fisher's
 * exact test (p = total probability of the tables with the same margins that are no more probable
 * than the observed one). When the tables are too many to enumerate, a seeded permutation test with
 * the same statistic estimates that p as (1 + hits) / (1 + draws).
 */
export function twoByKTest(row1: readonly number[], row2: readonly number[], options: TableTestOptions = {}): TableTest {
  if (row1.length !== row2.length) throw new Error('twoByKTest: rows of different length');
  const cols: number[] = [];
  const a: number[] = [];
  for (let j = 0; j < row1.length; j++) {
    const c = row1[j]! + row2[j]!;
    if (c > 0) {
      cols.push(c);
      a.push(row1[j]!);
    }
  }
  const r1 = a.reduce((s, x) => s + x, 0);
  const n = cols.reduce((s, x) => s + x, 0);
  if (r1 === 0 || r1 === n) return { method: 'none', p: NaN, reason: 'one of the two rows has no observations' };
  if (cols.length < 2) return { method: 'none', p: 1, reason: 'a single outcome in both rows: nothing can differ' };
  const logDenom = logChoose(n, r1);
  const logProb = (row: readonly number[]): number => {
    let s = -logDenom;
    for (let j = 0; j < row.length; j++) s += logChoose(cols[j]!, row[j]!);
    return s;
  };
  const observed = logProb(a);
  const maxTables = options.maxTables ?? 200_000;
  if (countTables(cols, r1, maxTables + 1) <= maxTables) {
    const threshold = observed + Math.log(REL_TOL);
    let p = 0;
    const row = new Array<number>(cols.length).fill(0);
    const suffix = cols.map((_, j) => cols.slice(j).reduce((s, x) => s + x, 0));
    const visit = (j: number, left: number, acc: number): void => {
      if (j === cols.length - 1) {
        if (left > cols[j]!) return;
        const lp = acc + logChoose(cols[j]!, left);
        if (lp <= threshold) p += Math.exp(lp);
        return;
      }
      const rest = suffix[j + 1]!;
      for (let k = Math.max(0, left - rest); k <= Math.min(cols[j]!, left); k++) {
        row[j] = k;
        visit(j + 1, left - k, acc + logChoose(cols[j]!, k));
      }
    };
    visit(0, r1, -logDenom);
    return { method: 'exact', p: Math.min(1, p) };
  }
  const draws = options.permutations ?? 10_000;
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const labels: number[] = [];
  cols.forEach((c, j) => {
    for (let i = 0; i < c; i++) labels.push(j);
  });
  const threshold = observed + Math.log(REL_TOL);
  let hits = 0;
  const perm = new Array<number>(cols.length);
  for (let b = 0; b < draws; b++) {
    // A partial Fisher-Yates shuffle: the first r1 positions form the permuted first row.
    perm.fill(0);
    for (let i = 0; i < r1; i++) {
      const k = i + randomInt(random, labels.length - i);
      const tmp = labels[i]!;
      labels[i] = labels[k]!;
      labels[k] = tmp;
      perm[labels[i]!]! += 1;
    }
    if (logProb(perm) <= threshold) hits++;
  }
  return { method: 'permutation', p: (1 + hits) / (1 + draws), permutations: draws, seed };
}

/** Number of 2 x K tables with first-row total r1 and these column totals, counted up to `cap`. */
function countTables(cols: readonly number[], r1: number, cap: number): number {
  let ways = new Array<number>(r1 + 1).fill(0);
  ways[0] = 1;
  for (const c of cols) {
    const next = new Array<number>(r1 + 1).fill(0);
    for (let s = 0; s <= r1; s++) {
      if (ways[s] === 0) continue;
      for (let k = 0; k <= c && s + k <= r1; k++) next[s + k] = Math.min(cap, next[s + k]! + ways[s]!);
    }
    ways = next;
  }
  return ways[r1]!;
}
