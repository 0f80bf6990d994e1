import type { GroupMoments } from './implied';
import { cholesky, inverseFromCholesky, matMul } from './matrix';
import { evalGroup, mlGradient, type SemProblem } from './ml';

/** ∂Σ/∂θ_k and ∂μ/∂θ_k of one group for one free parameter k. */
export interface ParamDeriv {
  free: number;
  dSigma: Float64Array;
  dMu: Float64Array;
}

/** Analytic ∂Σ and ∂μ of group g for each free parameter appearing in it (shared indices summed). */
export function groupDerivatives(problem: SemProblem, g: number, mom: GroupMoments): ParamDeriv[] {
  const { p, m } = mom;
  const lc = matMul(mom.lambda, mom.c, p, m, m);
  const byFree = new Map<number, ParamDeriv>();
  const get = (k: number) => {
    let d = byFree.get(k);
    if (!d) { d = { free: k, dSigma: new Float64Array(p * p), dMu: new Float64Array(p) }; byFree.set(k, d); }
    return d;
  };
  // dΣ += u vᵀ + v uᵀ
  const outer2 = (ds: Float64Array, u: (a: number) => number, v: (a: number) => number) => {
    for (let a = 0; a < p; a++) {
      const ua = u(a); const va = v(a);
      for (let b = 0; b < p; b++) ds[a * p + b]! += ua * v(b) + va * u(b);
    }
  };
  for (const r of problem.rows[g]!) {
    if (r.free < 0) continue;
    const d = get(r.free);
    const i = r.row; const j = r.col;
    switch (r.matrix) {
      case 'lambda':
        outer2(d.dSigma, (a) => (a === i ? 1 : 0), (a) => lc[a * m + j]!);
        d.dMu[i]! += mom.aAlpha[j]!;
        break;
      case 'beta':
        outer2(d.dSigma, (a) => mom.la[a * m + i]!, (a) => lc[a * m + j]!);
        for (let a = 0; a < p; a++) d.dMu[a]! += mom.la[a * m + i]! * mom.aAlpha[j]!;
        break;
      case 'psi':
        if (i === j) {
          for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) d.dSigma[a * p + b]! += mom.la[a * m + i]! * mom.la[b * m + i]!;
        } else {
          outer2(d.dSigma, (a) => mom.la[a * m + i]!, (a) => mom.la[a * m + j]!);
        }
        break;
      case 'theta':
        d.dSigma[i * p + j]! += 1;
        if (i !== j) d.dSigma[j * p + i]! += 1;
        break;
      case 'nu': d.dMu[i]! += 1; break;
      case 'alpha': for (let a = 0; a < p; a++) d.dMu[a]! += mom.la[a * m + i]!; break;
    }
  }
  return [...byFree.values()];
}

/**
 * Expected (Fisher) information of the whole sample, Σ_g N_g [½ tr(Σ⁻¹∂Σ_aΣ⁻¹∂Σ_b) + ∂μ_aᵀΣ⁻¹∂μ_b],
 * at the model-implied moments (lavaan's "structured" h1).
 */
export function expectedInformation(problem: SemProblem, x: Float64Array): Float64Array | undefined {
  const n = problem.spec.nFree;
  const info = new Float64Array(n * n);
  for (let g = 0; g < problem.data.length; g++) {
    const e = evalGroup(problem, g, x);
    if (!e) return undefined;
    const p = e.mom.p;
    const ng = problem.data[g]!.n;
    const ds = groupDerivatives(problem, g, e.mom);
    const ms = ds.map((d) => matMul(matMul(e.sigmaInv, d.dSigma, p, p, p), e.sigmaInv, p, p, p));
    const sm = problem.spec.meanStructure ? ds.map((d) => matMul(e.sigmaInv, d.dMu, p, p, 1)) : undefined;
    for (let a = 0; a < ds.length; a++) {
      const ma = ms[a]!;
      for (let b = 0; b <= a; b++) {
        const db = ds[b]!;
        let t = 0;
        for (let k = 0; k < p * p; k++) t += ma[k]! * db.dSigma[k]!;
        let v = 0.5 * t;
        if (sm) {
          const sa = sm[a]!;
          for (let k = 0; k < p; k++) v += sa[k]! * db.dMu[k]!;
        }
        const ia = ds[a]!.free; const ib = db.free;
        info[ia * n + ib]! += ng * v;
        if (ia !== ib) info[ib * n + ia]! += ng * v;
      }
    }
  }
  return info;
}

