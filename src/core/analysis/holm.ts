/**
 * Holm's step-down adjustment (Scand. J. Statist. 6:65-70, 1979), as R's `p.adjust(p, "holm")`:
 * sorted ascending, p~(i) = min(1, max over j <= i of (m - j + 1) p(j)). Rejecting where the adjusted p
 * is below alpha keeps the family-wise error rate at alpha under any dependence between the tests.
 */
export function holmAdjust(ps: readonly number[]): number[] {
  // Only real p-values form the family; a missing one (NaN: no test) stays NaN and does not count in m.
  const tested = ps.map((p, i) => ({ p, i })).filter((x) => Number.isFinite(x.p)).sort((a, b) => a.p - b.p || a.i - b.i);
  const m = tested.length;
  const out = ps.map(() => NaN);
  let running = 0;
  tested.forEach((x, j) => {
    running = Math.max(running, Math.min(1, (m - j) * x.p));
    out[x.i] = running;
  });
  return out;
}
