import type { GroupMoments } from './implied';
import { cholesky, inverseFromCholesky, matMul } from './matrix';
import { evalGroup, mlGradient, type SemProblem } from './ml';

/**
 * ∂Σ/∂θ_k and ∂μ/∂θ_k of one group for one free parameter k. Every parameter of this model moves Σ
 * by a symmetric rank-2 matrix, ∂Σ = u vᵀ + v uᵀ, which keeps the information and the scores at
 * O(p) per pair of parameters instead of O(p²)–O(p³).
 */
export interface ParamDeriv {
  free: number;
  /** undefined when the parameter does not move Σ (intercepts, latent means). */
  u?: Float64Array;
  v?: Float64Array;
  dMu: Float64Array;
}

/** The rank-2 ∂Σ and the ∂μ of group g for each free parameter in it (one row per free index). */
export function groupDerivatives(problem: SemProblem, g: number, mom: GroupMoments): ParamDeriv[] {
  const { p, m } = mom;
  const lc = matMul(mom.lambda, mom.c, p, m, m);
  const col = (src: Float64Array, j: number, scale = 1) => {
    const out = new Float64Array(p);
    for (let a = 0; a < p; a++) out[a] = src[a * m + j]! * scale;
    return out;
  };
  const unit = (i: number, scale = 1) => { const out = new Float64Array(p); out[i] = scale; return out; };
  const out: ParamDeriv[] = [];
  for (const r of problem.rows[g]!) {
    if (r.free < 0) continue;
    const i = r.row; const j = r.col;
    const dMu = new Float64Array(p);
    let u: Float64Array | undefined;
    let v: Float64Array | undefined;
    switch (r.matrix) {
      case 'lambda':
        u = unit(i); v = col(lc, j);
        dMu[i] = mom.aAlpha[j]!;
        break;
      case 'beta':
        u = col(mom.la, i); v = col(lc, j);
        for (let a = 0; a < p; a++) dMu[a] = mom.la[a * m + i]! * mom.aAlpha[j]!;
        break;
      case 'psi':
        u = col(mom.la, i); v = col(mom.la, j, i === j ? 0.5 : 1);
        break;
      case 'theta':
        u = unit(i); v = unit(j, i === j ? 0.5 : 1);
        break;
      case 'nu': dMu[i] = 1; break;
      case 'alpha': for (let a = 0; a < p; a++) dMu[a] = mom.la[a * m + i]!; break;
    }
    out.push({ free: r.free, ...(u && v ? { u, v } : {}), dMu });
  }
  return out;
}

const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!; return s; };

/**
 * Expected (Fisher) information, Σ_g N_g [½ tr(Σ⁻¹∂Σ_aΣ⁻¹∂Σ_b) + ∂μ_aᵀΣ⁻¹∂μ_b], at the
 * model-implied moments (lavaan's "structured" h1). With ∂Σ = u vᵀ + v uᵀ the trace term is
 * (v_aᵀΣ⁻¹u_b)(v_bᵀΣ⁻¹u_a) + (u_aᵀΣ⁻¹u_b)(v_aᵀΣ⁻¹v_b). `groups` restricts it to some groups and
 * `index` (free index → row, −1 if absent) to their parameters, so independent blocks stay small.
 */
export function expectedInformation(problem: SemProblem, x: Float64Array, groups?: number[], index?: Int32Array): Float64Array | undefined {
  const all = problem.spec.nFree;
  const n = index ? index.reduce((mx, v) => Math.max(mx, v + 1), 0) : all;
  const pos = (k: number) => (index ? index[k]! : k);
  const info = new Float64Array(n * n);
  for (const g of groups ?? problem.data.map((_, k) => k)) {
    const e = evalGroup(problem, g, x);
    if (!e) return undefined;
    const p = e.mom.p;
    const ng = problem.data[g]!.n;
    const ds = groupDerivatives(problem, g, e.mom);
    const si = (w: Float64Array) => matMul(e.sigmaInv, w, p, p, 1);
    const su = ds.map((d) => (d.u ? si(d.u) : undefined));
    const sv = ds.map((d) => (d.v ? si(d.v) : undefined));
    const smu = problem.spec.meanStructure ? ds.map((d) => si(d.dMu)) : undefined;
    for (let a = 0; a < ds.length; a++) {
      const da = ds[a]!;
      for (let b = 0; b <= a; b++) {
        const db = ds[b]!;
        let v = 0;
        if (da.u && db.u) v += dot(da.v!, su[b]!) * dot(db.v!, su[a]!) + dot(da.u, su[b]!) * dot(da.v!, sv[b]!);
        if (smu) v += dot(smu[a]!, db.dMu);
        const ia = pos(da.free); const ib = pos(db.free);
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
    // tr(Σ⁻¹∂Σ) = 2 vᵀΣ⁻¹u and wᵀ∂Σw = 2 (wᵀu)(wᵀv) for the rank-2 ∂Σ = u vᵀ + v uᵀ.
    const trs = ds.map((d) => (d.u ? 2 * dot(d.v!, matMul(e.sigmaInv, d.u, p, p, 1)) : 0));
    const center = problem.spec.meanStructure ? e.mom.mu : data.mean;
    const r = new Float64Array(p);
    const s = new Float64Array(ds.length);
    for (let i = 0; i < data.n; i++) {
      for (let k = 0; k < p; k++) r[k] = data.raw[i * p + k]! - center[k]!;
      const w = matMul(e.sigmaInv, r, p, p, 1);
      ds.forEach((d, a) => {
        const q = d.u ? 2 * dot(w, d.u) * dot(w, d.v!) : 0;
        const mu = problem.spec.meanStructure ? dot(d.dMu, w) : 0;
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
