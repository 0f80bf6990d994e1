import type { CsvTable } from './csv';
import { CsvError } from './csv';
import { cholesky, logDetFromCholesky } from './matrix';
import type { SemFailure } from './result';

/** One group's complete cases and sample moments (covariance with divisor N, as lavaan). */
export interface GroupData {
  label: string;
  n: number;
  /** n×p raw rows, row-major, for casewise scores. */
  raw: Float64Array;
  mean: Float64Array;
  cov: Float64Array;
  logDetCov: number;
}

/** Rows split by group with listwise deletion of incomplete rows. */
export interface SemData {
  groups: GroupData[];
  dropped: number;
}

const MISSING = new Set(['', 'NA', 'na', 'NaN', '.']);

/**
 * Reads the model's observed variables from a wide table, one group per distinct value of
 * `groupColumn` in order of first appearance (as lavaan), drops incomplete rows, and computes the
 * sample moments. Non-numeric cells throw CsvError (file:line); data that cannot support a fit
 * (an empty or constant item, fewer rows than items + 1, a singular covariance) return a failure.
 */
export function groupData(table: CsvTable, ov: string[], groupColumn?: string): SemData | SemFailure {
  const cols = ov.map((v) => table.header.indexOf(v));
  const gcol = groupColumn === undefined ? -1 : table.header.indexOf(groupColumn);
  if (groupColumn !== undefined && gcol < 0) {
    return { ok: false, reason: 'bad-data', message: `${table.file}: no column "${groupColumn}" for --group (columns: ${table.header.join(', ')})` };
  }
  const missingCol = ov.find((_, k) => cols[k]! < 0);
  if (missingCol !== undefined) return { ok: false, reason: 'bad-data', message: `${table.file}: no column "${missingCol}"` };
  const p = ov.length;
  const labels: string[] = [];
  const byGroup = new Map<string, number[][]>();
  const present = new Map<string, Uint8Array>();
  let dropped = 0;
  table.rows.forEach((row, r) => {
    const label = gcol >= 0 ? row[gcol]!.trim() : '';
    if (!byGroup.has(label)) { labels.push(label); byGroup.set(label, []); present.set(label, new Uint8Array(p)); }
    const vals: number[] = [];
    let complete = true;
    cols.forEach((c, k) => {
      const cell = row[c]!.trim();
      if (MISSING.has(cell)) { complete = false; return; }
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new CsvError(`column "${ov[k]}": "${cell}" is not a number`, table.file, table.lines[r]!);
      present.get(label)![k] = 1;
      vals.push(v);
    });
    if (complete) byGroup.get(label)!.push(vals); else dropped++;
  });
  if (labels.length === 0) return { ok: false, reason: 'too-few-rows', message: `${table.file}: no data rows` };
  const groups: GroupData[] = [];
  for (const label of labels) {
    const name = gcol >= 0 ? `group "${label}"` : 'the data';
    const empty = ov.filter((_, k) => !present.get(label)![k]);
    if (empty.length) return { ok: false, reason: 'empty-item', message: `${name} has no values for ${empty.join(', ')}` };
    const rows = byGroup.get(label)!;
    const n = rows.length;
    if (n < p + 1) {
      return { ok: false, reason: 'too-few-rows', message: `${name} has ${n} complete rows; ${p + 1} or more are needed for ${p} observed variables` };
    }
    const raw = new Float64Array(n * p);
    rows.forEach((vals, i) => vals.forEach((v, k) => { raw[i * p + k] = v; }));
    const mean = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let k = 0; k < p; k++) mean[k]! += raw[i * p + k]!;
    for (let k = 0; k < p; k++) mean[k]! /= n;
    const cov = new Float64Array(p * p);
    const d = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < p; k++) d[k] = raw[i * p + k]! - mean[k]!;
      for (let a = 0; a < p; a++) {
        const da = d[a]!;
        for (let b = 0; b <= a; b++) cov[a * p + b]! += da * d[b]!;
      }
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) { cov[a * p + b]! /= n; cov[b * p + a] = cov[a * p + b]!; }
    }
    const constant = ov.filter((_, k) => !(cov[k * p + k]! > 1e-12 * Math.max(1, mean[k]! * mean[k]!)));
    if (constant.length) {
      return { ok: false, reason: 'constant-item', message: `${name}: no variance in ${constant.join(', ')} (every answer the same); drop the item or the group` };
    }
    const l = cholesky(cov, p);
    // Exact collinearity survives Cholesky as a rounding-size pivot; treat a pivot that small as singular.
    if (!l || ov.some((_, k) => l[k * p + k]! * l[k * p + k]! < 1e-10 * cov[k * p + k]!)) {
      return {
        ok: false, reason: 'sample-not-positive-definite',
        message: `${name}: the sample covariance matrix is not positive definite (duplicated or collinear items)`,
      };
    }
    groups.push({ label, n, raw, mean, cov, logDetCov: logDetFromCholesky(l, p) });
  }
  return { groups, dropped };
}
