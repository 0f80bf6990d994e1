import * as fs from 'fs';
import * as path from 'path';
import { parseCsv, type CsvTable } from '../../../../src/core/analysis/sem/csv';
import type { SemFitInput } from '../../../../src/core/analysis/sem/fitSem';
import type { EqualityKind } from '../../../../src/core/analysis/sem/spec';
import { repoRoot } from '../../../support/paths';

/** The shared lavaan reference folder, beside the clone. */
export const referenceDir = path.resolve(repoRoot, '..', 'shared', 'sem-reference');

/** One lavaan parameterEstimates row as stored in the reference. */
export interface RefParam {
  lhs: string; op: string; rhs: string; group?: number; group_label: string;
  est: number; se: number; z: number | null; pvalue: number | null; 'std.all': number;
}

/** One stored lavaan fit. */
export interface RefFit {
  call: { estimator: string; 'group.equal': string | string[] | null; information: string; data: string; group: string | null };
  converged: boolean;
  fit_measures: Record<string, number>;
  params: RefParam[];
  sampstat: Record<string, { cov: number[][]; mean?: number[] }>;
  implied: Record<string, { cov: number[][]; mean?: number[] }>;
  chisq_by_group: Record<string, number> | null;
}

/** The reference file. */
export interface Reference {
  meta: { items: string[] };
  fits: Record<string, RefFit>;
  vaar: Record<string, { paths: { group_label: string; lhs: string; rhs: string; expected_sign: number; sign_agree: boolean; agree_and_sig: boolean }[]; vaar_sign: number; vaar_sign_sig: number; vaar_by_group: number[] }>;
}

/** Reads lavaan_reference.json once per call site. */
export function loadReference(): Reference {
  return JSON.parse(fs.readFileSync(path.join(referenceDir, 'lavaan_reference.json'), 'utf8')) as Reference;
}

/** A reference CSV, optionally narrowed to the rows of one group. */
export function loadTable(file: string, onlyGroup?: string): CsvTable {
  const t = parseCsv(fs.readFileSync(path.join(referenceDir, file), 'utf8'), file);
  if (onlyGroup === undefined) return t;
  const gi = t.header.indexOf('group');
  const keep = t.rows.map((r, i) => ({ r, l: t.lines[i]! })).filter((x) => x.r[gi] === onlyGroup);
  return { ...t, rows: keep.map((k) => k.r), lines: keep.map((k) => k.l) };
}

/** Translates a stored lavaan call into our fit input (data, group, group.equal, estimator, information). */
export function inputFor(fit: RefFit): SemFitInput {
  const model = fs.readFileSync(path.join(referenceDir, 'model.lav'), 'utf8');
  const c = fit.call;
  const data = c.data === 'cont' ? loadTable('mg_continuous.csv')
    : c.data === 'likert' ? loadTable('mg_likert.csv')
      : c.data.startsWith('likert_') ? loadTable('mg_likert.csv', `llm_${c.data.slice('likert_'.length)}`)
        : undefined;
  if (!data) throw new Error(`unknown reference data "${c.data}"`);
  const ge = c['group.equal'];
  const equal = (ge === null ? [] : Array.isArray(ge) ? ge : [ge]) as EqualityKind[];
  return {
    model, modelFile: 'model.lav', data, equal,
    ...(c.group ? { group: c.group } : {}),
    se: c.estimator === 'MLR' ? 'robust' : 'standard',
    ...(c.information !== 'default' ? { information: c.information as 'expected' | 'observed' } : {}),
  };
}
