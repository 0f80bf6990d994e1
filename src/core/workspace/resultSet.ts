/**
 * The result set a host shows for a scenario: per variant and model, the newest run that has answered
 * sessions there, with where each figure came from. A failed or zero-session run never replaces what
 * is shown (it is listed in `skipped`); a variant run adds its variant to the other variants' newest
 * results. Pure: the run store reads the logs.
 */
import type { AssertResult, RunLogInput, ScenarioAnalysis } from '../analysis/analyzeRun';
import type { SessionRecord } from '../run/record';
import { newestFirst, plannedPerCell, type LoadedRun, type RunInfo } from './runStore';

/** The results of one model on one variant, all from one run. */
export interface ResultCell {
  model: string;
  variant: string;
  run: RunInfo;
  /** Distinct planned sessions of this model and variant in that run, answered ones, and the planned count. */
  done: number;
  complete: number;
  planned: number;
  /** Not every planned session of this model and variant is in the log. */
  partial: boolean;
  /** From the latest full run (the newest that planned every variant and has results). A cell whose
   *  sessions all failed is taken only where no run answered any. */
  fromLatest: boolean;
}

export interface ResultSet {
  cells: ResultCell[];
  /** The newest run that planned every variant of the scenario and has results (else the newest with results). */
  latest?: RunInfo;
  /** Runs newer than every figure shown that added none: failed, cancelled before any session, zero sessions, unreadable. */
  skipped: RunInfo[];
  /** The logs behind the cells, oldest first, each with only the sessions of its cells (for `analyzeRun`). */
  logs: RunLogInput[];
}

const cellKey = (model: string, variant: string): string => `${model}\u0000${variant}`;

/**
 * Builds the result set from a scenario's runs (any order). `variants`: the scenario's variant names,
 * in order; sessions of other variants are left out. Only runs of the same scenario text should be
 * given (the caller filters by `scenarioHash`).
 */
export function buildResultSet(runs: readonly LoadedRun[], variants: readonly string[]): ResultSet {
  const known = new Set(variants);
  const ordered = newestFirst(runs);
  const taken = new Map<string, { cell: Omit<ResultCell, 'fromLatest'>; sessions: SessionRecord[] }>();
  const contributed = new Set<LoadedRun>();
  // Where only failed sessions exist for a cell, the newest of them is shown (as failed) and nothing answered is replaced.
  const fallback = new Map<string, { run: LoadedRun; cell: Omit<ResultCell, 'fromLatest'>; sessions: SessionRecord[] }>();
  for (const run of ordered) {
    const byCell = new Map<string, SessionRecord[]>();
    for (const s of run.sessions) {
      if (!known.has(s.variant)) continue;
      const k = cellKey(s.model, s.variant);
      const list = byCell.get(k) ?? [];
      list.push(s);
      byCell.set(k, list);
    }
    for (const [k, sessions] of byCell) {
      if (taken.has(k)) continue;
      const own = sessions.filter((s) => !s.guard);
      if (own.length === 0) continue;
      const complete = own.filter((s) => s.status === 'complete').length;
      const first = own[0]!;
      const planned = plannedPerCell(run.header);
      const done = new Set(own.map((s) => s.key)).size;
      const cell = { model: first.model, variant: first.variant, run: run.info, done, complete, planned, partial: done < planned };
      if (complete === 0) {
        // Nothing answered here: older answered results stay.
        if (!fallback.has(k)) fallback.set(k, { run, cell, sessions });
        continue;
      }
      taken.set(k, { cell, sessions });
      contributed.add(run);
    }
  }
  for (const [k, f] of fallback) {
    if (taken.has(k)) continue;
    taken.set(k, { cell: f.cell, sessions: f.sessions });
    contributed.add(f.run);
  }
  const withResults = ordered.filter((r) => contributed.has(r));
  const full = withResults.find((r) => variants.every((v) => r.header.variants.includes(v)));
  const latest = (full ?? withResults[0])?.info;
  const newestShown = withResults[0];
  const skipped = newestShown ? ordered.slice(0, ordered.indexOf(newestShown)).filter((r) => !contributed.has(r)).map((r) => r.info) : ordered.filter((r) => !contributed.has(r)).map((r) => r.info);
  const variantIndex = new Map(variants.map((v, i) => [v, i] as const));
  const cells = [...taken.values()].map(({ cell }) => ({ ...cell, fromLatest: cell.run.runId === latest?.runId }))
    .sort((a, b) => a.model.localeCompare(b.model) || variantIndex.get(a.variant)! - variantIndex.get(b.variant)!);
  const logs: RunLogInput[] = [...withResults].reverse().map((run) => ({
    header: run.header,
    file: run.info.file,
    sessions: [...taken.values()].filter((t) => t.cell.run === run.info).flatMap((t) => t.sessions),
  }));
  return { cells, ...(latest ? { latest } : {}), skipped, logs };
}

/** The cell of a model and variant, if the set has results there. */
export function cellOf(set: ResultSet, model: string, variant: string): ResultCell | undefined {
  return set.cells.find((c) => c.model === model && c.variant === variant);
}

/** `2026-12-01 23:10` (UTC) of an ISO time. */
export function shortTime(iso: string): string {
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso;
}

