/**
 * What the editor shows of a comparison (`compareRuns`): the comparison report panel's rows and the
 * deltas drawn on the variant lines. Plain data, no DOM and no vscode; every number and phrase is the
 * comparison's own (through report/compareFormat), so the panel, the lines and `dilemma compare` agree.
 */
import type { ComparisonRow, ComparisonTest, RunComparison, VariantComparison, Verdict } from '../analysis/compare';
import { runStatusLabel, type RunInfo } from '../analysis/runInfo';
import { distributionText, modelLines, num, pPhrase, rateText, rowTitle, signed, testPhrase, verdictLabel } from '../report/compareFormat';
import { comparisonHeadline, scenarioFacts } from '../report/compareText';

/** One figure of a row: baseline, candidate, the change and its test. */
export interface ComparisonCell {
  label: string;
  baseline: string;
  candidate: string;
  /** "+0.25", "−0.10", "–". */
  delta: string;
  /** worse / better only when significant after Holm; `none` when not significant or not directional. */
  tone: 'worse' | 'better' | 'none';
  /** The test in words, or why there is none. */
  test: string;
  significant: boolean;
}

/** One row of the comparison report: a variant x model, or a model's VAAR. */
export interface ComparisonRowView {
  /** Stable key: `scenario|variant|model` or `scenario||model`. */
  key: string;
  kind: 'variant' | 'model';
  scenario: string;
  variant?: string;
  model: string;
  title: string;
  verdict: Verdict;
  verdictLabel: string;
  cells: ComparisonCell[];
  notes: string[];
}

/** A run as the report lists it. */
export interface ComparisonRunView {
  runId: string;
  file?: string;
  startedAt: string;
  /** "complete", "partial 7/24", "zero sessions". */
  status: string;
  sessions: number;
  planned: number;
}

/** Everything the comparison report panel draws. */
export interface ComparisonReportModel {
  title: string;
  /** The counts sentence, e.g. "1 regression(s), 0 improvement(s), ...". */
  headline: string;
  /** fail: a significant regression; empty: nothing could be compared; pass otherwise. */
  tone: 'fail' | 'pass' | 'empty';
  baseline: ComparisonRunView[];
  candidate: ComparisonRunView[];
  /** Which tests, which correction, which alpha. */
  method: string;
  /** In regression order (docs/compare.md, "Order"). */
  rows: ComparisonRowView[];
  /** Per scenario: versions, what changed, one-sided variants and models, partial runs. */
  scenarios: { scenario: string; title?: string; file?: string; facts: string[] }[];
  warnings: string[];
}

/** A delta on a variant's line in the editor. */
export interface LineDelta {
  scenario: string;
  variant: string;
  model: string;
  /** Short after-text, e.g. "vs baseline: divergence +0.79 ✗ (Holm p < 0.001)". */
  text: string;
  tone: 'worse' | 'better' | 'none';
  verdict: Verdict;
  /** Plain-text hover lines (escape before rendering as Markdown). */
  hover: string[];
}

const runView = (r: RunInfo): ComparisonRunView => ({
  runId: r.runId, ...(r.file ? { file: r.file } : {}), startedAt: r.startedAt, status: runStatusLabel(r), sessions: r.sessions, planned: r.planned,
});

const toneOf = (t: ComparisonTest | null): ComparisonCell['tone'] => (t?.significant && t.direction !== 'neutral' ? t.direction : 'none');

function variantCells(r: VariantComparison): ComparisonCell[] {
  const d = r.distribution;
  return [
    {
      label: 'divergence', baseline: rateText(r.baseline.divergence), candidate: rateText(r.candidate.divergence), delta: signed(r.divergence.delta),
      tone: toneOf(r.divergence.test), test: r.divergence.notCompared ? `not compared: ${r.divergence.notCompared}` : testPhrase(r.divergence.test),
      significant: r.divergence.test?.significant ?? false,
    },
    {
      label: 'actions', baseline: distributionText(d.outcomes, d.baseline), candidate: distributionText(d.outcomes, d.candidate),
      delta: d.outcomes.map((o, i) => `${o} ${signed(d.shareDelta[i])}`).join(', ') || '–',
      tone: 'none', test: d.notCompared ? `not compared: ${d.notCompared}` : testPhrase(d.test), significant: d.test?.significant ?? false,
    },
  ];
}

