import type { GroupData } from './data';
import { chiSquareUpper } from '../stats';
import { noncentralChiSquareCdf } from './distributions';
import type { GroupEval } from './ml';
import type { SemFitMeasures } from './result';

/**
 * lavaan's fit measures from each group's discrepancy at the estimates (research/sem.md §5.6):
 * χ² = Σ N_g F_g, the independence baseline with free means and variances, CFI, TLI (not
 * truncated), RMSEA with N (not N − 1) times √G, and Bentler's SRMR including the means when the
 * model has a mean structure.
 */
export function fitMeasures(data: GroupData[], evals: GroupEval[], npar: number, meanStructure: boolean): SemFitMeasures {
  const G = data.length;
  const p = data[0]!.mean.length;
  const N = data.reduce((s, d) => s + d.n, 0);
  const pstar = (p * (p + 1)) / 2 + (meanStructure ? p : 0);
  const df = G * pstar - npar;
  let chisq = 0;
  let baselineChisq = 0;
  let srmr = 0;
  let logl = 0;
  data.forEach((d, g) => {
    const e = evals[g]!;
    chisq += d.n * e.f;
    let sumLogVar = 0;
    for (let i = 0; i < p; i++) sumLogVar += Math.log(d.cov[i * p + i]!);
    baselineChisq += d.n * (sumLogVar - d.logDetCov);
    let ss = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j <= i; j++) {
        const r = (d.cov[i * p + j]! - e.mom.sigma[i * p + j]!) / Math.sqrt(d.cov[i * p + i]! * d.cov[j * p + j]!);
        ss += r * r;
      }
      if (meanStructure) {
        const mr = (d.mean[i]! - e.mom.mu[i]!) / Math.sqrt(d.cov[i * p + i]!);
        ss += mr * mr;
      }
    }
    srmr += (d.n / N) * Math.sqrt(ss / pstar);
    logl += (-d.n / 2) * (p * Math.log(2 * Math.PI) + e.f + d.logDetCov + p);
  });
  const baselineDf = (G * p * (p - 1)) / 2;
  const num = Math.max(chisq - df, 0);
  const den = Math.max(chisq - df, baselineChisq - baselineDf, 0);
  const cfi = den === 0 ? 1 : 1 - num / den;
  const tli = df > 0 ? (baselineChisq / baselineDf - chisq / df) / (baselineChisq / baselineDf - 1) : 1;
  const rmsea = df > 0 ? Math.sqrt(Math.max(chisq / (N * df) - 1 / N, 0)) * Math.sqrt(G) : 0;
  const ci = rmseaCi(chisq, df, N, G);
  return {
    npar, chisq, df,
    pvalue: df > 0 ? chiSquareUpper(chisq, df) : NaN,
    baselineChisq, baselineDf, cfi, tli, rmsea, rmseaCiLower: ci.lower, rmseaCiUpper: ci.upper, srmr, logl,
    aic: -2 * logl + 2 * npar,
    bic: -2 * logl + npar * Math.log(N),
    ntotal: N,
  };
}

/** Root of a monotone f on [lo, hi] by bisection to a relative width of 1e-12. */
function bisect(f: (v: number) => number, lo: number, hi: number): number {
  let flo = f(lo);
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    const fm = f(mid);
    if (Math.sign(fm) === Math.sign(flo)) { lo = mid; flo = fm; } else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * lavaan's 90% RMSEA interval: the noncentralities λ at which χ² sits at the 95th and 5th
 * percentile of χ²(df, λ), turned into RMSEA as sqrt(λ/(N·df))·√G; a bound is 0 when no λ ≥ 0 reaches it.
 */
export function rmseaCi(chisq: number, df: number, N: number, G: number, level = 0.9): { lower: number; upper: number } {
  if (!(df >= 1) || !Number.isFinite(chisq)) return { lower: 0, upper: 0 };
  const up = 1 - (1 - level) / 2;
  const lowP = (1 - level) / 2;
  const fl = (l: number) => noncentralChiSquareCdf(chisq, df, l) - up;
  const fu = (l: number) => noncentralChiSquareCdf(chisq, df, l) - lowP;
  const toRmsea = (l: number) => Math.sqrt(l / (N * df)) * Math.sqrt(G);
  const lower = fl(0) < 0 ? 0 : toRmsea(bisect(fl, 0, chisq));
  const nMax = Math.max(N, chisq * 4);
  const upper = fu(nMax) > 0 || fu(0) < 0 ? 0 : toRmsea(bisect(fu, 0, nMax));
  return { lower, upper };
}
