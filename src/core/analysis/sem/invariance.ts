import { chiSquareUpper } from '../stats';
import { fitSem, type SemFitInput } from './fitSem';
import type { SemFailure, SemSuccess } from './result';
import type { EqualityKind } from './spec';

/** A likelihood-ratio (Δχ²) comparison of a restricted model against the model it is nested in. */
export interface NestedComparison {
  dChisq: number;
  dDf: number;
  pvalue: number;
  /** CFI(restricted) − CFI(general): a drop of 0.01 or more signals non-invariance (Cheung & Rensvold). */
  dCfi: number;
  /** RMSEA(restricted) − RMSEA(general): a rise of 0.015 or more signals non-invariance (Chen). */
  dRmsea: number;
  /**
   * With robust (MLR) fits: the Satorra–Bentler (2001) scaled difference, lavaan's lavTestLRT
   * default for MLR, (T0 − T1)/cd with cd = (df0·c0 − df1·c1)/(df0 − df1) on the ML statistics.
   */
  scaled?: { dChisq: number; cd: number; pvalue: number };
}

/**
 * Δχ² test of nested ML fits (lavaan's anova() for standard tests). Throws when `restricted` has
 * no more degrees of freedom than `general`, i.e. the order is wrong or the models are not nested.
 */
export function compareNested(restricted: SemSuccess, general: SemSuccess): NestedComparison {
  const dDf = restricted.fit.df - general.fit.df;
  if (!(dDf > 0)) throw new Error(`the restricted model must have more degrees of freedom (${restricted.fit.df} vs ${general.fit.df})`);
  const dChisq = restricted.fit.chisq - general.fit.chisq;
  const r0 = restricted.robust;
  const r1 = general.robust;
  let scaled: NestedComparison['scaled'];
  if (r0 && r1) {
    const cd = (restricted.fit.df * r0.scalingFactor - general.fit.df * r1.scalingFactor) / dDf;
    // A non-positive cd (possible in small samples) leaves no usable scaled test.
    if (cd > 0) scaled = { dChisq: dChisq / cd, cd, pvalue: chiSquareUpper(Math.max(dChisq / cd, 0), dDf) };
  }
  return {
    dChisq, dDf, pvalue: chiSquareUpper(Math.max(dChisq, 0), dDf),
    dCfi: restricted.fit.cfi - general.fit.cfi,
    dRmsea: restricted.fit.rmsea - general.fit.rmsea,
    ...(scaled ? { scaled } : {}),
  };
}

/** One step of the measurement-invariance ladder. */
export interface LadderStep {
  /** configural, metric, scalar, or "metric + equal regressions". */
  model: string;
  /** The step it is nested in and compared against. */
  against?: string;
  equal: EqualityKind[];
  fit: SemSuccess;
  comparison?: NestedComparison;
}

/** The ladder's steps, or the first step that failed and why. */
export type LadderResult = { ok: true; steps: LadderStep[] } | { ok: false; step: string; failure: SemFailure };

const LADDER: { name: string; equal: EqualityKind[]; against?: string }[] = [
  { name: 'configural', equal: [] },
  { name: 'metric', equal: ['loadings'], against: 'configural' },
  { name: 'scalar', equal: ['loadings', 'intercepts'], against: 'metric' },
  { name: 'metric + equal regressions', equal: ['loadings', 'regressions'], against: 'metric' },
];

/**
 * Fits the invariance ladder of a multi-group model: configural, metric (equal loadings), scalar (and
 * equal intercepts) and, when the model has structural paths, metric with equal regressions; each
 * restricted step is compared with the step it is nested in (Δχ², Δdf, p, ΔCFI, ΔRMSEA, as lavaan's
 * anova / lavTestLRT). `configural` may be passed when already fitted.
 */
export function invarianceLadder(input: Omit<SemFitInput, 'equal'> & { group: string }, configural?: SemSuccess): LadderResult {
  const fits = new Map<string, SemSuccess>();
  const steps: LadderStep[] = [];
  for (const step of LADDER) {
    const r = step.name === 'configural' && configural ? configural : fitSem({ ...input, equal: step.equal });
    if (!r.ok) return { ok: false, step: step.name, failure: r };
    if (step.equal.includes('regressions') && !r.estimates.some((e) => e.op === '~')) continue;
    fits.set(step.name, r);
    const comparison = step.against ? compareNested(r, fits.get(step.against)!) : undefined;
    steps.push({ model: step.name, ...(step.against ? { against: step.against } : {}), equal: step.equal, fit: r, ...(comparison ? { comparison } : {}) });
  }
  return { ok: true, steps };
}
