import { identity, inverse, matMul, transpose } from './matrix';
import type { SemParam, SemSpec } from './spec';

/** One group's model matrices and the moments they imply (LISREL all-y form). */
export interface GroupMoments {
  p: number;
  m: number;
  lambda: Float64Array;
  beta: Float64Array;
  psi: Float64Array;
  theta: Float64Array;
  nu: Float64Array;
  alpha: Float64Array;
  /** (I − B)⁻¹ */
  a: Float64Array;
  /** Latent covariance C = A Ψ Aᵀ. */
  c: Float64Array;
  /** Λ A (p×m). */
  la: Float64Array;
  /** A α: the latent means. */
  aAlpha: Float64Array;
  sigma: Float64Array;
  mu: Float64Array;
}

/** The parameter-table rows of each group, so evaluations do not filter the table again. */
export function paramsByGroup(spec: SemSpec): SemParam[][] {
  const out: SemParam[][] = spec.groups.map(() => []);
  for (const p of spec.params) out[p.group]!.push(p);
  return out;
}

/**
 * Σ = Λ A Ψ Aᵀ Λᵀ + Θ and μ = ν + Λ A α for one group at the free-parameter vector x, or
 * undefined when I − B is singular.
 */
export function groupMoments(spec: SemSpec, rows: SemParam[], x: Float64Array): GroupMoments | undefined {
  const p = spec.ov.length;
  const m = spec.lv.length;
  const lambda = new Float64Array(p * m);
  const beta = new Float64Array(m * m);
  const psi = new Float64Array(m * m);
  const theta = new Float64Array(p * p);
  const nu = new Float64Array(p);
  const alpha = new Float64Array(m);
  for (const r of rows) {
    const v = r.free >= 0 ? x[r.free]! : r.value;
    switch (r.matrix) {
      case 'lambda': lambda[r.row * m + r.col] = v; break;
      case 'beta': beta[r.row * m + r.col] = v; break;
      case 'psi': psi[r.row * m + r.col] = v; psi[r.col * m + r.row] = v; break;
      case 'theta': theta[r.row * p + r.col] = v; theta[r.col * p + r.row] = v; break;
      case 'nu': nu[r.row] = v; break;
      case 'alpha': alpha[r.row] = v; break;
    }
  }
  let a: Float64Array | undefined;
  if (beta.some((b) => b !== 0)) {
    const ib = identity(m);
    for (let k = 0; k < m * m; k++) ib[k]! -= beta[k]!;
    a = inverse(ib, m);
    if (!a) return undefined;
  } else {
    a = identity(m);
  }
  const c = matMul(matMul(a, psi, m, m, m), transpose(a, m, m), m, m, m);
  const la = matMul(lambda, a, p, m, m);
  const lc = matMul(lambda, c, p, m, m);
  const sigma = matMul(lc, transpose(lambda, p, m), p, m, p);
  for (let k = 0; k < p * p; k++) sigma[k]! += theta[k]!;
  const aAlpha = matMul(a, alpha, m, m, 1);
  const mu = matMul(la, alpha, p, m, 1);
  for (let k = 0; k < p; k++) mu[k]! += nu[k]!;
  return { p, m, lambda, beta, psi, theta, nu, alpha, a, c, la, aAlpha, sigma, mu };
}
