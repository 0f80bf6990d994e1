import type { GroupMoments } from './implied';
import type { SemParam } from './spec';

/**
 * lavaan's std.all for one parameter: both the latent and the observed variables scaled to unit
 * total variance (latent C = AΨAᵀ, observed Σ), covariances by the residual ones (cov.std). Signs never change, so a sign-based VAAR does not
 * depend on it.
 */
export function standardizedAll(r: SemParam, est: number, mom: GroupMoments): number {
  const { p, m } = mom;
  const lvSd = (i: number) => Math.sqrt(mom.c[i * m + i]!);
  const ovSd = (i: number) => Math.sqrt(mom.sigma[i * p + i]!);
  switch (r.matrix) {
    case 'lambda': return (est * lvSd(r.col)) / ovSd(r.row);
    case 'beta': return (est * lvSd(r.col)) / lvSd(r.row);
    // A covariance (off the diagonal) is divided by the residual standard deviations, lavaan's
    // cov.std = TRUE: sqrt(|ψ_ii|·|ψ_jj|) or sqrt(|θ_ii|·|θ_jj|), a residual correlation. A variance is
    // divided by the total variance.
    case 'psi': return r.row === r.col ? est / (lvSd(r.row) * lvSd(r.col)) : est / Math.sqrt(Math.abs(mom.psi[r.row * m + r.row]!) * Math.abs(mom.psi[r.col * m + r.col]!));
    case 'theta': return r.row === r.col ? est / (ovSd(r.row) * ovSd(r.col)) : est / Math.sqrt(Math.abs(mom.theta[r.row * p + r.row]!) * Math.abs(mom.theta[r.col * p + r.col]!));
    case 'nu': return est / ovSd(r.row);
    case 'alpha': return est / lvSd(r.row);
  }
}
