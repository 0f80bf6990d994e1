import type { CsvTable } from './csv';
import { CsvError } from './csv';
import { groupData } from './data';
import { normalTwoSided } from '../stats';
import { fitMeasures } from './fitIndices';
import { paramsByGroup } from './implied';
import { expectedInformation, invertInformation, observedInformation, scoreCrossProduct } from './information';
import { matMul, symmetricEigenvalues } from './matrix';
import { addGroupGradient, evalGroup, type GroupEval, type SemProblem } from './ml';
import { bfgs } from './optimize';
import type { SemEstimate, SemResult, SemWarning } from './result';
import { yuanBentlerMplus } from './robustTest';
import { buildSpec, SemSpecError, type EqualityKind, type SemSpec as SemFitSpec } from './spec';
import { standardizedAll } from './standardize';
import { startValues } from './start';
import { parseSemSyntax, SemSyntaxError } from './syntax';

/** What to fit: the model text, the wide data and lavaan-like options. */
export interface SemFitInput {
  /** lavaan model syntax. */
  model: string;
  /** Name of the model file, for error messages (file:line:col). */
  modelFile?: string;
  data: CsvTable;
  /** Grouping column; without it there is one group and no mean structure (lavaan's default). */
  group?: string;
  /** lavaan's group.equal. */
  equal?: EqualityKind[];
  /** 'robust' is lavaan's MLR: Huber–White sandwich standard errors. */
  se?: 'standard' | 'robust';
  /** Defaults to 'expected' for standard SEs and 'observed' for robust ones, as lavaan. */
  information?: 'expected' | 'observed';
  /** Iteration cap of the optimiser (lavaan's iter.max); default 2000. */
  maxIterations?: number;
}

/** Groups connected by shared (equality-constrained) parameters must be optimised together. */
function blocks(problem: SemProblem): number[][] {
  const G = problem.data.length;
  const parent = [...Array(G).keys()];
  const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a]!)));
  const owner = new Map<number, number>();
  problem.rows.forEach((rows, g) => rows.forEach((r) => {
    if (r.free < 0) return;
    const o = owner.get(r.free);
    if (o === undefined) owner.set(r.free, g); else parent[find(g)] = find(o);
  }));
  const out = new Map<number, number[]>();
  for (let g = 0; g < G; g++) { const root = find(g); out.set(root, [...(out.get(root) ?? []), g]); }
  return [...out.values()];
}

/**
 * Fits a (multi-group) structural equation model by maximum likelihood, the way lavaan's `sem()`
 * does with its defaults, and returns lavaan's parameter table with std.all and its fit measures,
 * or a typed failure (bad model text, unusable data, no convergence, not identified).
 */
