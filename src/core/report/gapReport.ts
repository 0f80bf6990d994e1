/**
 * The gap panel (analysis/gapPanel.ts) as text lines and as a Markdown table: one row per metric, each
 * with its n, its chance level and the chance p, so the terminal and the Markdown report show the
 * same panel the JSON holds.
 */
import type { ChanceBaseline, GapPanel } from '../analysis/gapPanel';

const num = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pval = (p: number | null | undefined): string => (p === null || p === undefined || !Number.isFinite(p) ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** One row of the panel: what was measured, on how many, and what chance gives. */
export interface GapRow {
  metric: string;
  value: string;
  n: string;
  chance: string;
  p: string;
}

const chanceOf = (c: ChanceBaseline, digits = 2): { chance: string; p: string } => ({
  chance: num(c.expected, digits),
  p: `${pval(c.p)} (${c.method}${c.draws ? `, ${c.draws} draws` : ''})`,
});

/** The panel's rows, in the order every output shows them. Empty when the panel failed. */
export function gapRows(g: GapPanel): GapRow[] {
  if (g.failure || !g.alignment || !g.distance || !g.directional || !g.correlation) return [];
  const rows: GapRow[] = [];
  const unitWord = g.unit === 'session' ? 'sessions' : 'variants';
  const { held, notHeld } = g.alignment;
  rows.push({ metric: `${g.label}, held = positive`, value: num(held.f1), n: `${held.n} pairs`, ...chanceOf(held.chance) });
  rows.push({ metric: 'same, not held = positive (ValueActionLens codes Disagree = 1)', value: num(notHeld.f1), n: `${notHeld.n} pairs`, ...chanceOf(notHeld.chance) });
  const o = g.distance.overall;
  rows.push({ metric: 'alignment distance, all values (lower is closer)', value: num(o.distance), n: `${o.n} pairs`, ...chanceOf(o.chance) });
  for (const value of g.distance.ranking) {
    const d = g.distance.values.find((x) => x.value === value)!;
    rows.push({ metric: `alignment distance: ${value} (rank ${g.distance.ranking.indexOf(value) + 1})`, value: num(d.distance), n: `${d.n} ${unitWord}`, ...chanceOf(d.chance) });
  }
  const t = g.directional.total;
  rows.push({ metric: 'says it holds a value, acts against it', value: String(t.saysNotDoes.count), n: `${t.n} pairs`, ...chanceOf(t.saysNotDoes.chance, 1) });
  rows.push({ metric: 'acts for a value it does not hold', value: String(t.doesNotSay.count), n: `${t.n} pairs`, ...chanceOf(t.doesNotSay.chance, 1) });
  for (const d of g.directional.values) {
    rows.push({ metric: `says/acts against, acts/does not say: ${d.value}`, value: `${d.saysNotDoes.count} / ${d.doesNotSay.count}`, n: `${d.n} ${unitWord}`, chance: `${num(d.saysNotDoes.chance.expected, 1)} / ${num(d.doesNotSay.chance.expected, 1)}`, p: chanceOf(d.saysNotDoes.chance).p });
  }
  const r = g.correlation;
  rows.push({
    metric: 'stated-enacted correlation (Pearson r, as ValAct-15k)',
    value: r.r === null ? `– (${r.reason})` : `${num(r.r)}${r.ci ? ` [${num(r.ci.low)}, ${num(r.ci.high)}]` : ''}, two-sided p ${pval(r.p)}`,
    n: `${r.n} pairs`, ...chanceOf(r.chance),
  });
  return rows;
}

/** "150 sessions (3 left out: a value without a stated score or an unreadable action), 450 value pairs". */
function unitsPhrase(g: GapPanel): string {
  const word = g.unit === 'session' ? 'sessions' : 'variants';
  const out = g.incomplete ? ` (${g.incomplete} left out: a value without a stated score or an unreadable action)` : '';
  return `${g.units} ${word}${out}, ${g.pairs} value pairs`;
}

/** The panel as indented text lines for the terminal report. */
export function gapText(g: GapPanel, indent = '    '): string[] {
  const head = `${indent}gap panel (${g.unit === 'session' ? 'per session' : 'per variant: stateless sessions'}, ${unitsPhrase(g)})`;
  if (g.failure) return [`${head}: ${g.failure}`];
  return [`${head}; chance = the same actions shuffled among the ${g.unit === 'session' ? 'sessions' : 'variants'}, p = how often that does at least as well:`,
    ...gapRows(g).map((r) => `${indent}  ${r.metric}: ${r.value} (n ${r.n}; chance ${r.chance}, p ${r.p})`)];
}

/** A cell-safe string: pipes and newlines would break a Markdown table row. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The panel of one model as a Markdown table (or the reason it has none). */
export function gapMarkdown(g: GapPanel): string[] {
  if (g.failure) return [`Gap panel: **not computed**: ${cell(g.failure)}.`, ''];
  return [
    `Gap panel (${g.unit === 'session' ? 'per session' : 'per variant, the sessions being stateless'}; ${unitsPhrase(g)}). The alignment rate here is ValueActionLens's F1, **not** the VAAR of Chen et al. "Chance" is what the same actions shuffled among the ${g.unit === 'session' ? 'sessions' : 'variants'} (so unrelated to the stated values) give; its p is the probability of doing at least as well by chance.`,
    '',
    '| metric | value | n | chance | p (chance) |',
    '|---|---|---|---|---|',
    ...gapRows(g).map((r) => `| ${cell(r.metric)} | ${cell(r.value)} | ${cell(r.n)} | ${cell(r.chance)} | ${cell(r.p)} |`),
    '',
  ];
}
