import type { GroupData } from './data';
import type { SemSpec } from './spec';

/** Which start values: from the sample covariances (default), or lavaan's "simple" ones (the retry). */
export type StartKind = 'moments' | 'simple';

/**
 * Start values. "simple" is lavaan's: free loadings 1, residual variances half the item variance,
 * latent variances 0.05, paths and covariances 0, intercepts the item means. "moments" reads the
 * loadings off the sample covariances instead (cov(y_j, y_k) ≈ λ_j·cov(y_marker, y_k), a least
 * squares version of lavaan's FABIN idea), which gets signs right for reverse-keyed items, and
 * sets each factor variance and residual variance to match. A parameter shared across groups
 * starts from its first occurrence.
 */
export function startValues(spec: SemSpec, data: GroupData[], kind: StartKind = 'moments'): Float64Array {
  const x = new Float64Array(spec.nFree);
  const set = new Uint8Array(spec.nFree);
  const p = spec.ov.length;
  const m = spec.lv.length;
  const fitted = data.map((d) => (kind === 'moments' ? momentStarts(spec, d) : undefined));
  for (const r of spec.params) {
    if (r.free < 0 || set[r.free]) continue;
    set[r.free] = 1;
    const d = data[r.group]!;
    const ms = fitted[r.group];
    let v = 0;
    switch (r.matrix) {
      case 'lambda': v = ms ? ms.lambda[r.row * m + r.col]! : 1; break;
      case 'theta': v = r.row === r.col ? (ms ? ms.theta[r.row]! : 0.5 * d.cov[r.row * p + r.row]!) : 0; break;
      case 'psi': v = r.row === r.col ? (ms ? ms.psi[r.row]! : 0.05) : 0; break;
      case 'nu': v = d.mean[r.row]!; break;
      default: v = 0;
    }
    x[r.free] = v;
  }
  return x;
}

function momentStarts(spec: SemSpec, d: GroupData): { lambda: Float64Array; psi: Float64Array; theta: Float64Array } {
  const p = spec.ov.length;
  const m = spec.lv.length;
  const S = (i: number, j: number) => d.cov[i * p + j]!;
  const lambda = new Float64Array(p * m);
  const psi = new Float64Array(m);
  const theta = new Float64Array(p);
  const loads = spec.params.filter((r) => r.group === 0 && r.matrix === 'lambda');
  for (let f = 0; f < m; f++) {
    const ind = loads.filter((r) => r.col === f);
    const marker = ind.find((r) => r.free < 0 && r.value !== 0) ?? ind[0];
    if (!marker) { psi[f] = 0.05; continue; }
    const mk = marker.row;
    const scale = marker.free < 0 ? marker.value : 1;
    const items = ind.map((r) => r.row);
    for (const r of ind) {
      let lam = 1;
      if (r.row === mk) lam = scale;
      else if (items.length >= 3) {
        let num = 0; let den = 0;
        for (const k of items) {
          if (k === mk || k === r.row) continue;
          num += S(r.row, k) * S(mk, k);
          den += S(mk, k) * S(mk, k);
        }
        if (den > 0) lam = (scale * num) / den;
      } else if (S(r.row, mk) < 0) lam = -1;
      lambda[r.row * m + f] = r.free < 0 ? r.value : lam;
    }
    // ψ from cov(y_j, y_marker) ≈ λ_j λ_marker ψ, least squares over the other indicators.
    let num = 0; let den = 0;
    for (const j of items) {
      if (j === mk) continue;
      const lj = lambda[j * m + f]! * scale;
      num += lj * S(j, mk); den += lj * lj;
    }
    const cap = (0.9 * S(mk, mk)) / (scale * scale || 1);
    // A single-indicator factor (e.g. an observed outcome written as a factor) carries its item's variance.
    let ps = items.length === 1 ? cap : den > 0 ? num / den : 0;
    if (!(ps > 0.01 * cap)) ps = 0.05;
    psi[f] = Math.min(ps, cap);
  }
  for (let i = 0; i < p; i++) {
    let common = 0;
    for (let f = 0; f < m; f++) common += lambda[i * m + f]! * lambda[i * m + f]! * psi[f]!;
    theta[i] = Math.max(S(i, i) - common, 0.1 * S(i, i));
  }
  return { lambda, psi, theta };
}
