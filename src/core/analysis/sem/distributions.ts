/** Complementary error function erfc(x): a series near 0 and a continued fraction elsewhere, accurate to about 1e-15. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 1.5) return 1 - erfSeries(x);
  // Continued fraction (Lentz) for erfc, accurate for x ≥ 1.5.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

function erfSeries(x: number): number {
  // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
  let sum = x;
  let term = x;
  for (let n = 1; n < 100; n++) {
    term *= -x * x / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Two-sided normal p-value 2(1 − Φ(|z|)), computed as erfc(|z|/√2) so small values keep their precision. */
export function normalTwoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), ~1e-15 relative.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(a, x) (series for x < a+1, continued fraction otherwise). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lg = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - sum * Math.exp(lg);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(lg) * h;
}

/** Upper-tail probability of a chi-square with df degrees of freedom; NaN when df ≤ 0 (no test). */
export function chiSquareUpper(x: number, df: number): number {
  if (df <= 0) return NaN;
  return gammaQ(df / 2, x / 2);
}

/** Lower-tail P(X ≤ x) of a noncentral chi-square: a Poisson(λ/2) mixture of central ones, summed outward from the mode. */
export function noncentralChiSquareCdf(x: number, df: number, ncp: number): number {
  if (x <= 0) return 0;
  if (ncp <= 0) return 1 - gammaQ(df / 2, x / 2);
  const h = ncp / 2;
  const mode = Math.floor(h);
  const logW = (j: number) => -h + j * Math.log(h) - logGamma(j + 1);
  let sum = 0;
  for (const step of [-1, 1]) {
    for (let j = step < 0 ? mode : mode + 1; j >= 0; j += step) {
      const w = Math.exp(logW(j));
      sum += w * (1 - gammaQ(df / 2 + j, x / 2));
      if (w < 1e-17 && Math.abs(j - mode) > 10) break;
      if (j > mode + 100000) break;
    }
  }
  return Math.min(1, Math.max(0, sum));
}
