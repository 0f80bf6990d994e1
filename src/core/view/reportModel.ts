import type { ScenarioAnalysis } from '../analysis/analyzeRun';
import { isVaarValue, type VaarForm, type VaarResult } from '../analysis/vaar';
import type { BtResult } from '../analysis/bradleyTerry';
import { gapRows, type GapRow } from '../report/gapReport';
import { guardCells, GUARD_HEADER } from '../report/guardReport';
import { hierarchyLines } from '../report/hierarchyReport';
import { bootstrapCount, pathEstimator, populationLines } from '../report/markdown';
import { latentHeadline, latentLadderLines, latentPathLines, latentWarningLines } from '../report/latentReport';

/** One bar of the actions chart: how often a model chose an outcome in a variant. */
export interface ActionBar {
  model: string;
  variant: string;
  outcome: string;
  count: number;
  /** Share of the variant's readable actions, 0..1. */
  share: number;
}

/** A rate with its 95% interval and the samples behind it; `rate` null when nothing could be counted. */
export interface IntervalPoint {
  model: string;
  /** A variant name, or undefined for the model's pooled figure. */
  variant?: string;
  rate: number | null;
  low: number | null;
  high: number | null;
  count: number;
  n: number;
}

/** The mean normalised (0..1) stated score of each value for one model and variant. */
export interface ProfileSeries {
  model: string;
  variant: string;
  points: { value: string; mean: number | null; n: number }[];
}

/** A value-to-action path of the composite model, or why there is none. */
export interface PathPoint {
  model: string;
  value: string;
  expected: 1 | -1;
  estimate: number;
  low: number | null;
  high: number | null;
  p: number;
}

/** VAAR of one model in one form and source, or the reason it has no value. */
export interface VaarPoint {
  model: string;
  form: VaarForm;
  source: 'composite' | 'latent';
  vaar: number | null;
  agreeing: number;
  paths: number;
  n: number;
  /** The chance baseline: probability that a respondent unrelated to its values scores at least as high. */
  chanceP: number | null;
  /** How chanceP is computed: `binomial` (sign, strict) or `irwin-hall` (confidence). */
  chanceMethod?: 'binomial' | 'irwin-hall';
  /** Confidence form: the mean log-loss of the path probabilities and its chance p (lower is better). */
  logLoss?: number;
  logLossP?: number;
  failure?: string;
}

/** The gap panel of one model: the same rows as the CLI and Markdown reports, and each value's distance beside its chance level for a chart. */
export interface GapView {
  model: string;
  /** Names the F1 as ValueActionLens's alignment rate, not Chen et al.'s VAAR. */
  label: string;
  unit: 'session' | 'variant';
  units: number;
  pairs: number;
  failure?: string;
  rows: GapRow[];
  /** Largest distance first. */
  distances: { value: string; distance: number; chance: number | null; p: number | null; n: number }[];
}

/** One value's Bradley-Terry strength with its 95% interval (none for the reference). */
export interface StrengthPoint {
  value: string;
  strength: number;
  low: number | null;
  high: number | null;
}

/** The value hierarchies of one model: the report's sentences and the strengths to draw. */
export interface HierarchyView {
  model: string;
  lines: string[];
  /** Revealed strengths, strongest first; empty when there is no fit (the first line says why). */
  revealed: StrengthPoint[];
  stated: StrengthPoint[];
  declared: string[];
}

const strengthPoints = (fit: BtResult | undefined): StrengthPoint[] => {
  if (!fit?.ok) return [];
  const by = new Map(fit.strengths.map((x) => [x.value, x]));
  return fit.order.map((v) => ({ value: v, strength: by.get(v)!.strength, low: by.get(v)!.ci?.[0] ?? null, high: by.get(v)!.ci?.[1] ?? null }));
};

/** The guard A/B of one model: the report's table and its verdict. */
export interface GuardView {
  model: string;
  header: string[];
  rows: string[][];
  verdict: 'reduced' | 'increased' | 'no clear change';
  summary: string;
}

