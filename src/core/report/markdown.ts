import type { ScenarioAnalysis } from '../analysis/analyzeRun';
import { formatUsd } from '../models/prices';
import type { PathModelFit, PathModelResult } from '../analysis/pathModel';
import type { Interval } from '../analysis/stats';
import type { TextDiff } from '../analysis/textDiff';
import { chanceText, formatP, type VaarResult } from '../analysis/vaar';
import type { Rate } from '../analysis/variantStats';
import { gapMarkdown } from './gapReport';
import { guardMarkdown } from './guardReport';
import { familyMarkdown } from './familyReport';
import { latentLadderLines, latentPathLines, latentWarningLines } from './latentReport';
import { folderHierarchyLines, hierarchyLines } from './hierarchyReport';
import { folderHierarchy } from '../analysis/folderHierarchy';
import { summarize } from './json';
import type { PopulationComparison } from '../analysis/population';

/** A cell-safe string: pipes and newlines would break a Markdown table row. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const num = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const pval = (p: number | null | undefined): string => (p === null || p === undefined || !Number.isFinite(p) ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** A rate as "0.30 (3/10)". */
export function formatRate(r: Rate): string {
  return r.rate === null ? `– (0/0)` : `${num(r.rate)} (${r.count}/${r.n})`;
}

const interval = (ci: Interval | null): string => (ci ? `[${num(ci.low)}, ${num(ci.high)}]` : '–');

/** A VAAR result as a phrase that always names its form, model and n. */
export function formatVaar(v: VaarResult): string {
  if ('failure' in v) return `no value (${v.source}, ${v.form}): ${v.failure}`;
  const count = v.form === 'confidence' ? `${v.paths.length} paths` : `${v.paths.filter((p) => p.agrees).length}/${v.paths.length} paths`;
  const loss = v.logLoss ? `; log-loss ${num(v.logLoss.value, 3)}, chance p = ${formatP(v.logLoss.p)}` : '';
  return `${num(v.vaar)} (${v.form} form, ${v.source} model, ${count}, n = ${v.n}; ${chanceText(v)}${loss})`;
}

/** Wraps the words of a piece in a Markdown mark, keeping the whitespace around them outside it. */
const wrap = (text: string, mark: string): string => {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  return m[2] ? `${m[1]}${mark}${m[2]}${mark}${m[3]}` : text;
};

/** A word diff inline: added words bold, removed words struck through. */
export function diffMarkdown(d: TextDiff): string {
  if (d.identical) return '(identical)';
  return d.segments.map((s) => (s.kind === 'added' ? wrap(s.text, '**') : s.kind === 'removed' ? wrap(s.text, '~~') : s.text)).join('');
}

/**
 * A stateless run's population comparison, one line per variant: each value's mean stated score
 * (normalised, `held` above 0.5, n), the action the means imply, the actions, and how many match.
 */
export function populationLines(p: PopulationComparison): string[] {
  return p.variants.map((v) => {
    const stated = v.stated.map((x) => `${x.value} ${num(x.meanNormalised)}${x.held ? ' held' : ''} (n = ${x.n})`).join(', ');
    const dist = v.distribution.map((d) => `${d.outcome} ${d.count}`).join(', ') || 'no readable action';
    const implied = v.implied !== undefined ? `the means imply ${v.implied} (${v.by})` : `the means imply no action (${v.by === 'personas differ' ? v.reason : 'undetermined'})`;
    const mean = v.meanAction !== undefined ? `, mean answer ${num(v.meanAction)}` : '';
    return `${v.variant}: stated ${stated}; ${implied}; actions ${dist}${mean}; matching ${formatRate(v.matching)}`;
  });
}

function populationTable(p: PopulationComparison): string[] {
  if (!p.variants.length) return [];
  const values = p.variants[0]!.stated.map((x) => x.value);
  return [
    `Population comparison (stateless sessions): ${cell(p.note)}`,
    '',
    `| variant | ${values.map((v) => `${cell(v)} mean normalised (n)`).join(' | ')} | the means imply | actions | matching |`,
    `|---|${values.map(() => '---|').join('')}---|---|---|`,
    ...p.variants.map((v) => `| ${cell(v.variant)} | ${v.stated.map((x) => `${num(x.meanNormalised)}${x.held ? ' (held)' : ''} (${x.n})`).join(' | ')} | ${cell(v.implied ?? `– (${v.by})`)} | ${cell(v.distribution.map((d) => `${d.outcome} ${d.count}`).join(', ') || '–')}${v.meanAction !== undefined ? `; mean ${num(v.meanAction)}` : ''} | ${formatRate(v.matching)} |`),
    '',
  ];
}

