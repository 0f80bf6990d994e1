import type { GroupData } from './data';
import { chiSquareUpper } from '../stats';
import { cholesky, inverseFromCholesky } from './matrix';
import type { SemRobustMeasures, SemFitMeasures } from './result';

/**
 * Σ_g tr(B1_g A1_g⁻¹) of the saturated (h1) model at the sample moments, lavaan's "unstructured" h1.
 * A1 is block-diagonal (means, covariances), so it reduces to p (means) + ½(mean_i d_i⁴ − p), with
 * d_i² = (y_i − ȳ)ᵀS⁻¹(y_i − ȳ): Mardia's multivariate kurtosis.
 */
function traceH1(d: GroupData, meanStructure: boolean): number {
  const p = d.mean.length;
  const l = cholesky(d.cov, p);
  if (!l) return NaN;
  const si = inverseFromCholesky(l, p);
  let m4 = 0;
  const r = new Float64Array(p);
  for (let i = 0; i < d.n; i++) {
    for (let k = 0; k < p; k++) r[k] = d.raw[i * p + k]! - d.mean[k]!;
    let q = 0;
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let b = 0; b < p; b++) s += si[a * p + b]! * r[b]!;
      q += r[a]! * s;
    }
    m4 += q * q;
  }
  return (meanStructure ? p : 0) + 0.5 * (m4 / d.n - p);
}

/** tr(B0 E⁻¹) of the independence baseline: per item 1 (mean) + ½(β₂ − 1), β₂ its univariate kurtosis. */
function traceBaselineH0(d: GroupData, meanStructure: boolean): number {
  const p = d.mean.length;
  let t = 0;
  for (let k = 0; k < p; k++) {
    let m4 = 0;
    for (let i = 0; i < d.n; i++) m4 += (d.raw[i * p + k]! - d.mean[k]!) ** 4;
    const s = d.cov[k * p + k]!;
    t += (meanStructure ? 1 : 0) + 0.5 * (m4 / d.n / (s * s) - 1);
  }
  return t;
}

/**
 * lavaan's MLR test: the Yuan–Bentler scaled χ² in its Mplus variant, c = (Σ_g tr(B1_g A1_g⁻¹) −
 * tr(B0 E⁻¹)) / df, with E the information behind the SEs (`infoInv` its inverse) and B0 the
 * casewise-score cross-product (`meat`), both in whole-sample units. Also the scaled and the
 * robust (Brosseau-Liard & Savalei) CFI, TLI and RMSEA, as lavaan's fitMeasures.
 */
export function yuanBentlerMplus(
  data: GroupData[], meanStructure: boolean, infoInv: Float64Array, meat: Float64Array, n: number, fit: SemFitMeasures,
): SemRobustMeasures | undefined {
  if (!(fit.df > 0)) return undefined;
  let h1 = 0;
  let h0Base = 0;
  for (const d of data) { h1 += traceH1(d, meanStructure); h0Base += traceBaselineH0(d, meanStructure); }
  let h0 = 0;
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) h0 += meat[a * n + b]! * infoInv[b * n + a]!;
  const c = (h1 - h0) / fit.df;
  const cB = (h1 - h0Base) / fit.baselineDf;
  if (!(c > 0) || !(cB > 0)) return undefined;
  const X2 = fit.chisq; const df = fit.df; const XB = fit.baselineChisq; const dfB = fit.baselineDf;
  const N = fit.ntotal; const G = data.length;
  const Xs = X2 / c; const XBs = XB / cB;
  const cfi = (t: number, tb: number) => {
    const t1 = Math.max(t, 0); const t2 = Math.max(t, tb, 0);
    return t1 === 0 && t2 === 0 ? 1 : 1 - t1 / t2;
  };
  const tli = (t: number, tb: number) => (tb !== 0 ? 1 - (t * dfB) / (tb * df) : 1);
  const rmsea = (x: number, ch: number) => Math.sqrt(Math.max(x / N / df - ch / N, 0)) * Math.sqrt(G);
  return {
    chisqScaled: Xs, scalingFactor: c, pvalueScaled: chiSquareUpper(Xs, df),
    baselineChisqScaled: XBs, baselineScalingFactor: cB,
    cfiScaled: cfi(Xs - df, XBs - dfB), tliScaled: tli(Xs - df, XBs - dfB), rmseaScaled: rmsea(Xs, 1),
    cfiRobust: cfi(X2 - c * df, XB - cB * dfB), tliRobust: tli(X2 - c * df, XB - cB * dfB), rmseaRobust: rmsea(X2, c),
  };
}
