import type { ComparisonRow, RunComparison } from '../analysis/compare';
import { modelLines, rowTitle, variantLines, verdictLabel } from './compareFormat';
import { scenarioFacts } from './compareText';

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

const details = (row: ComparisonRow): string =>
  [...row.notes.map((n) => `note: ${n}`), ...(row.kind === 'variant' ? variantLines(row) : modelLines(row)).map((l) => `${l.label}: ${[l.change, l.test].filter(Boolean).join('; ')}`)].join('\n');

/**
 * JUnit XML for CI: one testsuite per scenario, one testcase per variant x model and per model's VAAR.
 * A significant regression is a failure; a row that could not be compared is skipped with the reason;
 * everything else passes with its figures in system-out.
 */
export function comparisonJunit(c: RunComparison): string {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const suites = c.scenarios.map((sc) => {
    const rows = c.rows.filter((r) => r.scenario === sc.scenario);
    const cases = rows.map((r) => {
      const name = `${rowTitle(r)}: ${verdictLabel(r.verdict)}`;
      const body = details(r);
      const inner = r.verdict === 'regression' ? `\n      <failure message="${xml(`significant regression: ${rowTitle(r)}`)}" type="Regression">${xml(body)}</failure>`
        : r.verdict === 'not-compared' ? `\n      <skipped message="${xml(body.split('\n').find((l) => l.includes('not compared')) ?? 'not compared')}"/>` : '';
      return `    <testcase name="${xml(name)}" classname="${xml(sc.scenario)}"${sc.file ? ` file="${xml(sc.file)}"` : ''}>${inner}\n      <system-out>${xml(body)}</system-out>\n    </testcase>`;
    });
    const f = rows.filter((r) => r.verdict === 'regression').length;
    const sk = rows.filter((r) => r.verdict === 'not-compared').length;
    tests += rows.length;
    failures += f;
    skipped += sk;
    const props = scenarioFacts(sc).map((x) => `\n      <property name="note" value="${xml(x)}"/>`).join('');
    const properties = props ? `    <properties>${props}\n    </properties>\n` : '';
    return `  <testsuite name="${xml(`compare ${sc.scenario}`)}" tests="${rows.length}" failures="${f}" errors="0" skipped="${sk}"${sc.file ? ` file="${xml(sc.file)}"` : ''}>\n${properties}${cases.join('\n')}${cases.length ? '\n' : ''}  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dilemma-lens compare" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
