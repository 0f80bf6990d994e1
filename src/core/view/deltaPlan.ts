/**
 * The change against a baseline run, as marks on a scenario's lines (issue 10 §6): on each variant's
 * line, per model, the change in divergence and the largest change in the action distribution, each
 * with its Holm-corrected p-value from the core comparison (`compareRuns`, the same as `dilemma
 * compare`); on the `dilemma:` line, per model, the change in VAAR. A mark is a regression or an
 * improvement as the comparison's verdict says (a significant change, Holm-corrected), else neutral.
 * Pure: the editor only applies the marks (src/editor/baselineDeltas.ts).
 */
import type { ComparisonRow, ModelComparison, RunComparison, VariantComparison, Verdict } from '../analysis/compare';
import { modelLines, pPhrase, signed, variantLines, verdictLabel } from '../report/compareFormat';
import type { Scenario } from '../scenario/model';
import { shortModel } from '../workspace/resultSet';
import { markdownText } from '../scenario/markdownText';

export type DeltaKind = 'regression' | 'improvement' | 'neutral';

export interface DeltaMark {
  model: string;
  /** The variant, or undefined for a model's VAAR on the `dilemma:` line. */
  variant?: string;
  kind: DeltaKind;
  /** Where the after-text goes: the end of the line. */
  at: number;
  text: string;
  /** Markdown: every figure and test of the row. */
  hover: string;
}

/** Regression and improvement as the verdict says; anything else (changed, unchanged, not compared) is neutral. */
export function deltaKind(verdict: Verdict): DeltaKind {
  return verdict === 'regression' ? 'regression' : verdict === 'improvement' ? 'improvement' : 'neutral';
}

/** A share difference in percentage points: "+25 pp", "−10 pp", "±0 pp". */
export function pp(x: number): string {
  const r = Math.round(x * 100);
  return r > 0 ? `+${r} pp` : r < 0 ? `−${-r} pp` : '±0 pp';
}

/** The short p of a test for the line: "p 0.031" (Holm-adjusted), "p < 0.001"; empty without a test. */
function pShort(p: number | null | undefined): string {
  return p === null || p === undefined ? '' : `, ${pPhrase(p, 'p').replace(' = ', ' ')}`;
}

/**
 * A variant row's line text: "Δ sim-aligned: diverge +25 pp, p 0.031 · decline +30 pp, p 0.016".
 * The action part names the outcome whose share changed most (the first in the row's order on a tie).
 */
export function variantDeltaText(row: VariantComparison): string {
  const head = `Δ ${shortModel(row.model)}:`;
  if (row.verdict === 'not-compared' && row.divergence.notCompared && row.distribution.notCompared) return `${head} not compared (${row.divergence.notCompared})`;
  const parts: string[] = [];
  if (row.divergence.notCompared === null && row.divergence.delta !== null) parts.push(`diverge ${pp(row.divergence.delta)}${pShort(row.divergence.test?.pAdjusted)}`);
  const d = row.distribution;
  if (d.notCompared === null) {
    let best = -1;
    d.shareDelta.forEach((x, i) => {
      if (x !== null && (best < 0 || Math.abs(x) > Math.abs(d.shareDelta[best]!))) best = i;
    });
    if (best >= 0) parts.push(`${d.outcomes[best]} ${pp(d.shareDelta[best]!)}${pShort(d.test?.pAdjusted)}`);
  }
  return `${head} ${parts.join(' · ') || 'no comparable figure'}`;
}

/** A model row's line text: "Δ VAAR sim-aligned: 0.80 → 0.40 (−0.40)" for the first form with values on both sides. */
export function modelDeltaText(row: ModelComparison): string {
  const head = `Δ VAAR ${shortModel(row.model)}:`;
  const v = row.vaar.find((x) => x.delta !== null);
  if (!v) return `${head} ${row.vaar.length ? 'no value on both sides' : 'not compared'}`;
  return `${head} ${v.baseline!.toFixed(2)} → ${v.candidate!.toFixed(2)} (${signed(v.delta)})`;
}

function hoverOf(row: ComparisonRow, baselineName: string): string {
  const lines = row.kind === 'variant' ? variantLines(row) : modelLines(row);
  const out = [`**${verdictLabel(row.verdict)}** against the baseline ${markdownText(baselineName)} (Holm-corrected over the whole comparison)`, ''];
  for (const l of lines) out.push(`- ${markdownText(l.label)}: ${markdownText(l.change)}${l.test ? ` — ${markdownText(l.test)}` : ''}`);
  for (const n of row.notes) out.push(`- ${markdownText(n)}`);
  return out.join('\n');
}

/** The end of the line that holds `offset` (before a `\r`). */
function endOfLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}

/**
 * The delta marks of one scenario file: one per row of the comparison for this scenario whose variant
 * is in the file (the VAAR rows on the `dilemma:` line), in the comparison's order (regressions first).
 * `baselineName` names the baseline in the hovers ("run 20261201-231000-ab12cd").
 */
export function deltaPlan(scenario: Scenario, text: string, comparison: RunComparison, baselineName: string): DeltaMark[] {
  const out: DeltaMark[] = [];
  for (const row of comparison.rows) {
    if (row.scenario !== scenario.id) continue;
    if (row.kind === 'variant') {
      const v = scenario.variants.find((x) => x.name === row.variant && !x.implicit);
      const at = v ? endOfLine(text, v.nameRange.start) : endOfLine(text, scenario.idRange.start);
      out.push({ model: row.model, variant: row.variant, kind: deltaKind(row.verdict), at, text: variantDeltaText(row), hover: hoverOf(row, baselineName) });
    } else {
      out.push({ model: row.model, kind: deltaKind(row.verdict), at: endOfLine(text, scenario.idRange.start), text: modelDeltaText(row), hover: hoverOf(row, baselineName) });
    }
  }
  return out;
}
