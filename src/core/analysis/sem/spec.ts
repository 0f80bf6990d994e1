import type { SemName, SemStatement } from './syntax';

/** Which parameter kinds are held equal across groups (lavaan's `group.equal`). */
export type EqualityKind = 'loadings' | 'intercepts' | 'regressions' | 'residuals';

/** Where a parameter lives in the LISREL all-y matrices of one group. */
export type SemMatrix = 'lambda' | 'beta' | 'psi' | 'theta' | 'nu' | 'alpha';

/** One row of the parameter table (one group, one matrix cell), as lavaan's partable. */
export interface SemParam {
  lhs: string;
  op: '=~' | '~' | '~~' | '~1';
  rhs: string;
  /** 0-based group index. */
  group: number;
  matrix: SemMatrix;
  row: number;
  col: number;
  /** Index into the free-parameter vector, or -1 when fixed. Equal constraints share an index. */
  free: number;
  /** The fixed value, or the start value of a free parameter. */
  value: number;
}

/** A fully specified model: variables, groups and the parameter table. */
export interface SemSpec {
  /** Observed variables, in lavaan's order (first appearance as indicators). */
  ov: string[];
  /** Latent variables, in order of definition. */
  lv: string[];
  groups: string[];
  meanStructure: boolean;
  equal: EqualityKind[];
  params: SemParam[];
  nFree: number;
}

/** A model that cannot be built, pointing at the offending place of the model text. */
export class SemSpecError extends Error {
  constructor(message: string, readonly line: number, readonly col: number) {
    super(`${line}:${col}: ${message}`);
    this.name = 'SemSpecError';
  }
}

/** Options for buildSpec. */
export interface SpecOptions {
  groups: string[];
  meanStructure: boolean;
  equal: EqualityKind[];
  /** Data columns; when given, every observed variable must be one of them. */
  columns?: string[];
}

const at = (n: SemName, msg: string): never => { throw new SemSpecError(msg, n.line, n.col); };

/**
 * Builds the parameter table with lavaan's `sem()` defaults: marker-variable identification (first
 * loading of each factor fixed to 1), residual variances for all variables, covariances among
 * exogenous latents, free intercepts and zero latent means, or, when intercepts are held equal, free
 * latent means in every group but the first. Equality constraints become shared free indices.
 */
