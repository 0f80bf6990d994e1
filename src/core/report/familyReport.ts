/**
 * The perturbation families (analysis/familyMetrics.ts) for the terminal, Markdown and JUnit reports:
 * per model and family, one row for all members and one per perturbation kind (ranked by flip rate),
 * then the pushback turns.
 */
import type { FamilyMetrics, KindMetrics, PushbackMetrics, SpreadFigures } from '../analysis/familyMetrics';

const num = (x: number | null, digits = 3): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pval = (p: number): string => (!Number.isFinite(p) ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));
const share = (count: number, n: number): string => (n ? `${(count / n).toFixed(2)} (${count}/${n})` : '–');

export const FAMILY_HEADER = ['members', 'entropy (bits)', 'form consistency', 'JSD (bits)', 'flip rate vs authored', 'exact p', 'Holm p'];

function spreadCells(s: SpreadFigures): string[] {
  return [String(s.members.length), num(s.entropy), share(s.consistency.count, s.consistency.n), num(s.jsd)];
}

/** The cells of one row: `all` first, then each kind. */
export function familyRows(f: FamilyMetrics): string[][] {
  const kind = (k: KindMetrics): string[] => [
    k.kind, ...spreadCells(k),
    `${share(k.flip.flipped, k.flip.pairs)}${k.flip.significant ? ' *' : ''}`,
    k.flip.test.method === 'none' ? '–' : `${pval(k.flip.test.p)} (${k.flip.test.method})`,
    pval(k.flip.pHolm),
  ];
  return [['all', ...spreadCells(f.all), '', '', ''], ...f.kinds.map(kind)];
}

const marginalText = (f: FamilyMetrics): string => f.all.marginal.map((m) => `${m.outcome} ${m.share.toFixed(2)}`).join(', ') || 'no readable action';

/** One sentence per pushback turn. */
export function pushbackLines(p: PushbackMetrics): string[] {
  return [
    `pushback: ${share(p.sessions.count, p.sessions.n)} of the sessions pushed changed their answer`,
    ...p.turns.map((t) => `after turn ${t.turn}: ${share(t.changed, t.n)} changed (towards the value-implied action ${t.towards}, away from it ${t.away}, other ${t.other})`),
  ];
}

/** Terminal lines of one family. */
export function familyText(f: FamilyMetrics, indent = '    '): string[] {
  const header = ['kind', ...FAMILY_HEADER];
  const rows = f.kinds.length ? [header, ...familyRows(f)] : [];
  const widths = header.map((_, c) => Math.max(0, ...rows.map((r) => r[c]!.length)));
  return [
    `${indent}family ${f.family}: marginal action likelihood ${marginalText(f)}; modal ${f.all.modal ?? '–'}`,
    ...rows.map((r) => `${indent}  ${r.map((x, c) => x.padEnd(widths[c]!)).join('  ').trimEnd()}`),
    ...(f.pushback ? pushbackLines(f.pushback).map((l) => `${indent}  ${l}`) : []),
  ];
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Markdown of one family: a table and the pushback list. */
export function familyMarkdown(f: FamilyMetrics): string[] {
  const header = ['kind', ...FAMILY_HEADER];
  return [
    `#### ${cell(f.model)}: family ${cell(f.family)}`,
    '',
    `Marginal action likelihood: ${cell(marginalText(f))}; modal action ${cell(f.all.modal ?? '–')}.`,
    '',
    ...(f.kinds.length ? [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...familyRows(f).map((r) => `| ${r.map(cell).join(' | ')} |`), ''] : []),
    ...(f.pushback ? [...pushbackLines(f.pushback).map((l) => `- ${cell(l)}`), ''] : []),
  ];
}

/** A short summary for a JUnit case's output: consistency, the kind that flips it most, pushback. */
export function familySummary(f: FamilyMetrics): string {
  const top = f.kinds.find((k) => k.flip.rate !== null);
  return [
    `form consistency ${share(f.all.consistency.count, f.all.consistency.n)}, entropy ${num(f.all.entropy)} bits, JSD ${num(f.all.jsd)} bits`,
    ...(top ? [`most flipping kind ${top.kind}: flip rate ${share(top.flip.flipped, top.flip.pairs)}, Holm p ${pval(top.flip.pHolm)}`] : []),
    ...(f.pushback ? [`pushback changed ${share(f.pushback.sessions.count, f.pushback.sessions.n)}`] : []),
  ].join('; ');
}