/** Which fit produced a path model's estimates, in words (Firth and whether the ML estimate exists, or OLS). */
export function pathEstimator(fit: PathModelFit): string {
  if (fit.estimator === 'ols') return 'OLS';
  return `Firth's bias-reduced logistic regression${fit.separation ? ' (the data are separated: the ML estimate does not exist)' : ' (no separation)'}`;
}

/** The bootstrap resamples behind an interval: how many were fitted and how many failed, with the reasons. */
export function bootstrapCount(fit: PathModelFit): string {
  const b = fit.bootstrap;
  const reasons = b.failures.map((f) => `${f.count}: ${f.reason}`).join('; ');
  return `${b.used} of ${b.replicates} resamples fitted, ${b.failed} failed${reasons ? ` (${reasons})` : ''}`;
}

function pathTable(fit: PathModelResult): string[] {
  if (!fit.ok) return [`Composite path model (${fit.kind}): **not fitted**: ${fit.failure} (n = ${fit.n}).`, ''];
  return [
    `Composite path model (${fit.kind}, ${pathEstimator(fit)}, n = ${fit.n}; ${fit.coding}; bootstrap seed ${fit.bootstrap.seed}):`,
    '',
    `| value | expected | estimate | SE | ${fit.kind === 'logistic' ? 'z' : 't'} | p | 95% bootstrap CI | resamples |`,
    '|---|---|---|---|---|---|---|---|',
    ...fit.paths.map((p) => `| ${cell(p.value)} | ${p.expected > 0 ? '+' : '−'} | ${num(p.estimate, 3)} | ${num(p.se, 3)} | ${num(p.statistic, 2)} | ${pval(p.p)} | ${p.ci ? `[${num(p.ci[0], 3)}, ${num(p.ci[1], 3)}]` : '–'} | ${cell(bootstrapCount(fit))} |`),
    '',
  ];
}

