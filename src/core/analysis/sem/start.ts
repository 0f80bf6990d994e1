import type { GroupData } from './data';
import type { SemSpec } from './spec';

/**
 * lavaan's "simple" start values: free loadings 1, residual variances half the item variance,
 * latent variances 0.05, paths and covariances 0, intercepts the item means, latent means 0. A
 * parameter shared across groups starts from its first occurrence.
 */
export function startValues(spec: SemSpec, data: GroupData[]): Float64Array {
  const x = new Float64Array(spec.nFree);
  const set = new Uint8Array(spec.nFree);
  const p = spec.ov.length;
  for (const r of spec.params) {
    if (r.free < 0 || set[r.free]) continue;
    set[r.free] = 1;
    const d = data[r.group]!;
    let v = 0;
    switch (r.matrix) {
      case 'lambda': v = 1; break;
      case 'theta': v = r.row === r.col ? 0.5 * d.cov[r.row * p + r.row]! : 0; break;
      case 'psi': v = r.row === r.col ? 0.05 : 0; break;
      case 'nu': v = d.mean[r.row]!; break;
      default: v = 0;
    }
    x[r.free] = v;
  }
  return x;
}
