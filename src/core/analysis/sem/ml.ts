import type { GroupData } from './data';
import { groupMoments, type GroupMoments } from './implied';
import { cholesky, inverseFromCholesky, logDetFromCholesky, matMul, transpose } from './matrix';
import type { SemParam, SemSpec } from './spec';

/** What the ML discrepancy needs: the spec, each group's rows and data, and N. */
export interface SemProblem {
  spec: SemSpec;
  rows: SemParam[][];
  data: GroupData[];
  nTotal: number;
}

/** One group's discrepancy F_g and the pieces the gradient and the fit indices reuse. */
export interface GroupEval {
  f: number;
  mom: GroupMoments;
  sigmaInv: Float64Array;
  logDetSigma: number;
  /** ȳ − μ (zeros without a mean structure). */
  d: Float64Array;
}

/**
 * F_g = log|Σ| + tr(SΣ⁻¹) − log|S| − p + (ȳ−μ)ᵀΣ⁻¹(ȳ−μ), or undefined when Σ is not positive
 * definite (the optimiser treats that as +∞).
 */
export function evalGroup(problem: SemProblem, g: number, x: Float64Array): GroupEval | undefined {
  const { spec } = problem;
  const data = problem.data[g]!;
  const mom = groupMoments(spec, problem.rows[g]!, x);
  if (!mom) return undefined;
  const p = mom.p;
  const l = cholesky(mom.sigma, p);
  if (!l) return undefined;
  const sigmaInv = inverseFromCholesky(l, p);
  const logDetSigma = logDetFromCholesky(l, p);
  let tr = 0;
  for (let k = 0; k < p * p; k++) tr += data.cov[k]! * sigmaInv[k]!;
  const d = new Float64Array(p);
  let q = 0;
  if (spec.meanStructure) {
    for (let k = 0; k < p; k++) d[k] = data.mean[k]! - mom.mu[k]!;
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += sigmaInv[i * p + j]! * d[j]!;
      q += d[i]! * s;
    }
  }
  const f = logDetSigma + tr - data.logDetCov - p + q;
  return { f, mom, sigmaInv, logDetSigma, d };
}

/** F = Σ_g (N_g/N) F_g (twice lavaan's fmin), +∞ outside the admissible region. */
export function mlObjective(problem: SemProblem, x: Float64Array): number {
  let f = 0;
  for (let g = 0; g < problem.data.length; g++) {
    const e = evalGroup(problem, g, x);
    if (!e) return Infinity;
    f += (problem.data[g]!.n / problem.nTotal) * e.f;
  }
  return f;
}

/**
 * The analytic gradient of F written into `grad` (research/sem.md §5.3); returns F, or +∞ when
 * some Σ is not positive definite (grad is then undefined).
 */
export function mlGradient(problem: SemProblem, x: Float64Array, grad: Float64Array): number {
  grad.fill(0);
  let f = 0;
  for (let g = 0; g < problem.data.length; g++) {
    const e = evalGroup(problem, g, x);
    if (!e) return Infinity;
    const w = problem.data[g]!.n / problem.nTotal;
    f += w * e.f;
    addGroupGradient(problem, g, e, w, grad);
  }
  return f;
}

/** Adds w·∂F_g/∂θ for group g into grad. */
export function addGroupGradient(problem: SemProblem, g: number, e: GroupEval, w: number, grad: Float64Array): void {
  const { mom, sigmaInv: si, d } = e;
  const { p, m } = mom;
  const cov = problem.data[g]!.cov;
  // Ω = Σ⁻¹ − Σ⁻¹ (S + d dᵀ) Σ⁻¹
  const wm = Float64Array.from(cov);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) wm[i * p + j]! += d[i]! * d[j]!;
  const sw = matMul(si, wm, p, p, p);
  const sws = matMul(sw, si, p, p, p);
  const omega = new Float64Array(p * p);
  for (let k = 0; k < p * p; k++) omega[k] = si[k]! - sws[k]!;
  const sid = matMul(si, d, p, p, 1);
  const lc = matMul(mom.lambda, mom.c, p, m, m);
  const olc = matMul(omega, lc, p, p, m); // Ω Λ C
  const latT = transpose(mom.la, p, m);
  const olaT = matMul(latT, omega, m, p, p); // AᵀΛᵀΩ
  const gB = matMul(olaT, lc, m, p, m); // AᵀΛᵀΩΛC
  const gPsi = matMul(olaT, mom.la, m, p, m); // AᵀΛᵀΩΛA
  const lsd = matMul(latT, sid, m, p, 1); // AᵀΛᵀΣ⁻¹d
  const aa = mom.aAlpha;
  for (const r of problem.rows[g]!) {
    if (r.free < 0) continue;
    let v: number;
    switch (r.matrix) {
      case 'lambda': v = 2 * olc[r.row * m + r.col]! - 2 * sid[r.row]! * aa[r.col]!; break;
      case 'beta': v = 2 * gB[r.row * m + r.col]! - 2 * lsd[r.row]! * aa[r.col]!; break;
      case 'psi': v = (r.row === r.col ? 1 : 2) * gPsi[r.row * m + r.col]!; break;
      case 'theta': v = (r.row === r.col ? 1 : 2) * omega[r.row * p + r.col]!; break;
      case 'nu': v = -2 * sid[r.row]!; break;
      case 'alpha': v = -2 * lsd[r.row]!; break;
    }
    grad[r.free]! += w * v;
  }
}
