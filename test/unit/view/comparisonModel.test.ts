import * as assert from 'node:assert/strict';
import { compareRuns, type VariantComparison } from '../../../src/core/analysis/compare';
import { comparisonLineDeltas, comparisonReportModel, modelDeltaLines } from '../../../src/core/view/comparisonModel';
import { richComparisonSides } from '../analysis/compareFixtures';

describe('comparison view model', () => {
  const { baseline, candidate } = richComparisonSides();
  const c = compareRuns(baseline, candidate);
  const model = comparisonReportModel(c);

  it('gives the report panel the comparison\'s own rows, in regression order, with plain-text cells', () => {
    assert.equal(model.tone, 'fail');
    assert.equal(model.title, 'Comparison: test');
    assert.deepEqual(model.rows.map((r) => r.key), c.rows.map((r) => (r.kind === 'variant' ? `test|${r.variant}|m1` : 'test||m1')));
    assert.deepEqual(model.baseline.map((r) => r.status), ['partial 100/240']);
    const pharma = model.rows.find((r) => r.variant === 'pharma')!;
    const row = c.rows.find((r): r is VariantComparison => r.kind === 'variant' && r.variant === 'pharma')!;
    assert.equal(pharma.verdictLabel, 'REGRESSION');
    const div = pharma.cells.find((x) => x.label === 'divergence')!;
    assert.equal(div.tone, 'worse');
    assert.equal(div.significant, true);
    assert.equal(div.baseline, `${row.baseline.divergence.rate!.toFixed(2)} (${row.baseline.divergence.count}/${row.baseline.divergence.n})`);
    assert.match(div.test, /^exact McNemar, paired/);
    // the model row's significant path is red; its non-significant one has no colour
    const vaar = model.rows.find((r) => r.kind === 'model')!;
    assert.deepEqual(vaar.cells.filter((x) => x.label.startsWith('path')).map((x) => x.tone), ['worse', 'none']);
    assert.match(model.method, /Holm over 6 test\(s\), alpha 0\.05/);
    assert.ok(model.scenarios[0]!.facts.some((f) => f.startsWith('changed: variant pharma: vars:')));
  });

  it('gives the variant lines a red delta only where the regression is significant', () => {
    const deltas = comparisonLineDeltas(c, 'test');
    const pharma = deltas.find((d) => d.variant === 'pharma')!;
    assert.equal(pharma.tone, 'worse');
    assert.match(pharma.text, /^vs baseline: divergence \+0\.\d\d ✗ \(Holm p < 0\.001\)$/);
    assert.match(pharma.hover[0]!, /^test \/ pharma \[m1\]: REGRESSION$/);
    const base = deltas.find((d) => d.variant === 'baseline')!;
    assert.equal(base.tone, 'none');
    assert.match(base.text, /^vs baseline: divergence \+0\.03 \(Holm p = 1\.000\)$/);
    assert.ok(base.hover.includes('candidate partial: 35 of 40 planned sessions'));
    assert.deepEqual(comparisonLineDeltas(c, 'other'), []);
    assert.match(modelDeltaLines(c, 'test')[0]!, /^test \/ VAAR \[m1\]: REGRESSION$/);
  });

  it('says when nothing could be compared', () => {
    const empty = comparisonReportModel(compareRuns([], candidate));
    assert.equal(empty.tone, 'empty');
    assert.equal(empty.headline, 'Nothing could be compared.');
    assert.deepEqual(empty.rows, []);
  });
});
