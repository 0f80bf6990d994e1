/**
 * The latent (MGSEM) step of a scenario (analysis/latentModel.ts) as sentences: its fit, marked
 * INADMISSIBLE when a post-fit check failed, every warning of the fit, and the value-to-action paths
 * per model. Shared by the terminal, the Markdown report and the editor's report.
 */
import type { LatentModelSummary } from '../analysis/latentModel';

const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pval = (p: number): string => (!Number.isFinite(p) ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** The headline: fitted (admissible or not) with its fit measures, or why not. */
export function latentHeadline(lm: LatentModelSummary): string {
  if (!lm.fitted || !lm.fit) return `latent model: not fitted: ${lm.reason ?? 'not requested'}`;
  const f = lm.fit;
  const mark = lm.admissible === false ? 'INADMISSIBLE (numbers shown, not interpreted; no VAAR from it) ' : '';
  return `latent model: ${mark}configural MGSEM, one group per model, ML: chi-square ${num(f.chisq, 2)} on ${f.df} df (p ${pval(f.pvalue)}), CFI ${num(f.cfi)}, TLI ${num(f.tli)}, RMSEA ${num(f.rmsea)}, SRMR ${num(f.srmr)} (n = ${f.ntotal})${lm.reason ? `; ${lm.reason}` : ''}`;
}

/** One line per warning of the fit, each saying whether it makes the fit inadmissible. */
export function latentWarningLines(lm: LatentModelSummary): string[] {
  return (lm.warnings ?? []).map((w) => `latent model warning${w.inadmissible ? ' (inadmissible)' : ''}: ${w.message}`);
}

/** One line per model and path: estimate, SE, p and std.all, marked when the fit is inadmissible. */
export function latentPathLines(lm: LatentModelSummary, model?: string): string[] {
  const mark = lm.admissible === false ? ' [inadmissible]' : '';
  return (lm.paths ?? []).filter((p) => model === undefined || p.model === model).map((p) =>
    `latent path ${p.value} -> action (${p.model}, expected ${p.expected > 0 ? '+' : '-'}): estimate ${num(p.estimate)}, SE ${num(p.se)}, p ${pval(p.p)}, std.all ${num(p.stdAll)}${mark}`);
}

const signed = (x: number | undefined, digits = 3): string => (x === undefined || !Number.isFinite(x) ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`);

/**
 * The invariance ladder, one line per step: χ², df, CFI, RMSEA and, against the step below, Δχ² (Δdf,
 * p) and ΔCFI. A ΔCFI of −0.01 or less is the usual sign of non-invariance (Cheung & Rensvold).
 */
export function latentLadderLines(lm: LatentModelSummary): string[] {
  const out = (lm.ladder ?? []).map((s) => `invariance ${s.model}: chi-square ${num(s.chisq, 2)} on ${s.df} df, CFI ${num(s.cfi)}, RMSEA ${num(s.rmsea)}${s.against ? `; against ${s.against}: Δchi-square ${num(s.dChisq, 2)} on ${s.dDf} df, p ${pval(s.pvalue ?? NaN)}, ΔCFI ${signed(s.dCfi)}${s.dCfi !== undefined && s.dCfi <= -0.01 ? ' (non-invariance by ΔCFI ≤ −0.01)' : ''}` : ''}${s.admissible ? '' : ' [inadmissible]'}`);
  if (lm.ladderFailure) out.push(`invariance ladder: ${lm.ladderFailure}`);
  return out;
}