/** The analyses as Markdown: asserts, per-model figures with their n, variants, path models and diffs. */
export function reportMarkdown(analyses: readonly ScenarioAnalysis[]): string {
  const out: string[] = [];
  const sum = summarize(analyses);
  out.push('# Dilemma Lens report', '', `${sum.scenarios} scenario(s), ${sum.sessions} session(s); asserts: ${sum.asserts.pass} passed, ${sum.asserts.fail} failed, ${sum.asserts.error} could not be measured.`, '');
  for (const a of analyses) {
    out.push(`## ${cell(a.scenario.title ?? a.scenario.id)}`, '');
    if (a.scenario.file) out.push(`Scenario \`${a.scenario.id}\` (${a.scenario.file}); runs: ${a.runs.map((r) => `${r.runId} (${r.sessions} sessions${r.costUsd !== undefined ? `, ${formatUsd(r.costUsd)} spent` : ''})`).join(', ')}.`, '');
    if (a.asserts.length) {
      out.push('### Asserts', '', '| | metric | model | threshold | actual | n | where |', '|---|---|---|---|---|---|---|');
      for (const r of a.asserts) {
        const mark = r.status === 'pass' ? '✅' : r.status === 'fail' ? '❌' : '⚠️';
        const bound = [r.min !== undefined ? `≥ ${r.min}` : '', r.max !== undefined ? `≤ ${r.max}` : ''].filter(Boolean).join(', ');
        const where = r.location ? `${a.scenario.file ?? ''}:${r.location.line}:${r.location.column}` : `offset ${r.range.start}`;
        out.push(`| ${mark} | ${cell(r.metric)}${r.variant ? ` (${cell(r.variant)})` : ''} | ${cell(r.model)} | ${bound} | ${r.actual === null ? cell(r.message) : num(r.actual)} | ${r.n} | ${cell(where)} |`);
      }
      out.push('');
    }
    if (a.session === 'stateless') out.push('> Stateless sessions: the action was asked in a conversation that never saw the questionnaire answers, so no per-sample divergence, path model, VAAR or latent model is computed; each model has a population comparison instead.', '');
    out.push('### Models', '', '| model | sessions | divergence [95% CI] | parse failures | refusals | flip rate | VAAR (confidence) | VAAR (sign) | VAAR (strict) |', '|---|---|---|---|---|---|---|---|---|');
    for (const m of a.perModel) {
      out.push(`| ${cell(m.model)} | ${m.sessions} | ${formatRate(m.divergence)} ${interval(m.divergence.ci)} | ${formatRate(m.parseFailures)} | ${formatRate(m.refusals)} | ${formatRate(m.flipRate)} | ${cell(formatVaar(m.vaar.confidence))} | ${cell(formatVaar(m.vaar.sign))} | ${cell(formatVaar(m.vaar.strict))} |`);
    }
    out.push('');
    out.push('### Variants', '', '| model | variant | sessions | actions | consistency | divergence [95% CI] | undetermined | flip p (method) |', '|---|---|---|---|---|---|---|---|');
    for (const v of a.perVariant) {
      const s = v.stats;
      const dist = s.distribution.map((d) => `${d.outcome} ${d.count}`).join(', ') || '–';
      const flip = v.flip ? `${pval(v.flip.test.p)} (${v.flip.test.method})${v.flip.flipped ? ' **flipped**' : ''}` : 'baseline';
      out.push(`| ${cell(s.model)} | ${cell(s.variant)} | ${s.sessions} | ${cell(dist)} | ${formatRate(s.consistency)} | ${formatRate(s.divergence)} ${interval(s.divergence.ci)} | ${s.undetermined} | ${flip} |`);
    }
    out.push('');
    const lm = a.latentModel;
    out.push(lm.fitted && lm.fit
      ? `${lm.admissible === false ? '**Inadmissible** (numbers shown, not interpreted; no VAAR from it) ' : ''}Latent model (configural MGSEM, one group per model, ML; n = ${lm.fit.ntotal}): χ² = ${num(lm.fit.chisq)}, df = ${lm.fit.df}, CFI = ${num(lm.fit.cfi, 3)}, TLI = ${num(lm.fit.tli, 3)}, RMSEA = ${num(lm.fit.rmsea, 3)}, SRMR = ${num(lm.fit.srmr, 3)}.`
      : `Latent model: not fitted: ${cell(lm.reason ?? 'not requested')}.`, '');
    const lw = latentWarningLines(lm);
    if (lw.length) out.push(...lw.map((l) => `- ${cell(l)}`), '');
    const ll = latentLadderLines(lm);
    if (ll.length) out.push('Measurement invariance across models:', '', ...ll.map((l) => `- ${cell(l)}`), '');
    for (const m of a.perModel) {
      out.push(`### ${cell(m.model)}`, '', ...(m.population ? populationTable(m.population) : pathTable(m.pathModel)));
      const lp = latentPathLines(lm, m.model);
      if (lp.length) out.push(...lp.map((l) => `- ${cell(l)}`), '');
      for (const l of m.latent) out.push(`Latent model: ${cell(formatVaar(l))}`, '');
      out.push(...gapMarkdown(m.gap));
      out.push('Value hierarchy:', '', ...hierarchyLines(m.hierarchy).map((l) => `- ${l}`), '');
      const vals = a.perVariant.filter((v) => v.stats.model === m.model);
      if (vals.length) {
        out.push('| variant | ' + a.perVariant[0]!.stats.values.map((x) => `${cell(x.value)} mean (SD, n)`).join(' | ') + ' |', '|---|' + a.perVariant[0]!.stats.values.map(() => '---|').join(''));
        for (const v of vals) out.push(`| ${cell(v.stats.variant)} | ${v.stats.values.map((x) => `${num(x.mean)} (${num(x.sd)}, ${x.n})`).join(' | ')} |`);
        out.push('');
      }
    }
    if (a.perModel.some((m) => m.families?.length)) {
      out.push('### Perturbation families', '', 'Per authored variant and model: its generated members (`perturb`), all together and per kind, kinds ranked by flip rate (`*`: Holm-adjusted p below alpha).', '');
      for (const m of a.perModel) for (const f of m.families ?? []) out.push(...familyMarkdown(f));
    }
    if (a.guard?.length) {
      out.push('### Guard A/B: the arbitration rules stated to the model as its policy', '');
      for (const g of a.guard) out.push(...guardMarkdown(g));
    }
    if (a.promptDiffs.length) {
      out.push('### Prompt changes against the baseline', '');
      for (const d of a.promptDiffs) out.push(`- **${cell(d.variant)}**: ${cell(diffMarkdown(d.prompt))}${d.system && !d.system.identical ? ` — system: ${cell(diffMarkdown(d.system))}` : ''}`);
      out.push('');
    }
    if (a.warnings.length) out.push('### Warnings', '', ...a.warnings.map((w) => `- ${w}`), '');
  }
  if (analyses.length > 1) {
    out.push('## Revealed value hierarchy over all scenarios', '');
    for (const f of folderHierarchy(analyses)) out.push(...folderHierarchyLines(f).map((l) => `- ${l}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
