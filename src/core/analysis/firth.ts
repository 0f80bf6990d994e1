/**
 * Firth's bias-reduced logistic regression (Firth 1993; Heinze & Schemper 2002; Kosmidis & Firth 2021):
 * the maximum of the likelihood penalised by Jeffreys' prior,
 *
 *   l*(b) = sum_i [ y_i log p_i + (m_i - y_i) log(1 - p_i) ] + 1/2 log det(X'WX),   W = diag(m_i p_i (1 - p_i)),
 *
 * whose gradient is the modified score U*(b) = X'(y - m p + h (1/2 - p)), h the diagonal of the hat matrix
 * W^1/2 X (X'WX)^-1 X' W^1/2. For a logistic model with a full-rank X the maximum is finite even under
 * complete or quasi-complete separation (where the ML estimate is infinite), which is why the composite
 * path model uses it: a respondent whose stated values predict its action perfectly gets a (large, finite)
 * estimate instead of "not measured".
 *
 * Iteration: Newton steps on l* with its exact Hessian (the scoring step (X'WX)^-1 U*(b), which brglm2's
 * `brglmFit` takes, only converges linearly when separation makes the penalty dominate), falling back to
 * the scoring step where the Hessian is not negative definite, halved while it lowers l*. Standard errors: the square roots of the diagonal of the
 * inverse Fisher information (X'WX)^-1 at the estimate, as R's brglm2 reports for `type = "AS_mean"`
 * (for the canonical logit link the mean-bias-reducing adjusted score is exactly the Jeffreys-penalised
 * score, so AS_mean and this fit are the same estimator). Checked against brglm2 in test/sem-diff.
 */

/** A converged Firth fit. */
import { cholesky, invertSpd } from './spd';
export interface FirthFit {
  /** Coefficients in the column order of the design (the intercept first when `intercept` is set). */
  beta: number[];
  /** Square roots of the diagonal of the inverse Fisher information at the estimate. */
  se: number[];
  /** The inverse Fisher information at the estimate (the Wald covariance). */
  vcov: number[][];
  /** Fitted probabilities. */
  p: number[];
  /** The penalised log-likelihood l* at the estimate. */
  penalisedLoglik: number;
  /** The (unpenalised) binomial log-likelihood at the estimate. */
  loglik: number;
  /** Newton steps taken. */
  iterations: number;
}

/** Options of the Firth fit. */
export interface FirthOptions {
  /** Prepend a column of ones (default true). */
  intercept?: boolean;
  /** Binomial trials per row (default 1 each: y is 0/1); y is then the count of successes. */
  trials?: readonly number[];
  /** Most Newton steps (default 200). */
  maxIterations?: number;
  /** Convergence: the largest absolute step (default 1e-10). */
  tolerance?: number;
}

/** Firth's fits treat a matrix as positive definite down to this relative pivot (`spd.ts`). */
const FIRTH_PD_TOL = 1e-14;

/** log(1 + e^eta) without overflow. */
const log1pExp = (eta: number): number => (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta)));


/** log det of a symmetric positive-definite matrix; null when it is not PD. */
function logDetSpd(a: readonly number[][]): number | null {
  const l = cholesky(a, FIRTH_PD_TOL);
  return l ? l.reduce((s, r, i) => s + 2 * Math.log(r[i]!), 0) : null;
}


/**
 * Firth-penalised logistic regression of y (successes of `trials`, default 0/1) on the rows of x.
 * A string says why there is no fit: an empty design, rows with no trials, a singular information
 * matrix (collinear columns, or a column without variance next to the intercept), or no convergence.
 */
