import type { RunComparison, ScenarioComparison } from '../analysis/compare';
import { modelLines, rowTitle, runText, variantLines, verdictLabel } from './compareFormat';

/** The comparison's totals in one sentence, shared by every format. */
export function comparisonHeadline(c: RunComparison): string {
  const s = c.summary;
  if (s.nothingCompared) return 'Nothing could be compared.';
  return `${s.regressions} regression(s), ${s.improvements} improvement(s), ${s.changed} changed, ${s.unchanged} unchanged, ${s.notCompared} not compared; Holm over ${s.tests} test(s) at alpha ${c.alpha}.`;
}

/** The scenario-level facts: versions, what changed, one-sided variants and models, notes. */
export function scenarioFacts(sc: ScenarioComparison): string[] {
  const out: string[] = [];
  if (sc.status !== 'compared') return sc.notes;
  out.push(sc.sameVersion ? 'same scenario version on both sides' : `scenario versions: baseline ${sc.baseline!.version.hash.slice(0, 12)} (${sc.baseline!.version.source}), candidate ${sc.candidate!.version.hash.slice(0, 12)} (${sc.candidate!.version.source})`);
  // Variants added or removed are listed below as on one side only.
  for (const ch of sc.changes.filter((x) => x.what !== 'variant-added' && x.what !== 'variant-removed')) out.push(`changed: ${ch.variant ? `variant ${ch.variant}: ` : ''}${ch.detail}`);
  for (const [label, only] of [['baseline', sc.onlyBaseline], ['candidate', sc.onlyCandidate]] as const) {
    if (only.variants.length) out.push(`variants only in the ${label}: ${only.variants.join(', ')} (not compared)`);
    if (only.models.length) out.push(`models only in the ${label}: ${only.models.join(', ')} (not compared)`);
  }
  for (const [what, why] of Object.entries(sc.comparability)) if (why) out.push(`${what} not compared: ${why}`);
  out.push(...sc.notes);
  return out;
}

/** The comparison as plain text for a terminal: the headline, rows in regression order, then each scenario's facts. */
export function comparisonText(c: RunComparison): string {
  const out: string[] = [];
  out.push(`Dilemma Lens comparison`);
  out.push(`  baseline:  ${c.baseline.runs.map(runText).join(', ') || 'no run'}`);
  out.push(`  candidate: ${c.candidate.runs.map(runText).join(', ') || 'no run'}`);
  out.push(comparisonHeadline(c), '');
  for (const row of c.rows) {
    out.push(`${verdictLabel(row.verdict).padEnd(13)}${rowTitle(row)}`);
    for (const n of row.notes) out.push(`    note: ${n}`);
    const lines = row.kind === 'variant' ? variantLines(row) : modelLines(row);
    for (const l of lines) out.push(`    ${l.label}: ${[l.change, l.test].filter(Boolean).join('; ')}`);
  }
  for (const sc of c.scenarios) {
    out.push('', `Scenario ${sc.scenario}${sc.file ? ` (${sc.file})` : ''}:`);
    for (const f of scenarioFacts(sc)) out.push(`  ${f}`);
  }
  for (const w of c.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}
