import type { AssertResult, ScenarioAnalysis, VariantAnalysis } from '../analysis/analyzeRun';
import { familySummary } from './familyReport';

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

const bound = (r: { min?: number; max?: number }): string =>
  [r.min !== undefined ? `>= ${r.min}` : '', r.max !== undefined ? `<= ${r.max}` : ''].filter(Boolean).join(' and ');

interface Case {
  name: string;
  status: 'pass' | 'fail' | 'error';
  message?: string;
  body?: string;
  out: string;
  file?: string;
  line?: number;
}

function assertCase(a: ScenarioAnalysis, r: AssertResult): Case {
  const expected = bound(r);
  const actual = r.actual === null ? 'not measured' : String(r.actual);
  return {
    name: `${r.metric} [${r.model}]`, status: r.status,
    ...(r.status !== 'pass' ? { message: r.message, body: `expected: ${r.metric} ${expected}\nactual: ${actual}${r.variant ? ` (variant ${r.variant})` : ''}\nn: ${r.n}${r.location ? `\nat: ${a.scenario.file ?? a.scenario.id}:${r.location.line}:${r.location.column}` : ''}` } : {}),
    out: r.message, ...(a.scenario.file ? { file: a.scenario.file } : {}), ...(r.location ? { line: r.location.line } : {}),
  };
}

/**
 * A variant's divergence as a test case: judged against the scenario's `divergence` assert when it has
 * one (so the failing variant is visible), otherwise informational and passing.
 */
function variantCase(a: ScenarioAnalysis, v: VariantAnalysis): Case {
  const d = v.stats.divergence;
  const t = a.asserts.find((x) => x.metric === 'divergence' && x.model === v.stats.model);
  const ci = d.ci ? ` [${d.ci.low.toFixed(3)}, ${d.ci.high.toFixed(3)}]` : '';
  const out = `divergence ${d.rate === null ? 'not measured' : d.rate.toFixed(3)} (${d.count}/${d.n} determined samples)${ci}; consistency ${v.stats.consistency.rate?.toFixed(3) ?? '–'} (n = ${v.stats.consistency.n})`;
  const name = `divergence of ${v.stats.variant} [${v.stats.model}]`;
  if (!t) return { name, status: 'pass', out };
  if (d.rate === null) return { name, status: 'error', message: 'no determined sample to measure divergence on', body: `expected: divergence ${bound(t)}\nactual: not measured`, out };
  const bad = (t.min !== undefined && d.rate < t.min) || (t.max !== undefined && d.rate > t.max);
  return bad ? { name, status: 'fail', message: `divergence ${d.rate.toFixed(3)} of variant ${v.stats.variant}, expected ${bound(t)}`, body: `expected: divergence ${bound(t)}\nactual: ${d.rate} (${d.count}/${d.n})`, out } : { name, status: 'pass', out };
}

/** Revision 2: a family's figures as an informational case (its asserts are cases of their own). */
function familyCases(a: ScenarioAnalysis): Case[] {
  return a.perModel.flatMap((m) => (m.families ?? []).map((f) => ({ name: `family ${f.family} [${m.model}]`, status: 'pass' as const, out: familySummary(f), ...(a.scenario.file ? { file: a.scenario.file } : {}) })));
}

/** JUnit XML: one testsuite per scenario, a testcase per assert x model, per variant x model divergence and per family x model. */
export function reportJunit(analyses: readonly ScenarioAnalysis[]): string {
  const suites = analyses.map((a) => {
    const cases = [...a.asserts.map((r) => assertCase(a, r)), ...a.perVariant.map((v) => variantCase(a, v)), ...familyCases(a)];
    const failures = cases.filter((c) => c.status === 'fail').length;
    const errors = cases.filter((c) => c.status === 'error').length;
    const body = cases.map((c) => {
      const attrs = `name="${xml(c.name)}" classname="${xml(a.scenario.id)}"${c.file ? ` file="${xml(c.file)}"` : ''}${c.line ? ` line="${c.line}"` : ''}`;
      const inner = c.status === 'fail' ? `\n      <failure message="${xml(c.message ?? '')}" type="AssertionError">${xml(c.body ?? '')}</failure>`
        : c.status === 'error' ? `\n      <error message="${xml(c.message ?? '')}" type="NotMeasured">${xml(c.body ?? '')}</error>` : '';
      return `    <testcase ${attrs}>${inner}\n      <system-out>${xml(c.out)}</system-out>\n    </testcase>`;
    }).join('\n');
    return `  <testsuite name="${xml(a.scenario.id)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0"${a.scenario.file ? ` file="${xml(a.scenario.file)}"` : ''}>\n${body}\n  </testsuite>`;
  });
  const all = analyses.flatMap((a) => [...a.asserts.map((r) => assertCase(a, r)), ...a.perVariant.map((v) => variantCase(a, v)), ...familyCases(a)]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dilemma-lens" tests="${all.length}" failures="${all.filter((c) => c.status === 'fail').length}" errors="${all.filter((c) => c.status === 'error').length}">\n${suites.join('\n')}\n</testsuites>\n`;
}
