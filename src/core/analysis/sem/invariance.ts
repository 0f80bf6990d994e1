import { chiSquareUpper } from '../stats';
import type { SemSuccess } from './result';

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
