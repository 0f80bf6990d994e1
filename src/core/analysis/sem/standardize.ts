import type { GroupMoments } from './implied';
import type { SemParam } from './spec';

/**
 * lavaan's std.all for one parameter: both the latent and the observed variables scaled to unit
 * total variance (latent C = AΨAᵀ, observed Σ). Signs never change, so a sign-based VAAR does not
 * depend on it.
 */
export function standardizedAll(r: SemParam, est: number, mom: GroupMoments): number {
  const { p, m } = mom;
  const lvSd = (i: number) => Math.sqrt(mom.c[i * m + i]!);
  const ovSd = (i: number) => Math.sqrt(mom.sigma[i * p + i]!);
  switch (r.matrix) {
    case 'lambda': return (est * lvSd(r.col)) / ovSd(r.row);
    case 'beta': return (est * lvSd(r.col)) / lvSd(r.row);
    case 'psi': return est / (lvSd(r.row) * lvSd(r.col));
    case 'theta': return est / (ovSd(r.row) * ovSd(r.col));
    case 'nu': return est / ovSd(r.row);
    case 'alpha': return est / lvSd(r.row);
  }
}
