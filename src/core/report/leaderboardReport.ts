/**
 * The leaderboard of `dilemma bench` as text, Markdown, JSON or one self-contained HTML file
 * (docs/bench.md). Model ids, conflict ids and suite names come from users' files and providers: in
 * Markdown they are escaped (`markdownText`), in HTML every text is escaped and the page loads nothing.
 */
import type { Interval } from '../analysis/stats';
import type { Leaderboard, LeaderboardRow, ModelFigures, PooledTau, PooledVaar, Share } from '../analysis/leaderboard';
import { formatP } from '../analysis/vaar';
import { markdownText } from '../scenario/markdownText';

export type LeaderboardFormat = 'text' | 'json' | 'markdown' | 'html';

/** Version of the JSON document's shape. */
export const LEADERBOARD_JSON_VERSION = 1;

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const ci = (c: Interval | null, f: (x: number) => string): string => (c ? `[${f(c.low)}, ${f(c.high)}]` : '');
const pctNum = (x: number): string => (x * 100).toFixed(1);
const signed = (x: number): string => (x >= 0 ? '+' : '') + x.toFixed(2);

function shareText(s: Share): string {
  return s.rate === null ? `– (n 0)` : `${pct(s.rate)} ${ci(s.ci, pctNum)} n ${s.n}`;
}
function tauText(t: PooledTau): string {
  return t.tau === null ? '– (n 0)' : `${signed(t.tau)} ${ci(t.ci, signed)} n ${t.concordant + t.discordant}`;
}
function vaarText(v: PooledVaar): string {
  return v.rate === null ? '– (n 0)' : `${pct(v.rate)} ${ci(v.ci, pctNum)} n ${v.paths}, chance p ${formatP(v.chanceP ?? 1)}`;
}
function costText(r: LeaderboardRow): string {
  const tokens = `${(r.cost.promptTokens + r.cost.completionTokens).toLocaleString('en-US')} tokens`;
  return r.cost.usd !== undefined ? `$${r.cost.usd.toFixed(4)} (${tokens})` : tokens;
}
const rankText = (r: LeaderboardRow): string => (r.rank === null ? '–' : `${r.rank}${r.tiedWith.length ? '=' : ''}`);

const COLUMNS: { head: string; get: (f: ModelFigures) => string }[] = [
  { head: 'compliance', get: (f) => shareText(f.compliance) },
  { head: 'consistency', get: (f) => shareText(f.consistency) },
  { head: 'divergence', get: (f) => shareText(f.divergence) },
  { head: 'VAAR (sign)', get: (f) => vaarText(f.vaar) },
  { head: 'tau revealed vs declared', get: (f) => tauText(f.tau) },
  { head: 'parse failures', get: (f) => shareText(f.parseFailures) },
  { head: 'refusals', get: (f) => shareText(f.refusals) },
];

function heading(b: Leaderboard): string {
  const suite = b.suite ? `${b.suite.name} ${b.suite.version}, ` : '';
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `Leaderboard (${suite}${plural(b.scenarios, 'scenario')} in ${plural(b.conflicts.length, 'conflict')}; ${Math.round((1 - b.alpha) * 100)}% intervals)`;
}

const NOTE = 'Ranked by hierarchy compliance; "=" marks a tie: models whose compliance intervals overlap share a rank.';