export function buildSpec(statements: SemStatement[], opts: SpecOptions): SemSpec {
  const lv: string[] = [];
  const ov: string[] = [];
  const lvName = new Map<string, SemName>();
  for (const s of statements) {
    if (s.op === '=~' && !lv.includes(s.lhs.name)) { lv.push(s.lhs.name); lvName.set(s.lhs.name, s.lhs); }
  }
  if (lv.length === 0) {
    const s = statements[0];
    throw new SemSpecError('the model defines no latent variable (no "=~" statement)', s?.lhs.line ?? 1, s?.lhs.col ?? 1);
  }
  for (const s of statements) {
    if (s.op !== '=~') continue;
    for (const t of s.rhs) {
      if (lv.includes(t.name)) at(t, `"${t.name}" is a latent variable; higher-order factors are not supported`);
      if (!ov.includes(t.name)) ov.push(t.name);
    }
  }
  if (opts.columns) {
    for (const s of statements) {
      for (const n of [s.lhs, ...s.rhs]) {
        if (!lv.includes(n.name) && !opts.columns.includes(n.name)) at(n, `variable "${n.name}" is neither a latent variable nor a data column`);
      }
    }
  }
  const isLv = (n: string) => lv.includes(n);
  const endogenous = new Set<string>();
  for (const s of statements) {
    if (s.op === '~') {
      if (!isLv(s.lhs.name)) at(s.lhs, `regressions of observed variables are not supported ("${s.lhs.name}" is not a latent variable)`);
      for (const t of s.rhs) if (!isLv(t.name)) at(t, `regressions on observed variables are not supported ("${t.name}" is not a latent variable)`);
      endogenous.add(s.lhs.name);
    }
    if (s.op === '~~') {
      for (const t of s.rhs) {
        const both = [s.lhs.name, t.name];
        if (both.some(isLv) && !both.every(isLv)) at(t, `"${s.lhs.name} ~~ ${t.name}" mixes a latent and an observed variable`);
        if (!isLv(t.name) && !ov.includes(t.name)) at(t, `"${t.name}" is not an indicator of any factor`);
      }
      if (!isLv(s.lhs.name) && !ov.includes(s.lhs.name)) at(s.lhs, `"${s.lhs.name}" is not an indicator of any factor`);
    }
  }

  // One template row per parameter, shared by all groups.
  interface Tpl { lhs: string; op: SemParam['op']; rhs: string; matrix: SemMatrix; row: number; col: number; fixed?: number; kind?: EqualityKind | 'lvmean' }
  const tpl: Tpl[] = [];
  const seen = new Map<string, SemName>();
  const add = (t: Tpl, where?: SemName) => {
    const sym = t.matrix === 'psi' || t.matrix === 'theta';
    const key = sym ? `${t.matrix}:${Math.max(t.row, t.col)}:${Math.min(t.row, t.col)}` : `${t.matrix}:${t.row}:${t.col}`;
    if (seen.has(key)) {
      if (where) at(where, `"${t.lhs} ${t.op} ${t.rhs}" is specified twice`);
      return;
    }
    if (where) seen.set(key, where); else seen.set(key, { name: '', span: { start: 0, end: 0 }, line: 0, col: 0 });
    tpl.push(t);
  };
  const marked = new Set<string>();
  for (const s of statements) {
    for (const t of s.rhs) {
      const fixed = t.fixed;
      if (s.op === '=~') {
        const f = lv.indexOf(s.lhs.name);
        const isMarker = !marked.has(s.lhs.name);
        marked.add(s.lhs.name);
        const fx = fixed ?? (isMarker && !t.free ? 1 : undefined);
        add({ lhs: s.lhs.name, op: '=~', rhs: t.name, matrix: 'lambda', row: ov.indexOf(t.name), col: f, fixed: fx, kind: 'loadings' }, t);
      } else if (s.op === '~') {
        add({ lhs: s.lhs.name, op: '~', rhs: t.name, matrix: 'beta', row: lv.indexOf(s.lhs.name), col: lv.indexOf(t.name), fixed, kind: 'regressions' }, t);
      } else if (isLv(s.lhs.name)) {
        add({ lhs: s.lhs.name, op: '~~', rhs: t.name, matrix: 'psi', row: lv.indexOf(s.lhs.name), col: lv.indexOf(t.name), fixed }, t);
      } else {
        const r = ov.indexOf(s.lhs.name); const c = ov.indexOf(t.name);
        add({ lhs: s.lhs.name, op: '~~', rhs: t.name, matrix: 'theta', row: r, col: c, fixed, kind: r === c ? 'residuals' : undefined }, t);
      }
    }
  }
  ov.forEach((v, i) => add({ lhs: v, op: '~~', rhs: v, matrix: 'theta', row: i, col: i, kind: 'residuals' }));
  lv.forEach((v, i) => add({ lhs: v, op: '~~', rhs: v, matrix: 'psi', row: i, col: i }));
  const exo = lv.filter((v) => !endogenous.has(v));
  for (let a = 0; a < exo.length; a++) {
    for (let b = a + 1; b < exo.length; b++) {
      add({ lhs: exo[a]!, op: '~~', rhs: exo[b]!, matrix: 'psi', row: lv.indexOf(exo[a]!), col: lv.indexOf(exo[b]!) });
    }
  }
  if (opts.meanStructure) {
    ov.forEach((v, i) => add({ lhs: v, op: '~1', rhs: '', matrix: 'nu', row: i, col: 0, kind: 'intercepts' }));
    lv.forEach((v, i) => add({ lhs: v, op: '~1', rhs: '', matrix: 'alpha', row: i, col: 0, kind: 'lvmean' }));
  }

  const equal = new Set(opts.equal);
  const shared = new Map<number, number>();
  const params: SemParam[] = [];
  let nFree = 0;
  opts.groups.forEach((_, g) => {
    tpl.forEach((t, ti) => {
      let fixed = t.fixed;
      if (t.kind === 'lvmean') fixed = equal.has('intercepts') && g > 0 ? undefined : 0;
      let free = -1;
      if (fixed === undefined) {
        const eq = t.kind !== undefined && t.kind !== 'lvmean' && equal.has(t.kind);
        if (eq && shared.has(ti)) free = shared.get(ti)!;
        else {
          free = nFree++;
          if (eq) shared.set(ti, free);
        }
      }
      params.push({ lhs: t.lhs, op: t.op, rhs: t.rhs, group: g, matrix: t.matrix, row: t.row, col: t.col, free, value: fixed ?? 0 });
    });
  });
  return { ov, lv, groups: opts.groups, meanStructure: opts.meanStructure, equal: [...equal], params, nFree };
}
