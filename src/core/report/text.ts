import type { ScenarioAnalysis } from '../analysis/analyzeRun';
import { formatUsd } from '../models/prices';
import { summarize } from './json';
import { gapText } from './gapReport';
import { guardText } from './guardReport';
import { folderHierarchyLines, hierarchyLines } from './hierarchyReport';
import { folderHierarchy } from '../analysis/folderHierarchy';
import { bootstrapCount, formatRate, formatVaar, pathEstimator, populationLines } from './markdown';
import { familyText } from './familyReport';
import { latentHeadline, latentLadderLines, latentPathLines, latentWarningLines } from './latentReport';

/** A short plain-text summary for the terminal: per model, per variant, and every assert with its place. */
export function reportText(analyses: readonly ScenarioAnalysis[]): string {
  const out: string[] = [];
  for (const a of analyses) {
    const priced = a.runs.filter((r) => r.costUsd !== undefined);
    const spent = priced.length > 0 ? `, ${formatUsd(priced.reduce((n, r) => n + r.costUsd!, 0))} spent${priced.length < a.runs.length ? ` (${priced.length} of ${a.runs.length} runs priced)` : ''}` : '';
    out.push(`${a.scenario.id}${a.scenario.title ? ` — ${a.scenario.title}` : ''} (${a.samples.length} sessions${spent})`);
    if (a.session === 'stateless') out.push('  stateless sessions: the action was asked in a conversation that never saw the questionnaire answers; no per-sample divergence, path model, VAAR or latent model');
    for (const m of a.perModel) {
      out.push(`  ${m.model}: divergence ${formatRate(m.divergence)}${m.divergence.ci ? ` [${m.divergence.ci.low.toFixed(2)}, ${m.divergence.ci.high.toFixed(2)}]` : ''}, parse failures ${formatRate(m.parseFailures)}, refusals ${formatRate(m.refusals)}, flip rate ${formatRate(m.flipRate)}`);
      out.push(`    VAAR ${formatVaar(m.vaar.confidence)}; ${formatVaar(m.vaar.sign)}; ${formatVaar(m.vaar.strict)}`);
      for (const l of m.latent) out.push(`    VAAR ${formatVaar(l)}`);
      if (m.population) out.push('    population comparison (per variant: mean stated scores against the actions):', ...populationLines(m.population).map((l) => `      ${l}`));
      const pm = m.pathModel;
      if (!m.population) out.push(pm.ok
        ? `    path model: ${pathEstimator(pm)}, n = ${pm.n}; ${pm.paths.map((p) => `${p.value} ${p.estimate.toFixed(3)} [${p.ci ? `${p.ci[0].toFixed(3)}, ${p.ci[1].toFixed(3)}` : '–'}]`).join(', ')} (95% bootstrap CI: ${bootstrapCount(pm)})`
        : `    path model: not fitted: ${pm.failure}`);
      out.push(...gapText(m.gap));
      out.push(...hierarchyLines(m.hierarchy).map((l) => `    ${l}`));
      for (const v of a.perVariant.filter((x) => x.stats.model === m.model)) {
        const dist = v.stats.distribution.map((d) => `${d.outcome} ${d.count}`).join(', ') || 'no readable action';
        const flip = v.flip ? `, flip p ${Number.isFinite(v.flip.test.p) ? v.flip.test.p.toFixed(3) : '–'} (${v.flip.test.method})${v.flip.flipped ? ' FLIPPED' : ''}` : '';
        out.push(`    ${v.stats.variant}: ${dist}; consistency ${formatRate(v.stats.consistency)}, divergence ${formatRate(v.stats.divergence)}${flip}`);
      }
      if (m.families?.length) {
        out.push('    perturbation families (perturb):');
        for (const f of m.families) out.push(...familyText(f, '      '));
      }
    }
    const lm = a.latentModel;
    out.push(`  ${latentHeadline(lm)}`, ...latentWarningLines(lm).map((l) => `    ${l}`), ...latentPathLines(lm).map((l) => `    ${l}`), ...latentLadderLines(lm).map((l) => `    ${l}`));
    for (const g of a.guard ?? []) out.push(...guardText(g, '  '));
    for (const r of a.asserts) {
      const where = r.location ? `${a.scenario.file ?? a.scenario.id}:${r.location.line}:${r.location.column}` : a.scenario.file ?? a.scenario.id;
      out.push(`  ${r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : 'ERROR'} ${where} ${r.message}`);
    }
    for (const w of a.warnings) out.push(`  warning: ${w}`);
  }
  if (analyses.length > 1) {
    out.push('revealed value hierarchy over all these scenarios:');
    for (const f of folderHierarchy(analyses)) out.push(...folderHierarchyLines(f).map((l) => `  ${l}`));
  }
  const s = summarize(analyses);
  out.push(`asserts: ${s.asserts.pass} passed, ${s.asserts.fail} failed, ${s.asserts.error} not measured`);
  return `${out.join('\n')}\n`;
}
