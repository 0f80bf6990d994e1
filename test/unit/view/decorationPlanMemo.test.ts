import * as assert from 'node:assert/strict';
import type { RunHeader } from '../../../src/core/run/record';
import { createPlanMemo, decorationPlan } from '../../../src/core/view/decorationPlan';
import { analyzeForEditor, type EditorAnalysisCache } from '../../../src/core/view/editorAnalysis';
import { simRun, type SimRun } from './simRun';

describe('decoration plan memo: a results update rebuilds only what changed', () => {
  let run: SimRun;
  let header: RunHeader;
  before(async function () {
    this.timeout(60_000);
    run = await simRun('school-records.dilemma.yaml');
    header = { v: 1, kind: 'run', runId: 'r', scenario: run.scenario.id, file: 'f', scenarioHash: 'h', models: run.analysis.models, variants: run.scenario.variants.map((v) => v.name), personas: 1, samples: 6, startedAt: '2026-01-01T00:00:00Z' };
  });

  it('plans, update after update through one memo and one analysis cache, exactly what a plan from scratch gives', () => {
    const cache: EditorAnalysisCache = {};
    const memo = createPlanMemo();
    const n = run.records.length;
    for (const upTo of [Math.floor(n / 4), Math.floor(n / 2), n - 2, n - 1, n]) {
      const records = run.records.slice(0, upTo);
      const live = decorationPlan(run.scenario, run.text, analyzeForEditor(run.scenario, run.text, header, records, 'f', cache), records, undefined, memo);
      const fresh = decorationPlan(run.scenario, run.text, analyzeForEditor(run.scenario, run.text, header, records, 'f'), records);
      assert.deepEqual(live, fresh, `after ${upTo} sessions`);
    }
  });

  it('rebuilds, on an update of one session, only the variant of that session', () => {
    const cache: EditorAnalysisCache = {};
    const memo = createPlanMemo();
    const before = run.records.slice(0, -1);
    decorationPlan(run.scenario, run.text, analyzeForEditor(run.scenario, run.text, header, before, 'f', cache), before, undefined, memo);
    const was = new Map(memo.parts);
    decorationPlan(run.scenario, run.text, analyzeForEditor(run.scenario, run.text, header, run.records, 'f', cache), run.records, undefined, memo);
    const last = run.records[run.records.length - 1]!;
    const rebuilt = [...memo.parts].filter(([k, e]) => was.get(k) !== e).map(([, e]) => e.stats.variant);
    assert.deepEqual(rebuilt, [last.variant]);
  });

  it('starts over when the text changes', () => {
    const memo = createPlanMemo();
    decorationPlan(run.scenario, run.text, run.analysis, run.records, undefined, memo);
    assert.ok(memo.parts.size > 0);
    const edited = `${run.text}# edited\n`;
    const plan = decorationPlan(run.scenario, edited, run.analysis, run.records, undefined, memo);
    assert.equal(memo.text, edited);
    assert.deepEqual(plan, decorationPlan(run.scenario, edited, run.analysis, run.records));
  });
});
