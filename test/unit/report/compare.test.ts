import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { compareRuns, COMPARISON_SCHEMA_VERSION, type VariantComparison } from '../../../src/core/analysis/compare';
import { comparisonJson } from '../../../src/core/report/compareJson';
import { comparisonJunit } from '../../../src/core/report/compareJunit';
import { codeSpan, comparisonMarkdown } from '../../../src/core/report/compareMarkdown';
import { comparisonText } from '../../../src/core/report/compareText';
import { repoPath } from '../../support/paths';
import { richComparisonSides } from '../analysis/compareFixtures';
import { checkSchema } from './miniSchema';

describe('comparison reports', () => {
  const { baseline, candidate } = richComparisonSides();
  const c = compareRuns(baseline, candidate);
  const schema = JSON.parse(fs.readFileSync(repoPath('schemas', 'comparison.schema.json'), 'utf8'));
  const json = JSON.parse(comparisonJson(c, { version: '0.1.0', generatedAt: '2026-01-01T00:00:00Z' }));

  it('has the rows and facts the formats are checked on', () => {
    const pharma = c.rows.find((r): r is VariantComparison => r.kind === 'variant' && r.variant === 'pharma')!;
    assert.equal(pharma.verdict, 'regression');
    assert.equal(c.rows[0]!.verdict, 'regression');
    assert.ok(c.rows.some((r) => r.kind === 'model' && r.paths.length === 2));
    assert.deepEqual(c.scenarios[0]!.onlyBaseline, { variants: ['old'], models: ['gone'] });
    assert.deepEqual(c.candidate.runs.map((r) => r.status), ['partial']);
  });

  it('writes versioned JSON that schemas/comparison.schema.json accepts', () => {
    assert.equal(json.schemaVersion, COMPARISON_SCHEMA_VERSION);
    assert.equal(json.kind, 'comparison');
    assert.equal(json.generator.version, '0.1.0');
    assert.deepEqual(checkSchema(schema, json), []);
    // empty and one-sided comparisons too
    const empty = JSON.parse(comparisonJson(compareRuns([], candidate)));
    assert.deepEqual(checkSchema(schema, empty), []);
    assert.equal(empty.scenarios[0].status, 'only-candidate');
  });

  it('is checked by a schema that does reject a wrong comparison', () => {
    const broken = structuredClone(json);
    const i = broken.rows.findIndex((r: { kind: string }) => r.kind === 'variant');
    delete broken.summary.tests;
    broken.rows[i].divergence.test.p = 'small';
    const problems = checkSchema(schema, broken);
    assert.ok(problems.some((p) => p.includes('summary: missing tests')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith(`$.rows[${i}]`)), problems.join('\n'));
  });

  it('prints text with the regression first, its tests, and what changed', () => {
    const text = comparisonText(c);
    const lines = text.split('\n');
    // 2 models x 3 variants x 40 samples planned; "gone" and "old" ran 10 each
    assert.match(lines[1]!, /^ {2}baseline: {2}base-run \(partial 100\/240\)$/);
    assert.match(lines[2]!, /^ {2}candidate: cand-run \(partial 75\/80\)$/);
    assert.match(lines[3]!, /^\d+ regression\(s\), .* Holm over \d+ test\(s\) at alpha 0\.05\.$/);
    assert.match(lines[5]!, /^REGRESSION {3}test \/ (pharma|VAAR) \[m1\]$/);
    assert.match(text, /divergence: [\d.]+ \(\d+\/\d+\) → [\d.]+ \(\d+\/\d+\) \(\+[\d.]+\); exact McNemar, paired \(\d+ pairs, \d+ left out\): p < 0\.001, Holm p < 0\.001$/m);
    assert.match(text, /note: candidate partial: 35 of 40 planned sessions/);
    assert.match(text, /unpaired \(n = \d+\)/);
    assert.match(text, /changed: variant pharma: vars: recipient: "a drug company" → "an <insurer> \| \*co\*"/);
    assert.match(text, /variants only in the baseline: old \(not compared\)/);
    assert.match(text, /models only in the baseline: gone \(not compared\)/);
    assert.match(text, /scenario versions: baseline hb \(git 1234567\), candidate hc \(the current file\)/);
  });

  it('writes Markdown in which nothing from a scenario renders as markup', () => {
    const md = comparisonMarkdown(c);
    assert.match(md, /^## Dilemma Lens comparison: ❌ \d significant regression\(s\)\n/);
    assert.match(md, /\| ❌ \| `test` \/ `pharma` \[`m1`\]/);
    // the vars value with <, | and * stays inside a code span, its pipe escaped for the table
    assert.ok(md.includes('- `changed: variant pharma: vars: recipient: "a drug company" → "an <insurer> | *co*"`'), md);
    assert.ok(!/(^|[^`])<insurer>/.test(md.replace(/`[^`]*`/g, '')), 'no raw HTML outside code spans');
    // CommonMark strips one space on each side of a code span that starts or ends with a backtick
    assert.equal(codeSpan('a `tick`'), '`` a `tick` ``');
    assert.equal(codeSpan('`x`'), '`` `x` ``');
    assert.equal(codeSpan('two\nlines'), '`two lines`');
  });

  it('writes JUnit with a failure per regression and a skip per row not compared', () => {
    const xml = comparisonJunit(c);
    const regressions = c.rows.filter((r) => r.verdict === 'regression').length;
    const skipped = c.rows.filter((r) => r.verdict === 'not-compared').length;
    assert.match(xml, new RegExp(`<testsuites name="dilemma-lens compare" tests="${c.rows.length}" failures="${regressions}" errors="0" skipped="${skipped}">`));
    assert.equal((xml.match(/<failure /g) ?? []).length, regressions);
    assert.match(xml, /<failure message="significant regression: test \/ pharma \[m1\]" type="Regression">/);
    assert.match(xml, /<property name="note" value="changed: variant pharma: vars: recipient: &quot;a drug company&quot; → &quot;an &lt;insurer&gt; \| \*co\*&quot;"\/>/);
  });
});