/** A model id without its provider. */
export const shortModel = (model: string): string => model.slice(model.indexOf('/') + 1);

/**
 * The provenance label of one cell, or undefined for a whole result of the latest full run:
 * "partial 7/8" when sessions are missing, and the model and start time of the run when it is not
 * the latest full run ("sim-aligned · 2026-12-01 23:10").
 */
export function cellLabel(cell: ResultCell): string | undefined {
  const parts: string[] = [];
  if (cell.partial) parts.push(`partial ${cell.done}/${cell.planned}`);
  if (!cell.fromLatest) parts.push(`from ${shortModel(cell.model)} · ${shortTime(cell.run.startedAt)}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * The label of the set as a whole (for the summary lens and the report): "partial 7/24" when a cell
 * is partial (sessions done over planned, over the partial runs), "from 2 runs" when the figures
 * mix runs. Undefined when every figure is a whole result of one run.
 */
export function setLabel(set: ResultSet): string | undefined {
  const parts: string[] = [];
  const partial = set.cells.filter((c) => c.partial);
  if (partial.length) {
    const runs = [...new Set(partial.map((c) => c.run))];
    parts.push(`partial ${runs.reduce((a, r) => a + r.done, 0)}/${runs.reduce((a, r) => a + r.planned, 0)}`);
  }
  const runs = new Set(set.cells.map((c) => c.run.runId));
  if (runs.size > 1) parts.push(`from ${runs.size} runs`);
  else if (set.latest && set.cells.length && !set.cells[0]!.fromLatest) parts.push(`from ${shortTime(set.cells[0]!.run.startedAt)}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * Why a model's figures over every variant are not a whole measurement, or undefined when they are:
 * a variant without results, or one whose run did not do every planned session.
 */
export function incompleteReason(set: ResultSet, model: string, variants: readonly string[]): string | undefined {
  const missing = variants.filter((v) => !cellOf(set, model, v));
  if (missing.length) return `no results for variant${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  const partial = variants.map((v) => cellOf(set, model, v)!).filter((c) => c.partial);
  if (partial.length) return `partial results (${partial.map((c) => `${c.variant} ${c.done}/${c.planned}`).join(', ')} sessions)`;
  return undefined;
}

/**
 * The analysis with each `assert` of a model whose results are incomplete (see `incompleteReason`)
 * turned into "not measured": an assert covers every variant of its model, and a partial figure is
 * not the figure the threshold is about. Returns a new analysis; the rest is shared.
 */
export function withCoverage(analysis: ScenarioAnalysis, set: ResultSet, variants: readonly string[]): ScenarioAnalysis {
  return coverAsserts(analysis, (model) => incompleteReason(set, model, variants));
}

/** The analysis with the asserts of each model for which `reasonOf` gives a reason turned into "not measured". */
export function coverAsserts(analysis: ScenarioAnalysis, reasonOf: (model: string) => string | undefined): ScenarioAnalysis {
  const reasons = new Map<string, string | undefined>();
  const why = (model: string): string | undefined => {
    if (!reasons.has(model)) reasons.set(model, reasonOf(model));
    return reasons.get(model);
  };
  const asserts = analysis.asserts.map((a): AssertResult => {
    const reason = why(a.model);
    if (!reason) return a;
    return { ...a, actual: null, status: 'error', message: `${a.metric} not measured for ${a.model}: ${reason}` };
  });
  // perModel keeps its lazily computed members (path model, VAAR): only asserts change.
  return { ...analysis, asserts };
}

/** What one host needs to label a cell's figures: the label (or undefined) for a model and variant. */
export function labelsOf(set: ResultSet): (model: string, variant: string) => string | undefined {
  const map = new Map(set.cells.map((c) => [cellKey(c.model, c.variant), cellLabel(c)] as const));
  return (model, variant) => map.get(cellKey(model, variant));
}

/** A cell as the report panel keeps it (in its saved state): which log, model and variant, and its provenance. */
export interface ReportCell {
  file: string;
  model: string;
  variant: string;
  /** `cellLabel`, when the figure is partial or from an older run. */
  label?: string;
  /** Why the model's asserts are not measured (see `incompleteReason`), when they are not. */
  incomplete?: string;
}

/** The cells of a set for the report panel. */
export function reportCells(set: ResultSet, variants: readonly string[]): ReportCell[] {
  return set.cells.map((c) => {
    const label = cellLabel(c);
    const incomplete = incompleteReason(set, c.model, variants);
    return { file: c.run.file, model: c.model, variant: c.variant, ...(label ? { label } : {}), ...(incomplete ? { incomplete } : {}) };
  });
}

/** The provenance lines of a report: one per labelled figure, and the newer runs that added nothing. */
export function provenanceLines(cells: readonly ReportCell[], skipped: readonly Pick<RunInfo, 'runId' | 'startedAt'>[] = [], statusOf?: (r: Pick<RunInfo, 'runId' | 'startedAt'>) => string): string[] {
  const out = cells.filter((c) => c.label).map((c) => `${c.model} / ${c.variant}: ${c.label}`);
  for (const r of skipped) out.push(`run ${r.runId} (${shortTime(r.startedAt)}) is not shown: ${statusOf ? statusOf(r) : 'it has no answered session'}`);
  return out;
}