function rowView(r: ComparisonRow): ComparisonRowView {
  const key = r.kind === 'variant' ? `${r.scenario}|${r.variant}|${r.model}` : `${r.scenario}||${r.model}`;
  const cells: ComparisonCell[] = r.kind === 'variant' ? variantCells(r) : [
    ...r.vaar.map((v): ComparisonCell => ({
      label: `VAAR ${v.form} (${v.source})`, baseline: v.baseline === null ? `no value: ${v.baselineFailure ?? ''}` : num(v.baseline),
      candidate: v.candidate === null ? `no value: ${v.candidateFailure ?? ''}` : num(v.candidate), delta: signed(v.delta), tone: 'none', test: 'described by its paths below', significant: false,
    })),
    ...(r.notCompared
      ? [{ label: 'paths', baseline: '', candidate: '', delta: '–', tone: 'none' as const, test: `not compared: ${r.notCompared}`, significant: false }]
      : r.paths.map((p): ComparisonCell => ({
        label: `path ${p.value} (expected ${p.expected > 0 ? '+' : '−'})`, baseline: num(p.baseline.estimate, 3), candidate: num(p.candidate.estimate, 3),
        delta: signed(p.delta, 3), tone: toneOf(p.test), test: testPhrase(p.test), significant: p.test.significant,
      }))),
  ];
  return {
    key, kind: r.kind, scenario: r.scenario, ...(r.kind === 'variant' ? { variant: r.variant } : {}), model: r.model,
    title: rowTitle(r), verdict: r.verdict, verdictLabel: verdictLabel(r.verdict), cells, notes: r.notes,
  };
}

/** The comparison report panel's data. */
export function comparisonReportModel(c: RunComparison): ComparisonReportModel {
  const names = [...new Set(c.scenarios.map((s) => s.title ?? s.scenario))];
  return {
    title: `Comparison: ${names.join(', ') || 'no scenario'}`,
    headline: comparisonHeadline(c),
    tone: c.summary.nothingCompared ? 'empty' : c.summary.regressions ? 'fail' : 'pass',
    baseline: c.baseline.runs.map(runView),
    candidate: c.candidate.runs.map(runView),
    method: `Paired samples (same persona and sample index): exact McNemar, or exact Bowker for more than two choices; otherwise Fisher (Freeman-Halton). Paths: Wald z of the difference. Holm over ${c.summary.tests} test(s), alpha ${c.alpha}.`,
    rows: c.rows.map(rowView),
    scenarios: c.scenarios.map((s) => ({ scenario: s.scenario, ...(s.title ? { title: s.title } : {}), ...(s.file ? { file: s.file } : {}), facts: scenarioFacts(s) })),
    warnings: c.warnings,
  };
}

/**
 * The deltas to draw on a scenario's variant lines: one per variant x model that was compared, red
 * (worse) or green (better) only when a test of the row is significant after Holm.
 */
export function comparisonLineDeltas(c: RunComparison, scenario: string): LineDelta[] {
  return c.rows.filter((r): r is VariantComparison => r.kind === 'variant' && r.scenario === scenario).map((r) => {
    const t = r.divergence.test;
    const mark = r.verdict === 'regression' ? ' ✗' : r.verdict === 'improvement' ? ' ✓' : '';
    const p = t?.pAdjusted !== null && t?.pAdjusted !== undefined ? ` (${pPhrase(t.pAdjusted, 'Holm p')})` : '';
    const text = r.verdict === 'not-compared'
      ? `vs baseline: not compared`
      : r.divergence.notCompared === null
        ? `vs baseline: divergence ${signed(r.divergence.delta)}${mark}${p}`
        : `vs baseline: ${r.verdict}${mark}`;
    const tone: LineDelta['tone'] = r.verdict === 'regression' ? 'worse' : r.verdict === 'improvement' ? 'better' : 'none';
    const hover = [`${rowTitle(r)}: ${verdictLabel(r.verdict)}`, ...r.notes,
      ...variantCells(r).map((cell) => `${cell.label}: ${cell.baseline} → ${cell.candidate} (${cell.delta}); ${cell.test}`)];
    return { scenario, variant: r.variant, model: r.model, text, tone, verdict: r.verdict, hover };
  });
}

/** The model rows' figures as text lines (for a hover on the scenario's first line). */
export function modelDeltaLines(c: RunComparison, scenario: string): string[] {
  return c.rows.filter((r) => r.kind === 'model' && r.scenario === scenario)
    .flatMap((r) => [`${rowTitle(r)}: ${verdictLabel(r.verdict)}`, ...(r.kind === 'model' ? modelLines(r).map((l) => `  ${l.label}: ${[l.change, l.test].filter(Boolean).join('; ')}`) : [])]);
}
