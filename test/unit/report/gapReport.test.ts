import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ALIGNMENT_F1_LABEL } from '../../../src/core/analysis/gapPanel';
import { gapRows } from '../../../src/core/report/gapReport';
import { reportJson } from '../../../src/core/report/json';
import { reportMarkdown } from '../../../src/core/report/markdown';
import { reportText } from '../../../src/core/report/text';
import { reportModel } from '../../../src/core/view/reportModel';
import { repoPath } from '../../support/paths';
import { checkSchema } from './miniSchema';
import { sampleAnalysis } from './sampleAnalysis';

describe('the gap panel in every report', () => {
  const analysis = sampleAnalysis();
  const json = JSON.parse(reportJson([analysis]));
  const text = reportText([analysis]);
  const md = reportMarkdown([analysis]);
  const model = reportModel(analysis);

  it('is in the JSON per model, valid against the schema, and the schema rejects a panel without its chance baseline', () => {
    const schema = JSON.parse(fs.readFileSync(repoPath('schemas', 'report.schema.json'), 'utf8'));
    const gap = json.scenarios[0].perModel[0].gap;
    assert.equal(gap.label, ALIGNMENT_F1_LABEL);
    assert.equal(typeof gap.alignment.held.f1, 'number');
    assert.equal(typeof gap.alignment.held.chance.p, 'number');
    assert.deepEqual(checkSchema(schema, json), []);
    const broken = structuredClone(json);
    delete broken.scenarios[0].perModel[0].gap.alignment.held.chance;
    assert.ok(checkSchema(schema, broken).some((p) => p.includes('perModel[0].gap.alignment.held: missing chance')));
  });

  it('shows the same F1, chance level and n in the text, Markdown and webview model, labelled as not the VAAR of Chen et al.', () => {
    for (const m of analysis.perModel) {
      const f = m.gap.alignment!.held;
      const row = gapRows(m.gap)[0]!;
      assert.equal(row.value, f.f1!.toFixed(2));
      assert.equal(row.chance, f.chance.expected!.toFixed(2));
      assert.equal(row.n, `${f.n} pairs`);
      const line = `${row.metric}: ${row.value} (n ${row.n}; chance ${row.chance}, p ${row.p})`;
      assert.ok(text.includes(line), `text has: ${line}`);
      assert.ok(md.includes(`| ${row.metric} | ${row.value} | ${row.n} | ${row.chance} | ${row.p} |`), 'markdown row');
      const view = model.gap.find((g) => g.model === m.model)!;
      assert.deepEqual(view.rows, gapRows(m.gap));
      assert.deepEqual(view.distances.map((d) => d.value), m.gap.distance!.ranking);
    }
    assert.match(text, /not the VAAR of Chen et al\./);
    assert.match(md, /\*\*not\*\* the VAAR of Chen et al\./);
  });
});
