import { gammaP, logGamma } from '../stats';

/** Lower-tail P(X ≤ x) of a noncentral chi-square: a Poisson(λ/2) mixture of central ones, summed outward from the mode. */
export function noncentralChiSquareCdf(x: number, df: number, ncp: number): number {
  if (x <= 0) return 0;
  if (ncp <= 0) return gammaP(df / 2, x / 2);
  const h = ncp / 2;
  const mode = Math.floor(h);
  const logW = (j: number) => -h + j * Math.log(h) - logGamma(j + 1);
  let sum = 0;
  for (const step of [-1, 1]) {
    for (let j = step < 0 ? mode : mode + 1; j >= 0; j += step) {
      const w = Math.exp(logW(j));
      sum += w * gammaP(df / 2 + j, x / 2);
      if (w < 1e-17 && Math.abs(j - mode) > 10) break;
      if (j > mode + 100000) break;
    }
  }
  return Math.min(1, Math.max(0, sum));
}
