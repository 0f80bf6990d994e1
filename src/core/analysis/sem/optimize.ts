/** Objective and gradient in one call: writes ∇f into grad and returns f (+∞ if inadmissible). */
export type ValueAndGradient = (x: Float64Array, grad: Float64Array) => number;

/** The end point of a minimisation. */
export interface OptimResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
  gradMax: number;
}

/** Stopping rules: max |∇f| below gtol, or a relative change of f below ftol with |∇f| below gtolLoose. */
export interface OptimOptions {
  maxIter?: number;
  gtol?: number;
  ftol?: number;
  gtolLoose?: number;
  /** Initial inverse Hessian (n×n), e.g. the inverse Fisher information; identity when absent. */
  h0?: Float64Array;
}

const maxAbs = (v: Float64Array) => { let m = 0; for (const a of v) m = Math.max(m, Math.abs(a)); return m; };

/**
 * BFGS with a dense inverse-Hessian update and backtracking (Armijo) line search. Steps into the
 * inadmissible region (f = +∞, e.g. a non-positive-definite Σ) are shortened like any other bad step.
 */
export function bfgs(fg: ValueAndGradient, x0: Float64Array, opts: OptimOptions = {}): OptimResult {
  const n = x0.length;
  const maxIter = opts.maxIter ?? 2000;
  const gtol = opts.gtol ?? 1e-9;
  const ftol = opts.ftol ?? 1e-15;
  const gtolLoose = opts.gtolLoose ?? 1e-6;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  if (!Number.isFinite(f)) return { x, f, iterations: 0, converged: false, gradMax: NaN };
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) h[i * n + i] = 1;
  let scaled = false;
  if (opts.h0) { h.set(opts.h0); scaled = true; }
  const dir = new Float64Array(n);
  let xn = new Float64Array(n);
  let gn = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const hy = new Float64Array(n);
  let it = 0;
  for (; it < maxIter; it++) {
    const gm = maxAbs(g);
    if (gm < gtol) return { x, f, iterations: it, converged: true, gradMax: gm };
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= h[i * n + j]! * g[j]!;
      dir[i] = v;
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += dir[i]! * g[i]!;
    if (!(slope < 0)) {
      // Lost descent (rounding): restart from steepest descent.
      h.fill(0);
      for (let i = 0; i < n; i++) { h[i * n + i] = 1; dir[i] = -g[i]!; }
      slope = 0;
      for (let i = 0; i < n; i++) slope -= g[i]! * g[i]!;
      scaled = false;
    }
    let t = scaled ? 1 : Math.min(1, 0.1 / maxAbs(dir));
    let fn = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xn[i] = x[i]! + t * dir[i]!;
      fn = fg(xn, gn);
      if (Number.isFinite(fn) && fn <= f + 1e-4 * t * slope) { accepted = true; break; }
      // Quadratic interpolation when f is finite, plain halving otherwise.
      const tq = Number.isFinite(fn) ? (-slope * t * t) / (2 * (fn - f - slope * t)) : t / 2;
      t = Math.min(Math.max(tq, t * 0.1), t * 0.5);
    }
    if (!accepted) {
      return { x, f, iterations: it, converged: gm < gtolLoose, gradMax: gm };
    }
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
      sy += s[i]! * y[i]!;
      yy += y[i]! * y[i]!;
    }
    const fOld = f;
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    f = fn;
    if (sy > 1e-300) {
      if (!scaled) {
        const sc = sy / yy;
        for (let i = 0; i < n * n; i++) h[i]! *= sc;
        scaled = true;
      }
      let yhy = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += h[i * n + j]! * y[j]!;
        hy[i] = v;
        yhy += y[i]! * v;
      }
      const rho = 1 / sy;
      const c = rho * rho * yhy + rho;
      for (let i = 0; i < n; i++) {
        const si = s[i]!;
        const hyi = hy[i]!;
        for (let j = 0; j < n; j++) h[i * n + j]! += c * si * s[j]! - rho * (hyi * s[j]! + si * hy[j]!);
      }
    }
    if (Math.abs(fOld - f) <= ftol * Math.max(1, Math.abs(f)) && maxAbs(g) < gtolLoose) {
      return { x, f, iterations: it + 1, converged: true, gradMax: maxAbs(g) };
    }
  }
  const gm = maxAbs(g);
  return { x, f, iterations: it, converged: gm < gtolLoose, gradMax: gm };
}