export function fitSem(input: SemFitInput): SemResult {
  const where = input.modelFile ? `${input.modelFile}:` : '';
  const equal = input.equal ?? [];
  const meanStructure = input.group !== undefined;
  const se = input.se ?? 'standard';
  const information = input.information ?? (se === 'robust' ? 'observed' : 'expected');
  let spec;
  let data;
  try {
    const statements = parseSemSyntax(input.model);
    const probe = buildSpec(statements, { groups: [''], meanStructure, equal, columns: input.data.header });
    const gd = groupData(input.data, probe.ov, input.group);
    if ('ok' in gd) return gd;
    data = gd;
    spec = buildSpec(statements, { groups: gd.groups.map((g) => g.label), meanStructure, equal });
  } catch (e) {
    if (e instanceof SemSyntaxError || e instanceof SemSpecError) return { ok: false, reason: 'bad-model', message: `${where}${e.message}` };
    if (e instanceof CsvError) return { ok: false, reason: 'bad-data', message: e.message };
    throw e;
  }
  const problem: SemProblem = { spec, rows: paramsByGroup(spec), data: data.groups, nTotal: data.groups.reduce((s, g) => s + g.n, 0) };
  const labelOf = (g: number) => (data.groups[g]!.label ? `group "${data.groups[g]!.label}"` : 'the data');
  const x = startValues(spec, data.groups);
  let iterations = 0;
  const groupBlocks = blocks(problem);
  const blockIndex: { idx: number[]; index: Int32Array }[] = [];
  for (const block of groupBlocks) {
    const idx = [...new Set(block.flatMap((g) => problem.rows[g]!.filter((r) => r.free >= 0).map((r) => r.free)))].sort((a, b) => a - b);
    const full = Float64Array.from(x);
    const fullGrad = new Float64Array(spec.nFree);
    const fg = (sub: Float64Array, grad: Float64Array) => {
      idx.forEach((k, i) => { full[k] = sub[i]!; });
      fullGrad.fill(0);
      let f = 0;
      for (const g of block) {
        const e = evalGroup(problem, g, full);
        if (!e) return Infinity;
        const w = problem.data[g]!.n / problem.nTotal;
        f += w * e.f;
        addGroupGradient(problem, g, e, w, fullGrad);
      }
      idx.forEach((k, i) => { grad[i] = fullGrad[k]!; });
      return f;
    };
    const index = new Int32Array(spec.nFree).fill(-1);
    idx.forEach((k, i) => { index[k] = i; });
    const run = (x0: Float64Array) => {
      // Fisher information at the start approximates the Hessian of F (≈ 2/N · I) well, so BFGS
      // starting from its inverse needs far fewer iterations than from the identity.
      const info0 = expectedInformation(problem, x0, block, index);
      const inv0 = info0 && invertInformation(info0, idx.length);
      const h0 = inv0?.map((v) => (v * problem.nTotal) / 2);
      return bfgs(fg, Float64Array.from(idx.map((k) => x0[k]!)), { maxIter: input.maxIterations ?? 2000, ...(h0 ? { h0 } : {}) });
    };
    let res = run(x);
    // A second chance from lavaan's own "simple" start values before calling it non-convergence.
    if (!res.converged) {
      const retry = run(startValues(spec, data.groups, 'simple'));
      if (retry.converged || retry.f < res.f) res = { ...retry, iterations: res.iterations + retry.iterations };
    }
    iterations = Math.max(iterations, res.iterations);
    if (!res.converged) {
      const names = block.map((g) => data.groups[g]!.label || 'the data').join(', ');
      return {
        ok: false, reason: 'not-converged',
        message: `the optimiser did not converge for ${names} within ${input.maxIterations ?? 2000} iterations from either set of start values (largest gradient ${res.gradMax.toExponential(2)})`,
      };
    }
    idx.forEach((k, i) => { x[k] = res.x[i]!; });
    blockIndex.push({ idx, index });
  }
  const evals: GroupEval[] = [];
  for (let g = 0; g < problem.data.length; g++) {
    const e = evalGroup(problem, g, x);
    if (!e) return { ok: false, reason: 'implied-not-positive-definite', message: `the model-implied covariance matrix of ${labelOf(g)} is not positive definite at the solution` };
    evals.push(e);
  }

  const n = spec.nFree;
  // The expected information is exact (analytic), so it is the identification check even when
  // the standard errors use the observed one, whose finite differences blur a zero eigenvalue.
  // Blocks share no parameter, so it is block-diagonal: invert block by block.
  let inv: Float64Array | undefined = new Float64Array(n * n);
  for (let b = 0; b < groupBlocks.length; b++) {
    const { idx, index } = blockIndex[b]!;
    const info = expectedInformation(problem, x, groupBlocks[b]!, index);
    const binv = info && invertInformation(info, idx.length);
    if (!binv) { inv = undefined; break; }
    idx.forEach((ka, a) => idx.forEach((kb, bb) => { inv![ka * n + kb] = binv[a * idx.length + bb]!; }));
  }
  if (inv && information === 'observed') {
    const infoMat = observedInformation(problem, x);
    inv = infoMat && invertInformation(infoMat, n);
  }
  if (!inv) {
    return { ok: false, reason: 'not-identified', message: 'the information matrix is singular: the model is not identified or empirically under-identified (collinear items?)' };
  }
  let vcov = inv;
  let meat: Float64Array | undefined;
  if (se === 'robust') {
    meat = scoreCrossProduct(problem, x);
    if (!meat) return { ok: false, reason: 'implied-not-positive-definite', message: 'the model-implied covariance matrix is not positive definite at the solution' };
    vcov = matMul(matMul(inv, meat, n, n, n), inv, n, n, n);
  }

  const estimates: SemEstimate[] = spec.params.map((r) => {
    const est = r.free >= 0 ? x[r.free]! : r.value;
    const sev = r.free >= 0 ? Math.sqrt(vcov[r.free * n + r.free]!) : 0;
    const z = r.free >= 0 ? est / sev : null;
    return {
      lhs: r.lhs, op: r.op, rhs: r.rhs, group: r.group + 1, groupLabel: data.groups[r.group]!.label,
      free: r.free >= 0, est, se: sev, z, pvalue: z === null ? null : normalTwoSided(z),
      stdAll: standardizedAll(r, est, evals[r.group]!.mom),
    };
  });
  const checks = postCheck(spec, problem, evals, labelOf);
  if (data.dropped > 0) checks.push({ kind: 'listwise-deletion', inadmissible: false, message: `${data.dropped} incomplete rows were left out (listwise deletion)` });
  checks.push(...sampleSizeChecks(data.groups.map((g, k) => ({ label: g.label, n: g.n, free: freePerGroup(problem, k) }))).map((c): SemWarning => ({ kind: 'few-rows-per-parameter', inadmissible: false, group: c.group, message: c.message })));
  const warnings = checks.map((c) => c.message);
  const fit = fitMeasures(data.groups, evals, n, meanStructure);
  const robust = meat && yuanBentlerMplus(data.groups, meanStructure, inv, meat, n, fit);
  const chisqByGroup: Record<string, number> = {};
  data.groups.forEach((g, k) => { chisqByGroup[g.label] = g.n * evals[k]!.f; });
  return {
    ok: true, estimates, fit, ...(robust ? { robust } : {}), chisqByGroup,
    groups: data.groups.map((g) => ({ label: g.label, n: g.n })),
    se, information, iterations, warnings, checks, admissible: !checks.some((c) => c.inadmissible),
  };
}

