import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { REPORT_SCHEMA_VERSION, reportJson } from '../../../src/core/report/json';
import { repoPath } from '../../support/paths';
import { checkSchema } from './miniSchema';
import { sampleAnalysis } from './sampleAnalysis';

describe('the JSON report', () => {
  const schema = JSON.parse(fs.readFileSync(repoPath('schemas', 'report.schema.json'), 'utf8'));
  const analysis = sampleAnalysis();
  const report = JSON.parse(reportJson([analysis], { version: '0.1.0', generatedAt: '2026-01-01T00:00:00Z' }));

  it('is versioned and valid against schemas/report.schema.json, with a fitted and a failed path model', () => {
    assert.equal(report.schemaVersion, REPORT_SCHEMA_VERSION);
    assert.equal(report.scenarios[0].perModel[0].pathModel.ok, true);
    assert.equal(report.scenarios[0].perModel[1].pathModel.ok, false);
    assert.deepEqual(checkSchema(schema, report), []);
  });

  it('is checked by a schema that does reject a wrong report', () => {
    const broken = structuredClone(report);
    broken.scenarios[0].perModel[0].vaar.sign.vaar = 'high';
    delete broken.scenarios[0].asserts[0].range;
    const problems = checkSchema(schema, broken);
    assert.ok(problems.some((p) => p.includes('perModel[0].vaar.sign')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('asserts[0]: missing range')), problems.join('\n'));
  });

  it('summarises the asserts and keeps the n behind every rate', () => {
    const { pass, fail, error } = report.summary.asserts;
    assert.equal(pass + fail + error, 6);
    assert.equal(report.summary.ok, fail === 0 && error === 0);
    for (const m of report.scenarios[0].perModel) assert.equal(typeof m.divergence.n, 'number');
    assert.equal(report.scenarios[0].perModel[1].vaar.sign.failure.startsWith('no variance in privacy'), true);
  });
});
