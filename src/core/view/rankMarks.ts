/**
 * The editor's mark on a declared `rank` entry that a model's revealed order inverts (issue 13 §2):
 * the entry is declared above another value, and the Bradley-Terry strengths fitted from the model's
 * decisions put it below (analysis/hierarchy.ts, `inversions`). One mark per entry, after its line,
 * with the evidence in the hover: per model, the values revealed above it, their head-to-head record
 * in the decisions where the two pulled apart, the exact two-sided p, and the fitted strengths.
 * Pure; the editor applies it (src/editor/decorations.ts).
 */
import type { ScenarioAnalysis } from '../analysis/analyzeRun';
import type { RankInversion } from '../analysis/hierarchy';
import type { Span } from '../scenario/model';
import { markdownText } from '../scenario/markdownText';

export interface RankMark {
  /** The rank entry declared above a value the model reveals above it. */
  value: string;
  range: Span;
  /** Offset of the end of the entry's line, where the short text goes. */
  at: number;
  /** `revealed below prosocial (sim-x)`. */
  text: string;
  /** Markdown; every name from the file or a model id is escaped. */
  hover: string;
}

const shortModel = (model: string): string => model.slice(model.indexOf('/') + 1);
const fmtP = (p: number | null): string => (p === null ? 'no decision between them' : p < 0.001 ? 'p < 0.001' : `p ${p.toFixed(3)}`);

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}

/** The marks of a file's results: the inverted entries of every model shown (`models`, default all). */
export function rankMarks(text: string, analysis: ScenarioAnalysis, models: readonly string[] = analysis.models): RankMark[] {
  const byEntry = new Map<string, { value: string; range: Span; items: { model: string; inv: RankInversion }[] }>();
  for (const m of analysis.perModel) {
    if (!models.includes(m.model)) continue;
    const h = m.hierarchy;
    if (!h?.revealed?.ok) continue;
    for (const inv of h.inversions) {
      const k = `${inv.higherRange.start}:${inv.higherRange.end}`;
      const e = byEntry.get(k) ?? { value: inv.higher, range: inv.higherRange, items: [] };
      e.items.push({ model: m.model, inv });
      byEntry.set(k, e);
    }
  }
  return [...byEntry.values()].sort((a, b) => a.range.start - b.range.start).map((e) => {
    const lower = [...new Set(e.items.map((x) => x.inv.lower))];
    const who = [...new Set(e.items.map((x) => shortModel(x.model)))];
    const lines = e.items.map(({ model, inv }) =>
      `- **${markdownText(model)}**: ${markdownText(inv.lower)} won ${inv.lowerWins} of ${inv.lowerWins + inv.higherWins} decisions against ${markdownText(inv.higher)} where the two pulled apart (exact two-sided ${fmtP(inv.p)}); Bradley-Terry strength ${markdownText(inv.higher)} ${inv.higherStrength.toFixed(2)}, ${markdownText(inv.lower)} ${inv.lowerStrength.toFixed(2)}`);
    return {
      value: e.value,
      range: e.range,
      at: lineEnd(text, e.range.start),
      text: `revealed below ${lower.join(', ')} (${who.join(', ')})`,
      hover: [`**Declared above, revealed below**: the model's decisions rank ${markdownText(e.value)} under ${lower.map(markdownText).join(', ')}, which this \`rank\` puts after it.`, '', ...lines].join('\n'),
    };
  });
}
