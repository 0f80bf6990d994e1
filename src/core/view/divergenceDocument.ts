/**
 * The text of the divergence view of one variant: per sample, the stated answers beside the action,
 * with the statements the action contradicts marked. Markdown, so headings and emphasis stand out
 * in the read-only document.
 */
import type { ScenarioAnalysis } from '../analysis/analyzeRun';
import type { SessionRecord } from '../run/record';
import type { Scenario } from '../scenario/model';
import { variantSummary } from './decorationPlan';

/** A value's items that pull towards `outcome` (by `expect`), or away from it when reverse-keyed. */
function pullsTowards(scenario: Scenario, value: string): string | undefined {
  return scenario.action?.expect.find((e) => e.value === value)?.target;
}

const MARK = '⚠';
const CONTRADICTED = `${MARK} contradicted by the action`;

/** The 0-based lines of a divergence document that hold a statement the action contradicts (for highlighting). */
export function contradictedLines(text: string): number[] {
  return text.split('\n').flatMap((l, i) => (l.trimEnd().endsWith(MARK) || l.includes(CONTRADICTED) ? [i] : []));
}

/**
 * The divergence document of a variant for one model (default: the first of the analysis). A
 * statement is contradicted when its value was held (or decided the arbiter) and its `expect`
 * names another outcome than the one taken.
 */
export function divergenceDocument(scenario: Scenario, analysis: ScenarioAnalysis, records: readonly SessionRecord[], variant: string, model = analysis.models[0]): string {
  const out: string[] = [`# ${scenario.id} · ${variant}${model ? ` · ${model}` : ''}`, ''];
  const va = analysis.perVariant.find((p) => p.stats.model === model && p.stats.variant === variant);
  if (!va || !model) return [...out, 'No results for this variant yet: run it first.', ''].join('\n');
  out.push(`**Actions:** ${variantSummary(va.stats)}`, '');
  const diff = analysis.promptDiffs.find((d) => d.variant === variant);
  if (diff && !diff.prompt.identical) {
    const changed = diff.prompt.segments.map((s) => (s.kind === 'added' ? `**[+${s.text}]**` : s.kind === 'removed' ? `~~[-${s.text}]~~` : s.text)).join('');
    out.push('## Prompt against the baseline', '', changed.trim(), '');
  }
  const texts = new Map<string, string>();
  const v = scenario.variants.find((x) => x.name === variant);
  for (const value of scenario.values) for (const item of v?.values?.get(value.name) ?? value.items) texts.set(item.id, item.text.text.trim());
  const byKey = new Map(records.map((r) => [r.key, r] as const));
  const samples = analysis.samples.filter((s) => s.model === model && s.variant === variant);
  const order = [...samples].sort((a, b) => Number(b.divergent === true) - Number(a.divergent === true));
  for (const s of order) {
    const r = byKey.get(s.key);
    const verdict = s.divergent === true ? 'DIVERGES' : s.divergent === false ? 'aligned' : 'undetermined';
    out.push(`## Sample ${s.sample + 1}${scenario.personas.length > 1 ? `, persona ${s.persona + 1}` : ''}: ${verdict}`, '');
    out.push(`- **Action taken:** ${s.action.outcome ?? s.action.status}${r?.action?.raw ? ` (“${r.action.raw.replace(/\s+/g, ' ').trim().slice(0, 160)}”)` : ''}`);
    out.push(`- **Implied by the values:** ${s.implied.action ?? 'undetermined'}: ${s.implied.reason}`);
    for (const value of scenario.values) {
      const score = s.scores[value.name];
      const target = pullsTowards(scenario, value.name);
      const held = !!score && score.normalised > 0.5;
      const contradicted = s.divergent === true && held && target !== undefined && s.action.outcome !== undefined && target !== s.action.outcome;
      out.push(`- **${value.label}** (${value.name}): ${score ? `${score.mean.toFixed(2)} on ${value.scale?.min ?? '?'}..${value.scale?.max ?? '?'}${held ? ', held' : ''}` : 'no readable answer'}${contradicted ? ` · ${CONTRADICTED}` : ''}`);
      for (const a of r?.items.filter((i) => i.value === value.name) ?? []) {
        const line = `    - ${a.status === 'ok' ? a.answer : a.status} · ${texts.get(a.item) ?? a.item}`;
        out.push(contradicted ? `${line} ${MARK}` : line);
      }
    }
    out.push('');
  }
  return out.join('\n');
}
