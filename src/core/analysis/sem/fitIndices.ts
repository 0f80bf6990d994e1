import type { GroupData } from './data';
import { chiSquareUpper } from './distributions';
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
  return {
    npar, chisq, df,
    pvalue: df > 0 ? chiSquareUpper(chisq, df) : NaN,
    baselineChisq, baselineDf, cfi, tli, rmsea, srmr, logl,
    aic: -2 * logl + 2 * npar,
    bic: -2 * logl + npar * Math.log(N),
    ntotal: N,
  };
}