/** Plain text: one block per model, then per-conflict compliance. */
export function leaderboardText(b: Leaderboard): string {
  const lines = [heading(b), NOTE, ''];
  const width = Math.max(...COLUMNS.map((c) => c.head.length), 'cost'.length) + 2;
  for (const r of b.rows) {
    lines.push(`${rankText(r)}. ${r.model} (${r.sessions} sessions)`);
    for (const c of COLUMNS) lines.push(`   ${c.head.padEnd(width)}${c.get(r)}`);
    lines.push(`   ${'cost'.padEnd(width)}${costText(r)}`);
    lines.push(`   per conflict (compliance):`);
    for (const c of r.conflicts) lines.push(`     ${c.conflict.padEnd(Math.max(...b.conflicts.map((x) => x.length)) + 2)}${shareText(c.figures.compliance)}`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

/** Markdown: the leaderboard table, then one per-conflict table per model. */
export function leaderboardMarkdown(b: Leaderboard): string {
  const esc = (s: string): string => markdownText(s);
  const out = [`## ${esc(heading(b))}`, '', NOTE, ''];
  out.push(`| rank | model | ${COLUMNS.map((c) => c.head).join(' | ')} | cost |`);
  out.push(`|${'---|'.repeat(COLUMNS.length + 3)}`);
  for (const r of b.rows) out.push(`| ${rankText(r)} | ${esc(r.model)} | ${COLUMNS.map((c) => c.get(r)).join(' | ')} | ${costText(r)} |`);
  for (const r of b.rows) {
    out.push('', `### ${esc(r.model)} per conflict`, '');
    out.push(`| conflict | scenarios | compliance | consistency | divergence | tau revealed vs declared |`, '|---|---|---|---|---|---|');
    for (const c of r.conflicts) {
      out.push(`| ${esc(c.conflict)} | ${c.scenarios.map(esc).join(', ')} | ${shareText(c.figures.compliance)} | ${shareText(c.figures.consistency)} | ${shareText(c.figures.divergence)} | ${tauText(c.figures.tau)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** The JSON document: the leaderboard as computed, with a version. */
export function leaderboardJson(b: Leaderboard): string {
  return `${JSON.stringify({ kind: 'dilemma-bench', version: LEADERBOARD_JSON_VERSION, ...b }, null, 2)}\n`;
}

/** Escapes text for HTML element content and attribute values. */
export function htmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1f2328;background:#fff}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{font-variant-numeric:tabular-nums}.muted{color:#656d76}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th{background:#161b22}th,td{border-color:#30363d}.muted{color:#8b949e}}`;

/**
 * One self-contained HTML page: inline style, no script, no external resource, and a
 * Content-Security-Policy that forbids loading anything, so it can be attached to a pull request.
 */
export function leaderboardHtml(b: Leaderboard): string {
  const h = htmlText;
  const row = (cells: string[], tag = 'td'): string => `<tr>${cells.map((c) => `<${tag}${tag === 'td' ? ' class="n"' : ''}>${h(c)}</${tag}>`).join('')}</tr>`;
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${h(heading(b))}</title><style>${STYLE}</style></head><body>`,
    `<h1>${h(heading(b))}</h1>`,
    `<p class="muted">${h(NOTE)} Each figure: estimate [interval] and n.</p>`,
    '<table>',
    row(['rank', 'model', 'sessions', ...COLUMNS.map((c) => c.head), 'cost'], 'th'),
    ...b.rows.map((r) => row([rankText(r), r.model, String(r.sessions), ...COLUMNS.map((c) => c.get(r)), costText(r)])),
    '</table>',
  ];
  for (const r of b.rows) {
    parts.push(`<h2>${h(r.model)}: per conflict</h2>`, '<table>');
    parts.push(row(['conflict', 'scenarios', 'compliance', 'consistency', 'divergence', 'tau revealed vs declared'], 'th'));
    for (const c of r.conflicts) parts.push(row([c.conflict, c.scenarios.join(', '), shareText(c.figures.compliance), shareText(c.figures.consistency), shareText(c.figures.divergence), tauText(c.figures.tau)]));
    parts.push('</table>');
  }
  parts.push('</body></html>', '');
  return parts.join('\n');
}

export function formatLeaderboard(b: Leaderboard, format: LeaderboardFormat): string {
  switch (format) {
    case 'json': return leaderboardJson(b);
    case 'markdown': return leaderboardMarkdown(b);
    case 'html': return leaderboardHtml(b);
    default: return leaderboardText(b);
  }
}