/** Observed information: the Hessian of −logL = Σ_g (N_g/2) F_g, by central differences of the analytic gradient. */
export function observedInformation(problem: SemProblem, x: Float64Array): Float64Array | undefined {
  const n = problem.spec.nFree;
  const h = new Float64Array(n * n);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const xx = Float64Array.from(x);
  const half = problem.nTotal / 2;
  for (let k = 0; k < n; k++) {
    const step = 1e-5 * Math.max(1, Math.abs(x[k]!));
    xx[k] = x[k]! + step;
    if (!Number.isFinite(mlGradient(problem, xx, gp))) return undefined;
    xx[k] = x[k]! - step;
    if (!Number.isFinite(mlGradient(problem, xx, gm))) return undefined;
    xx[k] = x[k]!;
    for (let j = 0; j < n; j++) h[k * n + j] = (half * (gp[j]! - gm[j]!)) / (2 * step);
  }
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < a; b++) {
      const v = (h[a * n + b]! + h[b * n + a]!) / 2;
      h[a * n + b] = v; h[b * n + a] = v;
    }
  }
  return h;
}

/** Σ_i s_i s_iᵀ of the casewise log-likelihood scores (the meat of the Huber–White sandwich). */
export function scoreCrossProduct(problem: SemProblem, x: Float64Array): Float64Array | undefined {
  const n = problem.spec.nFree;
  const meat = new Float64Array(n * n);
  for (let g = 0; g < problem.data.length; g++) {
    const e = evalGroup(problem, g, x);
    if (!e) return undefined;
    const data = problem.data[g]!;
    const p = e.mom.p;
    const ds = groupDerivatives(problem, g, e.mom);
    const trs = ds.map((d) => { let t = 0; for (let k = 0; k < p * p; k++) t += e.sigmaInv[k]! * d.dSigma[k]!; return t; });
    const center = problem.spec.meanStructure ? e.mom.mu : data.mean;
    const r = new Float64Array(p);
    const s = new Float64Array(ds.length);
    for (let i = 0; i < data.n; i++) {
      for (let k = 0; k < p; k++) r[k] = data.raw[i * p + k]! - center[k]!;
      const u = matMul(e.sigmaInv, r, p, p, 1);
      ds.forEach((d, a) => {
        let q = 0;
        for (let k = 0; k < p; k++) {
          let row = 0;
          for (let l = 0; l < p; l++) row += d.dSigma[k * p + l]! * u[l]!;
          q += u[k]! * row;
        }
        let mu = 0;
        if (problem.spec.meanStructure) for (let k = 0; k < p; k++) mu += d.dMu[k]! * u[k]!;
        s[a] = 0.5 * (q - trs[a]!) + mu;
      });
      for (let a = 0; a < ds.length; a++) {
        const ia = ds[a]!.free;
        for (let b = 0; b < ds.length; b++) meat[ia * n + ds[b]!.free]! += s[a]! * s[b]!;
      }
    }
  }
  return meat;
}

/**
 * Inverts an information matrix; undefined when it is not positive definite or nearly singular
 * (smallest pivot below 1e-10 of the largest diagonal), i.e. the model is not identified.
 */
export function invertInformation(info: Float64Array, n: number): Float64Array | undefined {
  const l = cholesky(info, n);
  if (!l) return undefined;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, info[i * n + i]!);
  for (let i = 0; i < n; i++) if (l[i * n + i]! * l[i * n + i]! < 1e-10 * maxDiag) return undefined;
  return inverseFromCholesky(l, n);
}