/** Everything the report webview draws, computed from the analysis alone (no DOM, no vscode). */
export interface ReportModel {
  title: string;
  scenario: string;
  runs: { runId: string; startedAt: string; sessions: number }[];
  models: string[];
  variants: string[];
  /** In variant order, then model, then outcome order. */
  actions: ActionBar[];
  /** Every outcome that occurs, in the analysis's order (choice order, or ascending score). */
  outcomes: string[];
  divergence: IntervalPoint[];
  /** Pooled over variants, per model. */
  divergenceByModel: IntervalPoint[];
  /** Value names, in file order. */
  values: string[];
  profiles: ProfileSeries[];
  paths: PathPoint[];
  /** Models whose composite path model could not be fitted, and why. */
  pathFailures: { model: string; reason: string }[];
  /** Per model with a path model: which fit gave it (Firth, separation, OLS) and how many bootstrap resamples were fitted. */
  pathFits: { model: string; estimator: string; bootstrap: string }[];
  /** Stateless runs only: per model and variant, the population comparison (mean stated scores against the actions). */
  population: { model: string; lines: string[] }[];
  vaar: VaarPoint[];
  gap: GapView[];
  hierarchy: HierarchyView[];
  /** Empty unless the logs hold guarded sessions. */
  guard: GuardView[];
  sem: {
    fitted: boolean;
    reason?: string;
    fit?: { chisq: number; df: number; pvalue: number; cfi: number; tli: number; rmsea: number; rmseaLow: number; rmseaHigh: number; srmr: number; n: number };
    /** False when a post-fit check failed: the numbers are drawn marked inadmissible and give no VAAR. */
    admissible?: boolean;
    /** The report's sentences: the headline, every warning of the fit, the paths. */
    lines: string[];
    warnings: { kind: string; inadmissible: boolean; group?: string; message: string }[];
    paths: { model: string; value: string; expected: 1 | -1; estimate: number; se: number; p: number; stdAll: number }[];
  };
  asserts: { metric: string; model: string; status: 'pass' | 'fail' | 'error'; message: string; line?: number }[];
  warnings: string[];
}

function vaarPoint(r: VaarResult): VaarPoint {
  if (isVaarValue(r)) {
    return {
      model: r.model, form: r.form, source: r.source, vaar: r.vaar, agreeing: r.paths.filter((p) => p.agrees).length, paths: r.paths.length, n: r.n,
      chanceP: r.chance.p, chanceMethod: r.chance.method, ...(r.logLoss ? { logLoss: r.logLoss.value, logLossP: r.logLoss.p } : {}),
    };
  }
  return { model: r.model, form: r.form, source: r.source, vaar: null, agreeing: 0, paths: 0, n: r.n, chanceP: null, failure: r.failure };
}

/**
 * The report's chart data: actions per variant and model, divergence rates with their Wilson
 * intervals, stated-score profiles, composite path estimates with bootstrap intervals, VAAR per model
 * (both forms, both sources) and the latent model's fit when it was fitted. Nothing is recomputed:
 * every number is the analysis's own, so the report and `dilemma analyze` agree.
 */
