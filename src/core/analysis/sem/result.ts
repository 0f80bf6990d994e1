/** Why a fit produced no numbers. Stable strings: docs/sem.md lists them. */
export type SemFailureReason =
  | 'bad-model'
  | 'bad-data'
  | 'too-few-rows'
  | 'empty-item'
  | 'constant-item'
  | 'sample-not-positive-definite'
  | 'implied-not-positive-definite'
  | 'not-converged'
  | 'not-identified';

/** A fit that failed, said in words; never a table of NaNs. */
export interface SemFailure {
  ok: false;
  reason: SemFailureReason;
  message: string;
}

/** One row of lavaan's parameterEstimates(standardized = TRUE). */
export interface SemEstimate {
  lhs: string;
  op: '=~' | '~' | '~~' | '~1';
  rhs: string;
  /** 1-based group number as lavaan prints it. */
  group: number;
  groupLabel: string;
  free: boolean;
  est: number;
  /** 0 for fixed parameters, as lavaan. */
  se: number;
  /** null for fixed parameters. */
  z: number | null;
  pvalue: number | null;
  stdAll: number;
}

/** lavaan's fitMeasures() subset. */
export interface SemFitMeasures {
  npar: number;
  chisq: number;
  df: number;
  pvalue: number;
  baselineChisq: number;
  baselineDf: number;
  cfi: number;
  tli: number;
  rmsea: number;
  /** lavaan's 90% confidence interval of the RMSEA. */
  rmseaCiLower: number;
  rmseaCiUpper: number;
  srmr: number;
  logl: number;
  aic: number;
  bic: number;
  ntotal: number;
}

/** lavaan's MLR test (Yuan–Bentler, Mplus variant) and the fit indices built on it. */
export interface SemRobustMeasures {
  chisqScaled: number;
  scalingFactor: number;
  pvalueScaled: number;
  baselineChisqScaled: number;
  baselineScalingFactor: number;
  cfiScaled: number;
  tliScaled: number;
  rmseaScaled: number;
  cfiRobust: number;
  tliRobust: number;
  rmseaRobust: number;
}

/** A converged fit. */
export interface SemSuccess {
  ok: true;
  estimates: SemEstimate[];
  fit: SemFitMeasures;
  /** With robust standard errors (MLR): the scaled test and the robust indices. */
  robust?: SemRobustMeasures;
  /** Per-group contribution N_g·F_g to the chi-square. */
  chisqByGroup: Record<string, number>;
  groups: { label: string; n: number }[];
  se: 'standard' | 'robust';
  information: 'expected' | 'observed';
  iterations: number;
  /** Warnings that do not stop the fit (e.g. negative variance estimates). */
  warnings: string[];
}

/** The outcome of fitSem: numbers or a typed failure. */
export type SemResult = SemSuccess | SemFailure;
