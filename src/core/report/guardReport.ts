/**
 * The guard A/B (analysis/guardComparison.ts) as one table per model and its verdict sentence, for the
 * terminal and the Markdown report alike.
 */
import type { GuardComparison, GuardMetric } from '../analysis/guardComparison';

const num = (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pval = (p: number | null): string => (p === null || !Number.isFinite(p) ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));
const signed = (x: number | null): string => (x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`);

const NAMES: Record<GuardMetric['metric'], string> = {
  compliance: 'compliance with the deciding rule',
  divergence: 'divergence (action against the stated values)',
  consistency: 'consistency (modal action share, mean over variants)',
};

/** The table's cells of one metric. */
export function guardCells(m: GuardMetric): string[] {
  return [
    NAMES[m.metric], num(m.unguarded), num(m.guarded),
    `${signed(m.difference)}${m.ci ? ` [${signed(m.ci.low)}, ${signed(m.ci.high)}]` : ''}`,
    m.test === 'none' ? '–' : `${pval(m.p)} (${m.test}${m.draws ? `, ${m.draws} draws` : ''})`,
    String(m.pairs),
  ];
}

export const GUARD_HEADER = ['metric', 'without guard', 'with guard', 'difference [95% CI]', 'paired p', 'pairs'];

/** Text lines: a header, one aligned row per metric, the verdict. */
export function guardText(g: GuardComparison, indent = '    '): string[] {
  const rows = [GUARD_HEADER, ...g.metrics.map(guardCells)];
  const widths = GUARD_HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return [
    `${indent}guard A/B of ${g.model} (${g.pairs} paired sessions${g.unpaired ? `, ${g.unpaired} without a twin left out` : ''}):`,
    ...rows.map((r) => `${indent}  ${r.map((x, c) => x.padEnd(widths[c]!)).join('  ').trimEnd()}`),
    `${indent}${g.summary}`,
  ];
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Markdown: one table per model and the verdict. */
export function guardMarkdown(g: GuardComparison): string[] {
  return [
    `#### ${cell(g.model)}: guard A/B (${g.pairs} paired sessions${g.unpaired ? `, ${g.unpaired} without a twin left out` : ''})`,
    '',
    `| ${GUARD_HEADER.join(' | ')} |`,
    `|${GUARD_HEADER.map(() => '---').join('|')}|`,
    ...g.metrics.map((m) => `| ${guardCells(m).map(cell).join(' | ')} |`),
    '',
    cell(g.summary),
    '',
  ];
}