export function firthLogistic(x: readonly (readonly number[])[], y: readonly number[], options: FirthOptions = {}): FirthFit | string {
  const intercept = options.intercept ?? true;
  const rows = x.map((r) => (intercept ? [1, ...r] : [...r]));
  const n = rows.length;
  const k = rows[0]?.length ?? (intercept ? 1 : 0);
  const m = options.trials ?? y.map(() => 1);
  if (n === 0 || k === 0) return 'nothing to fit: no rows or no columns';
  if (y.length !== n || m.length !== n) return 'the design, the outcome and the trials differ in length';
  for (let i = 0; i < n; i++) {
    if (!(m[i]! >= 0) || !(y[i]! >= 0) || y[i]! > m[i]!) return `row ${i + 1}: successes must lie in 0..trials`;
  }
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-10;

  const eta = (b: readonly number[]): number[] => rows.map((r) => r.reduce((s, v, j) => s + v * b[j]!, 0));
  const information = (p: readonly number[]): number[][] => {
    const info = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let r = 0; r < n; r++) {
      const w = m[r]! * p[r]! * (1 - p[r]!);
      const row = rows[r]!;
      for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) info[i]![j]! += w * row[i]! * row[j]!;
    }
    for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) info[i]![j] = info[j]![i]!;
    return info;
  };
  /** l*(b), or -Infinity where X'WX is not positive definite (numerically: fitted probabilities at 0 or 1). */
  const penalised = (b: readonly number[]): { pl: number; ll: number } => {
    const e = eta(b);
    let ll = 0;
    for (let r = 0; r < n; r++) ll += y[r]! * e[r]! - m[r]! * log1pExp(e[r]!);
    const ld = logDetSpd(information(e.map((v) => 1 / (1 + Math.exp(-v)))));
    return { pl: ld === null ? -Infinity : ll + ld / 2, ll };
  };

  // Start at the intercept-only logit of the pooled proportion, shrunk off 0 and 1 as the penalty does.
  let beta = new Array<number>(k).fill(0);
  const total = m.reduce((s, v) => s + v, 0);
  if (intercept) beta[0] = Math.log((y.reduce((s, v) => s + v, 0) + 0.5) / (total - y.reduce((s, v) => s + v, 0) + 0.5));
  let current = penalised(beta);
  if (!Number.isFinite(current.pl)) return 'the information matrix is singular (collinear columns or a column without variance)';
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const p = eta(beta).map((v) => 1 / (1 + Math.exp(-v)));
    const info = information(p);
    const inv = invertSpd(info, FIRTH_PD_TOL);
    if (!inv) return 'the information matrix is singular (collinear columns or a column without variance)';
    // h_i = w_i x_i' (X'WX)^-1 x_i; U* = X'(y - m p + h (1/2 - p)).
    const score = new Array<number>(k).fill(0);
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      const w = m[r]! * p[r]! * (1 - p[r]!);
      let q = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) q += row[i]! * inv[i]![j]! * row[j]!;
      const adj = y[r]! - m[r]! * p[r]! + w * q * (0.5 - p[r]!);
      for (let i = 0; i < k; i++) score[i]! += row[i]! * adj;
    }
    // Newton direction from the exact Hessian of l*: -I + (S - T) / 2 with, for A = I^-1,
    // T_rs = tr(A I_r A I_s), I_r = dI/db_r = X' diag(w (1 - 2p) x_r) X, and S_rs = tr(A I_rs),
    // I_rs = X' diag(w (1 - 6p + 6p^2) x_r x_s) X. Where -H is not positive definite (far from the
    // maximum) the scoring direction I^-1 U* is taken instead; both are ascent directions, and halving does the rest.
    const dI = Array.from({ length: k }, () => Array.from({ length: k }, () => new Array<number>(k).fill(0)));
    const negH = info.map((r) => [...r]);
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      const w = m[r]! * p[r]! * (1 - p[r]!);
      const c = w * (1 - 2 * p[r]!);
      const d = w * (1 - 6 * p[r]! + 6 * p[r]! ** 2);
      let q = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) q += row[i]! * inv[i]![j]! * row[j]!;
      for (let a = 0; a < k; a++) {
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) dI[a]![i]![j]! += c * row[a]! * row[i]! * row[j]!;
        // -S/2: tr(A I_ab) summed row by row is d x_a x_b q.
        for (let b = 0; b < k; b++) negH[a]![b]! -= 0.5 * d * row[a]! * row[b]! * q;
      }
    }
    const adI = dI.map((mat) => inv.map((ar) => mat[0]!.map((_, j) => ar.reduce((s2, v, l) => s2 + v * mat[l]![j]!, 0))));
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let tr = 0;
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) tr += adI[a]![i]![j]! * adI[b]![j]![i]!;
        negH[a]![b]! += 0.5 * tr;
      }
    }
    const negHInv = invertSpd(negH, FIRTH_PD_TOL);
    const step = (negHInv ?? inv).map((r) => r.reduce((s2, v, j) => s2 + v * score[j]!, 0));
    let t = 1;
    let next = beta.map((b, i) => b + step[i]!);
    let candidate = penalised(next);
    // Step halving: never let the penalised log-likelihood go down (beyond rounding).
    while (!(candidate.pl >= current.pl - 1e-12 * Math.max(1, Math.abs(current.pl))) && t > 1e-10) {
      t /= 2;
      next = beta.map((b, i) => b + t * step[i]!);
      candidate = penalised(next);
    }
    if (!Number.isFinite(candidate.pl)) return 'the information matrix became singular during the fit';
    beta = next;
    current = candidate;
    if (Math.max(...step.map((s) => Math.abs(s * t))) < tolerance) {
      const pf = eta(beta).map((v) => 1 / (1 + Math.exp(-v)));
      const vcov = invertSpd(information(pf), FIRTH_PD_TOL);
      if (!vcov) return 'the information matrix at the estimate is singular';
      return { beta, se: vcov.map((r, i) => Math.sqrt(r[i]!)), vcov, p: pf, penalisedLoglik: current.pl, loglik: current.ll, iterations: iteration };
    }
  }
  return `no convergence in ${maxIterations} Newton steps`;
}

/**
 * The Firth fit of a binomial GLM without intercept on rows x with `wins` of `trials`, in the shape
 * `bradleyTerry` takes (`FirthNoIntercept`): estimates and standard errors, or the reason there are none.
 */
export function firthNoIntercept(x: readonly (readonly number[])[], wins: readonly number[], trials: readonly number[]): { beta: number[]; se: number[] } | string {
  const fit = firthLogistic(x, wins, { intercept: false, trials });
  return typeof fit === 'string' ? fit : { beta: fit.beta, se: fit.se };
}