export function reportModel(a: ScenarioAnalysis): ReportModel {
  const order = (m: string, v: string): number => a.variants.indexOf(v) * a.models.length + a.models.indexOf(m);
  const stats = a.perVariant.map((p) => p.stats).sort((x, y) => order(x.model, x.variant) - order(y.model, y.variant));
  const outcomes: string[] = [];
  for (const s of a.perVariant) for (const d of s.stats.distribution) if (!outcomes.includes(d.outcome)) outcomes.push(d.outcome);
  const values = a.perVariant[0]?.stats.values.map((v) => v.value) ?? [];
  const fit = a.latentModel.fit;
  return {
    title: a.scenario.title ?? a.scenario.id,
    scenario: a.scenario.id,
    runs: a.runs.map((r) => ({ runId: r.runId, startedAt: r.startedAt, sessions: r.sessions })),
    models: a.models,
    variants: a.variants,
    actions: stats.flatMap((s) => s.distribution.map((d) => ({ model: s.model, variant: s.variant, outcome: d.outcome, count: d.count, share: d.share }))),
    outcomes,
    divergence: stats.map((s) => ({ model: s.model, variant: s.variant, rate: s.divergence.rate, low: s.divergence.ci?.low ?? null, high: s.divergence.ci?.high ?? null, count: s.divergence.count, n: s.divergence.n })),
    divergenceByModel: a.perModel.map((m) => ({ model: m.model, rate: m.divergence.rate, low: m.divergence.ci?.low ?? null, high: m.divergence.ci?.high ?? null, count: m.divergence.count, n: m.divergence.n })),
    values,
    profiles: stats.map((s) => ({ model: s.model, variant: s.variant, points: s.values.map((v) => ({ value: v.value, mean: v.meanNormalised, n: v.n })) })),
    paths: a.perModel.flatMap((m) => (m.pathModel.ok
      ? m.pathModel.paths.map((p) => ({ model: m.model, value: p.value, expected: p.expected, estimate: p.estimate, low: p.ci?.[0] ?? null, high: p.ci?.[1] ?? null, p: p.p }))
      : [])),
    pathFailures: a.perModel.flatMap((m) => (m.pathModel.ok ? [] : [{ model: m.model, reason: m.pathModel.failure }])),
    pathFits: a.perModel.flatMap((m) => (m.pathModel.ok ? [{ model: m.model, estimator: pathEstimator(m.pathModel), bootstrap: bootstrapCount(m.pathModel) }] : [])),
    population: a.perModel.flatMap((m) => (m.population ? [{ model: m.model, lines: populationLines(m.population) }] : [])),
    vaar: a.perModel.flatMap((m) => [m.vaar.confidence, m.vaar.sign, m.vaar.strict, ...m.latent].map(vaarPoint)),
    gap: a.perModel.map((m) => ({
      model: m.model, label: m.gap.label, unit: m.gap.unit, units: m.gap.units, pairs: m.gap.pairs,
      ...(m.gap.failure ? { failure: m.gap.failure } : {}),
      rows: gapRows(m.gap),
      distances: (m.gap.distance?.ranking ?? []).map((value) => {
        const d = m.gap.distance!.values.find((x) => x.value === value)!;
        return { value, distance: d.distance!, chance: d.chance.expected, p: d.chance.p, n: d.n };
      }),
    })),
    hierarchy: a.perModel.map((m) => ({
      model: m.model, lines: hierarchyLines(m.hierarchy), revealed: strengthPoints(m.hierarchy.revealed),
      stated: strengthPoints(m.hierarchy.stated?.fit), declared: m.hierarchy.declared?.order ?? [],
    })),
    guard: (a.guard ?? []).map((g) => ({ model: g.model, header: GUARD_HEADER, rows: g.metrics.map(guardCells), verdict: g.verdict, summary: g.summary })),
    sem: {
      fitted: a.latentModel.fitted,
      ...(a.latentModel.reason ? { reason: a.latentModel.reason } : {}),
      ...(fit ? { fit: { chisq: fit.chisq, df: fit.df, pvalue: fit.pvalue, cfi: fit.cfi, tli: fit.tli, rmsea: fit.rmsea, rmseaLow: fit.rmseaCiLower, rmseaHigh: fit.rmseaCiUpper, srmr: fit.srmr, n: fit.ntotal } } : {}),
      ...(a.latentModel.admissible !== undefined ? { admissible: a.latentModel.admissible } : {}),
      lines: [latentHeadline(a.latentModel), ...latentWarningLines(a.latentModel), ...latentPathLines(a.latentModel), ...latentLadderLines(a.latentModel)],
      warnings: (a.latentModel.warnings ?? []).map((w) => ({ kind: w.kind, inadmissible: w.inadmissible, ...(w.group !== undefined ? { group: w.group } : {}), message: w.message })),
      paths: a.latentModel.paths ?? [],
    },
    asserts: a.asserts.map((x) => ({ metric: x.metric, model: x.model, status: x.status, message: x.message, ...(x.location ? { line: x.location.line } : {}) })),
    warnings: a.warnings,
  };
}
