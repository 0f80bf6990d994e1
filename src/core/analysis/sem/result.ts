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

/**
 * What the checks after a fit found, as lavaan's post-estimation check (lavInspect(fit, "post.check")):
 * - `negative-variance`: a residual or latent variance below 0 (a Heywood case);
 * - `latent-covariance-not-positive-definite`: the model-implied latent covariance of a group has a
 *   negative eigenvalue (a latent correlation beyond ±1), checked when no latent variance is negative;
 * - `residual-covariance-not-positive-definite`: the same for the residual covariance Θ, checked when no
 *   residual variance is negative;
 * - `listwise-deletion`: incomplete rows were left out;
 * - `few-rows-per-parameter`: a group has fewer than 10 complete rows per free parameter of the group.
 * The first three make the solution inadmissible (`inadmissible: true`): its numbers are printed but
 * not interpreted.
 */
export type SemWarningKind =
  | 'negative-variance'
  | 'latent-covariance-not-positive-definite'
  | 'residual-covariance-not-positive-definite'
  | 'listwise-deletion'
  | 'few-rows-per-parameter';

/** One finding of the post-fit checks. */
export interface SemWarning {
  kind: SemWarningKind;
  /** True when the solution is inadmissible because of it. */
  inadmissible: boolean;
  /** The group label ('' for a single group without labels), when the finding concerns one group. */
  group?: string;
  /** The variable whose variance is negative. */
  variable?: string;
  message: string;
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
  /** The messages of `checks`, for a terminal. */
  warnings: string[];
  /** The post-fit checks, structured (lavaan's post.check and more). */
  checks: SemWarning[];
  /** False when a check made the solution inadmissible (a negative variance, a non-positive-definite latent or residual covariance). */
  admissible: boolean;
}

/** The outcome of fitSem: numbers or a typed failure. */
export type SemResult = SemSuccess | SemFailure;
