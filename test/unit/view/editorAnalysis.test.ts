import * as assert from 'node:assert/strict';
import { analyzeRun } from '../../../src/core/analysis/analyzeRun';
import type { RunHeader } from '../../../src/core/run/record';
import { renderVariant } from '../../../src/core/scenario/render';
import { analyzeForEditor, type EditorAnalysisCache } from '../../../src/core/view/editorAnalysis';
import { simRun, type SimRun } from './simRun';

describe('the editor analysis, live as sessions arrive', () => {
  let run: SimRun;
  let header: RunHeader;
  before(async function () {
    this.timeout(60_000);
    run = await simRun('health-registry.dilemma.yaml');
    const variants = run.scenario.variants.map((v) => v.name);
    header = { v: 1, kind: 'run', runId: run.records[0]!.runId, scenario: run.scenario.id, file: 'f', scenarioHash: 'h', models: [run.records[0]!.model], variants, personas: 0, samples: 1, startedAt: '2026-01-01T00:00:00Z' };
  });

  it('gives, update after update through one cache, exactly what a fresh analysis of the same sessions gives', () => {
    const cache: EditorAnalysisCache = {};
    const n = run.records.length;
    for (const upTo of [Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1, n]) {
      const live = analyzeForEditor(run.scenario, run.text, header, run.records.slice(0, upTo), 'f', cache);
      const fresh = analyzeForEditor(run.scenario, run.text, header, run.records.slice(0, upTo), 'f');
      assert.deepEqual(JSON.parse(JSON.stringify(live)), JSON.parse(JSON.stringify(fresh)));
    }
  });

  it('drops what it cached when the text changes', () => {
    const cache: EditorAnalysisCache = {};
    analyzeForEditor(run.scenario, run.text, header, run.records, 'f', cache);
    const memo = cache.memo;
    analyzeForEditor(run.scenario, `${run.text}\n# edited\n`, header, run.records, 'f', cache);
    assert.notEqual(cache.memo, memo);
    assert.equal(cache.text, `${run.text}\n# edited\n`);
  });

  it('fits the path model on first read, to the same values analyzeRun computes in the call', () => {
    const live = analyzeForEditor(run.scenario, run.text, header, run.records, 'f', {});
    const eager = analyzeRun(run.scenario, [{ header, sessions: [...run.records], file: 'f' }], {
      bootstrap: 200, permutations: 2000, latentModel: false, scenarioText: run.text, render: (s, v, p) => renderVariant(s, v, p),
    });
    const m = live.perModel[0]!;
    assert.ok(Object.getOwnPropertyDescriptor(m, 'pathModel')?.get, 'the live analysis defers the fit');
    assert.ok(eager.perModel[0]!.pathModel.ok, 'the example has enough samples for a fit');
    assert.deepEqual(JSON.parse(JSON.stringify(live)), JSON.parse(JSON.stringify(eager)));
    assert.equal(m.pathModel, m.pathModel, 'fitted once, then the same object');
    assert.deepEqual(Object.keys(m), Object.keys(eager.perModel[0]!));
  });
});
