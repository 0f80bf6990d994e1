import type { ModelComparison, RunComparison, VariantComparison, Verdict } from '../analysis/compare';
import { distributionText, methodLabel, num, pPhrase, rateText, runText, signed } from './compareFormat';
import { comparisonHeadline, scenarioFacts } from './compareText';

/**
 * Text from a scenario file or a model as an inline code span: nothing in it renders as Markdown,
 * links or mentions. The fence is longer than any backtick run inside; newlines become spaces.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || /^ .* $/.test(flat) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A table cell: GitHub-flavoured tables split on `|` even inside code spans unless it is escaped. */
const cell = (s: string): string => s.replace(/\|/g, '\\|');

const MARK: Record<Verdict, string> = { regression: '❌', improvement: '✅', changed: '🔀', unchanged: '·', 'not-compared': '⚠️' };

const title = (r: VariantComparison | ModelComparison): string =>
  `${codeSpan(r.scenario)} / ${r.kind === 'variant' ? codeSpan(r.variant) : 'VAAR'} [${codeSpan(r.model)}]`;

function testCell(t: VariantComparison['divergence']['test'], notCompared: string | null): string {
  if (notCompared) return `not compared: ${codeSpan(notCompared)}`;
  if (!t) return '–';
  if (t.method === 'none') return `no test: ${codeSpan(t.reason ?? '')}`;
  const pairing = t.metric === 'path' ? '' : t.paired ? `, paired (${t.n} pairs)` : `, unpaired (n = ${t.n})`;
  return `${methodLabel(t.method)}${pairing}: ${pPhrase(t.p)} (${pPhrase(t.pAdjusted, 'Holm p')})${t.significant ? ' **significant**' : ''}`;
}

/** The comparison as GitHub-flavoured Markdown for a pull-request comment: verdict first, regressions at the top of each table. */
export function comparisonMarkdown(c: RunComparison): string {
  const out: string[] = [];
  const s = c.summary;
  const head = s.nothingCompared ? '⚠️ nothing could be compared' : s.regressions ? `❌ ${s.regressions} significant regression(s)` : '✅ no significant regression';
  out.push(`## Dilemma Lens comparison: ${head}`, '');
  out.push(`Baseline: ${c.baseline.runs.map((r) => codeSpan(runText(r))).join(', ') || 'no run'}. Candidate: ${c.candidate.runs.map((r) => codeSpan(runText(r))).join(', ') || 'no run'}.`, '');
  out.push(comparisonHeadline(c), '');
  const variants = c.rows.filter((r): r is VariantComparison => r.kind === 'variant');
  if (variants.length) {
    out.push('| | variant [model] | divergence | Δ | test | actions | test |', '|---|---|---|---|---|---|---|');
    for (const r of variants) {
      const notes = r.notes.length ? `<br>${r.notes.map(codeSpan).join('<br>')}` : '';
      out.push(`| ${MARK[r.verdict]} | ${cell(title(r))}${cell(notes)} | ${rateText(r.baseline.divergence)} → ${rateText(r.candidate.divergence)} | ${signed(r.divergence.delta)} | ${cell(testCell(r.divergence.test, r.divergence.notCompared))} | ${cell(codeSpan(`${distributionText(r.distribution.outcomes, r.distribution.baseline)} → ${distributionText(r.distribution.outcomes, r.distribution.candidate)}`))} | ${cell(testCell(r.distribution.test, r.distribution.notCompared))} |`);
    }
    out.push('');
  }
  const models = c.rows.filter((r): r is ModelComparison => r.kind === 'model');
  if (models.length) {
    out.push('| | VAAR [model] | VAAR | paths (estimate baseline → candidate, test) |', '|---|---|---|---|');
    for (const r of models) {
      const vaar = r.vaar.map((v) => `${v.form} ${num(v.baseline)} → ${num(v.candidate)}`).join('<br>') || '–';
      const paths = r.notCompared ? `not compared: ${codeSpan(r.notCompared)}`
        : r.paths.map((p) => `${codeSpan(p.value)} ${num(p.baseline.estimate, 3)} → ${num(p.candidate.estimate, 3)} (${signed(p.delta, 3)}): ${testCell(p.test, null)}`).join('<br>');
      out.push(`| ${MARK[r.verdict]} | ${cell(title(r))} | ${vaar} | ${cell(paths)} |`);
    }
    out.push('');
  }
  for (const sc of c.scenarios) {
    const facts = scenarioFacts(sc);
    if (!facts.length) continue;
    out.push(`### ${codeSpan(sc.scenario)}`, '', ...facts.map((f) => `- ${codeSpan(f)}`), '');
  }
  if (c.warnings.length) out.push('### Warnings', '', ...c.warnings.map((w) => `- ${codeSpan(w)}`), '');
  out.push(`<sub>Paired samples (same persona and sample index): exact McNemar, or exact Bowker for more than two choices; otherwise Fisher / Freeman-Halton. Paths: Wald z of the difference. One Holm family over all ${s.tests} test(s), alpha ${c.alpha}. See docs/compare.md.</sub>`);
  return `${out.join('\n').trimEnd()}\n`;
}
