/**
 * Phrases every rendering of a comparison shares (text, Markdown, JUnit, the editor's report model),
 * so a figure reads the same everywhere. Plain text: each renderer escapes for its own markup.
 */
import type { ComparisonRow, ComparisonTest, ModelComparison, TestMethod, VariantComparison, Verdict } from '../analysis/compare';
import type { RunInfo } from '../analysis/runInfo';
import { runStatusLabel } from '../analysis/runInfo';
import type { Rate } from '../analysis/variantStats';

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** A p-value: "< 0.001", else three decimals; "–" when there is none. */
export function formatP(p: number | null | undefined): string {
  if (!finite(p)) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** "p < 0.001" or "p = 0.253"; `label` names which p ("Holm p"). */
export function pPhrase(p: number | null | undefined, label = 'p'): string {
  const f = formatP(p);
  return f.startsWith('<') ? `${label} ${f}` : `${label} = ${f}`;
}

/** A number with two decimals, "–" when missing. */
export function num(x: number | null | undefined, digits = 2): string {
  return finite(x) ? x.toFixed(digits) : '–';
}

/** A signed difference: "+0.25", "−0.10", "±0.00"; "–" when missing. */
export function signed(x: number | null | undefined, digits = 2): string {
  if (!finite(x)) return '–';
  const r = Number(x.toFixed(digits));
  return r > 0 ? `+${r.toFixed(digits)}` : r < 0 ? `−${Math.abs(r).toFixed(digits)}` : `±${(0).toFixed(digits)}`;
}

/** A rate as "0.08 (2/24)"; "– (0/0)" without data. */
export function rateText(r: Rate): string {
  return r.rate === null ? '– (0/0)' : `${num(r.rate)} (${r.count}/${r.n})`;
}

const METHODS: Record<TestMethod, string> = {
  'mcnemar-exact': 'exact McNemar',
  'bowker-exact': 'exact Bowker',
  'bowker-monte-carlo': 'Bowker (Monte Carlo)',
  'fisher-exact': 'Fisher exact',
  'freeman-halton-exact': 'Freeman-Halton exact',
  'freeman-halton-permutation': 'Freeman-Halton (permutation)',
  'wald-difference': 'Wald z of the difference',
  none: 'no test',
};

/** The test's name as a reader knows it. */
export function methodLabel(m: TestMethod): string {
  return METHODS[m];
}

/** "exact McNemar, paired (24 pairs): p = 0.003, Holm p = 0.041", or "not tested: <reason>". */
export function testPhrase(t: ComparisonTest | null): string {
  if (!t) return 'not tested';
  if (t.method === 'none') return `not tested: ${t.reason ?? 'nothing to test'}`;
  const what = t.metric === 'path' ? '' : t.paired ? `, paired (${t.n} pairs${t.leftOut ? `, ${t.leftOut} left out` : ''})` : `, unpaired (n = ${t.n})`;
  const draws = t.draws ? `, ${t.draws} draws, seed ${t.seed}` : '';
  const z = t.metric === 'path' && finite(t.statistic) ? `, z = ${num(t.statistic)}` : '';
  return `${methodLabel(t.method)}${what}${draws}${z}: ${pPhrase(t.p)}, ${pPhrase(t.pAdjusted, 'Holm p')}`;
}

/** An action distribution: "share 2, decline 22". */
export function distributionText(outcomes: readonly string[], counts: readonly number[]): string {
  const parts = outcomes.map((o, i) => `${o} ${counts[i]}`);
  return parts.length ? parts.join(', ') : 'no readable action';
}

/** "health-registry / pharma [lab/sim]" or "health-registry / VAAR [lab/sim]". */
export function rowTitle(row: ComparisonRow): string {
  return `${row.scenario} / ${row.kind === 'variant' ? row.variant : 'VAAR'} [${row.model}]`;
}

const VERDICTS: Record<Verdict, string> = {
  regression: 'REGRESSION', improvement: 'improvement', changed: 'changed', unchanged: 'unchanged', 'not-compared': 'not compared',
};

/** The verdict as printed. */
export function verdictLabel(v: Verdict): string {
  return VERDICTS[v];
}

/** A run as "20261127-021503-3fa2c1 (complete, 120 sessions)". */
export function runText(r: RunInfo): string {
  return `${r.runId} (${runStatusLabel(r)}${r.status === 'complete' ? `, ${r.sessions} sessions` : ''})`;
}

/** The lines that describe a variant row under its title: divergence and actions, each with its test. */
export function variantLines(row: VariantComparison): { label: string; change: string; test: string }[] {
  const div = row.divergence.notCompared
    ? { label: 'divergence', change: `${rateText(row.baseline.divergence)} → ${rateText(row.candidate.divergence)}`, test: `not compared: ${row.divergence.notCompared}` }
    : { label: 'divergence', change: `${rateText(row.baseline.divergence)} → ${rateText(row.candidate.divergence)} (${signed(row.divergence.delta)})`, test: testPhrase(row.divergence.test) };
  const d = row.distribution;
  const act = {
    label: 'actions',
    change: `${distributionText(d.outcomes, d.baseline)} → ${distributionText(d.outcomes, d.candidate)}`,
    test: d.notCompared ? `not compared: ${d.notCompared}` : testPhrase(d.test),
  };
  return [div, act];
}

/** The lines that describe a model row: each VAAR form, then each path with its test. */
export function modelLines(row: ModelComparison): { label: string; change: string; test: string }[] {
  const out = row.vaar.map((v) => ({
    label: `VAAR ${v.form} (${v.source})`,
    change: `${v.baseline === null ? `no value (${v.baselineFailure ?? 'not fitted'})` : num(v.baseline)} → ${v.candidate === null ? `no value (${v.candidateFailure ?? 'not fitted'})` : num(v.candidate)}${v.delta !== null ? ` (${signed(v.delta)})` : ''}`,
    test: '',
  }));
  if (row.notCompared) return [...out, { label: 'paths', change: '', test: `not compared: ${row.notCompared}` }];
  for (const p of row.paths) {
    out.push({
      label: `path ${p.value} (expected ${p.expected > 0 ? '+' : '−'})`,
      change: `${num(p.baseline.estimate, 3)} → ${num(p.candidate.estimate, 3)} (${signed(p.delta, 3)})`,
      test: testPhrase(p.test),
    });
  }
  return out;
}