/** Free parameters that enter group k's model (a parameter held equal across groups counts in each). */
function freePerGroup(problem: SemProblem, k: number): number {
  return new Set(problem.rows[k]!.filter((r) => r.free >= 0).map((r) => r.free)).size;
}

/** A group with too few complete rows for its free parameters. */
export interface SampleSizeFinding {
  kind: 'too-few-rows-for-parameters' | 'few-rows-per-parameter';
  group: string;
  n: number;
  free: number;
  message: string;
}

/**
 * Rows against free parameters per group: fewer rows than free parameters (`too-few-rows-for-parameters`,
 * a model that should not be fitted) and fewer than 10 rows per free parameter (`few-rows-per-parameter`,
 * a warning: estimates and standard errors are unstable at that size).
 */
export function sampleSizeChecks(groups: readonly { label: string; n: number; free: number }[]): SampleSizeFinding[] {
  const out: SampleSizeFinding[] = [];
  for (const g of groups) {
    const name = g.label ? `group "${g.label}"` : 'the data';
    if (g.n < g.free) {
      out.push({ kind: 'too-few-rows-for-parameters', group: g.label, n: g.n, free: g.free, message: `${name} has ${g.n} complete rows, fewer than its ${g.free} free parameters` });
    } else if (g.n < 10 * g.free) {
      out.push({ kind: 'few-rows-per-parameter', group: g.label, n: g.n, free: g.free, message: `${name} has ${g.n} complete rows for ${g.free} free parameters (${(g.n / g.free).toFixed(1)} per parameter, fewer than 10): estimates and standard errors are unstable at this size` });
    }
  }
  return out;
}

/** lavaan's tolerance for a negative eigenvalue: -.Machine$double.eps^(3/4). */
const EIGEN_TOL = -((2 ** -52) ** 0.75);

/**
 * lavaan's post-estimation check (lav_object_post_check): negative residual or latent variances,
 * and, when none is negative, a latent covariance (A Ψ Aᵀ) or residual covariance (Θ) with a
 * negative eigenvalue, per group.
 */
function postCheck(spec: SemFitSpec, problem: SemProblem, evals: GroupEval[], labelOf: (g: number) => string): SemWarning[] {
  const out: SemWarning[] = [];
  const negative = { theta: false, psi: false };
  for (const r of spec.params) {
    if ((r.matrix !== 'psi' && r.matrix !== 'theta') || r.row !== r.col) continue;
    const est = evals[r.group]!.mom[r.matrix][r.row * (r.matrix === 'psi' ? spec.lv.length : spec.ov.length) + r.col]!;
    if (est < 0) {
      negative[r.matrix] = true;
      out.push({
        kind: 'negative-variance', inadmissible: true, group: problem.data[r.group]!.label, variable: r.lhs,
        message: `negative ${r.matrix === 'theta' ? 'residual' : 'latent'} variance estimate for ${r.lhs} in ${labelOf(r.group)} (${est.toPrecision(3)}, a Heywood case): the solution is inadmissible`,
      });
    }
  }
  evals.forEach((e, g) => {
    const { m, p } = e.mom;
    if (!negative.psi && m > 0 && symmetricEigenvalues(e.mom.c, m)[0]! < EIGEN_TOL) {
      out.push({
        kind: 'latent-covariance-not-positive-definite', inadmissible: true, group: problem.data[g]!.label,
        message: `the covariance matrix of the latent variables in ${labelOf(g)} is not positive definite (a latent correlation beyond ±1): the solution is inadmissible`,
      });
    }
    if (!negative.theta && symmetricEigenvalues(e.mom.theta, p)[0]! < EIGEN_TOL) {
      out.push({
        kind: 'residual-covariance-not-positive-definite', inadmissible: true, group: problem.data[g]!.label,
        message: `the covariance matrix of the item residuals (theta) in ${labelOf(g)} is not positive definite: the solution is inadmissible`,
      });
    }
  });
  return out;
}
