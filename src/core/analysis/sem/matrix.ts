/**
 * Small dense linear algebra for the SEM engine: row-major Float64Array matrices whose sizes the
 * caller tracks. Models here have at most a few dozen variables, so plain loops beat any library.
 */

/** A square or rectangular matrix stored row-major; `rows`×`cols` is implied by the caller. */
export type Mat = Float64Array;

/** C = A (r×k) · B (k×c). */
export function matMul(a: Mat, b: Mat, r: number, k: number, c: number): Mat {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const oi = i * c;
    for (let t = 0; t < k; t++) {
      const av = a[i * k + t]!;
      if (av === 0) continue;
      const bt = t * c;
      for (let j = 0; j < c; j++) out[oi + j]! += av * b[bt + j]!;
    }
  }
  return out;
}

/** Aᵀ for an r×c matrix (result c×r). */
export function transpose(a: Mat, r: number, c: number): Mat {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
  return out;
}

/** The n×n identity. */
export function identity(n: number): Mat {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/**
 * Lower Cholesky factor L (A = L Lᵀ) of a symmetric n×n matrix, or undefined when A is not
 * positive definite; callers turn that into a typed failure or an infinite objective.
 */
export function cholesky(a: Mat, n: number): Mat | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** log|A| from its Cholesky factor. */
export function logDetFromCholesky(l: Mat, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]!);
  return 2 * s;
}

/** A⁻¹ from the Cholesky factor of a symmetric positive definite A (result symmetric). */
export function inverseFromCholesky(l: Mat, n: number): Mat {
  // Invert L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
  const li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    li[i * n + i] = 1 / l[i * n + i]!;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += l[i * n + k]! * li[k * n + j]!;
      li[i * n + j] = -s / l[i * n + i]!;
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i]! * li[k * n + j]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** Inverse of a symmetric positive definite matrix, or undefined when it is not PD. */
export function inverseSpd(a: Mat, n: number): Mat | undefined {
  const l = cholesky(a, n);
  return l ? inverseFromCholesky(l, n) : undefined;
}

/** Solves A x = b for a general square A by Gaussian elimination with partial pivoting; undefined if singular. */
export function solve(a: Mat, b: Float64Array, n: number): Float64Array | undefined {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[piv * n + c]!)) piv = r;
    const pv = m[piv * n + c]!;
    if (pv === 0 || !Number.isFinite(pv)) return undefined;
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        const t = m[c * n + k]!; m[c * n + k] = m[piv * n + k]!; m[piv * n + k] = t;
      }
      const t = x[c]!; x[c] = x[piv]!; x[piv] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / pv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

/** Inverse of a general square matrix (columns solved one by one); undefined if singular. */
export function inverse(a: Mat, n: number): Mat | undefined {
  const out = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = solve(a, e, n);
    if (!col) return undefined;
    for (let i = 0; i < n; i++) out[i * n + j] = col[i]!;
  }
  return out;
}

/**
 * Eigenvalues of a symmetric n×n matrix by cyclic Jacobi rotations (small n: the latent or residual
 * covariance of one group), ascending.
 */
export function symmetricEigenvalues(a: Mat, n: number): number[] {
  const m = Float64Array.from(a);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j]! * m[i * n + j]!;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!; const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq; m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!; const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk; m[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => m[i * n + i]!).sort((x, y) => x - y);
}
