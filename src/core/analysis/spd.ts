/**
 * Symmetric positive-definite matrices by Cholesky, shared by the path model's fits (OLS, ML logistic)
 * and Firth's fit. `tol` is the relative size of a pivot below which the matrix counts as not
 * (numerically) positive definite.
 */

/** Cholesky factor (lower); null when a pivot is at most `tol` times the largest diagonal entry. */
export function cholesky(a: readonly number[][], tol = 1e-12): number[][] | null {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  const scale = Math.max(...a.map((r, i) => Math.abs(r[i]!)), 1e-300);
  for (let j = 0; j < n; j++) {
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= l[j]![k]! ** 2;
    if (!(d > tol * scale)) return null;
    l[j]![j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}

/** Inverse of a symmetric positive-definite matrix; null when it is not (numerically) PD (see `cholesky`). */
export function invertSpd(a: readonly number[][], tol = 1e-12): number[][] | null {
  const l = cholesky(a, tol);
  if (!l) return null;
  const n = a.length;
  const inv = a.map(() => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const z = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
      z[i] = s / l[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < n; k++) s -= l[k]![i]! * inv[k]![c]!;
      inv[i]![c] = s / l[i]![i]!;
    }
  }
  return inv;
}
