import * as assert from 'node:assert/strict';
import { lensPlan, modelLabel, summaryText } from '../../../src/core/view/lensPlan';
import { simRun, type SimRun } from './simRun';

describe('lens plan: run lenses and the summary lens', () => {
  let run: SimRun;
  before(async function () {
    this.timeout(60_000);
    run = await simRun('school-records.dilemma.yaml');
  });

  it('puts "Run scenario" with the model and the switch lens on the dilemma line, "Run variant" on each variant line', () => {
    const lenses = lensPlan(run.scenario, run.text, ['sim/sim-mixed']);
    const top = lenses.filter((l) => run.text.startsWith('dilemma:', l.at));
    // The file has `arbitration` rules, so the guard A/B is offered beside them.
    assert.ok(run.scenario.arbitration.length > 0);
    assert.deepEqual(top.map((l) => [l.action, l.title]), [['runScenario', '▶ Run scenario · sim/sim-mixed'], ['pickModel', '⇄ sim/sim-mixed'], ['runGuarded', '$(shield) Run with guardrail']]);
    const variants = lenses.filter((l) => l.action === 'runVariant');
    assert.deepEqual(variants.map((l) => l.variant), run.scenario.variants.map((v) => v.name));
    for (const l of variants) assert.match(run.text.slice(l.at, run.text.indexOf('\n', l.at)), new RegExp(`^\\s*- name: ${l.variant}$`));
  });

  it('adds a summary lens after a run, counted from the samples, that opens the report', () => {
    const lenses = lensPlan(run.scenario, run.text, ['sim/sim-mixed'], { running: false, sessions: run.records.length, analysis: run.analysis });
    const summary = lenses.find((l) => l.action === 'openReport')!;
    const determined = run.analysis.samples.filter((s) => s.divergent !== null);
    const diverge = determined.filter((s) => s.divergent).length;
    assert.ok(summary.title.startsWith(`${determined.length - diverge}/${determined.length} aligned · ${diverge} diverge`), summary.title);
    assert.ok(run.text.startsWith('dilemma:', summary.at));
    assert.ok(summaryText(run.analysis, true).startsWith('$(sync~spin) '));
  });

  it('offers "Run with guardrail" only where there are `arbitration` rules to state', () => {
    const bare = { ...run.scenario, arbitration: [] };
    assert.deepEqual(lensPlan(bare, run.text, ['sim/sim-mixed']).filter((l) => l.action === 'runGuarded'), []);
  });

  it('names the selection: one model, several, or none', () => {
    assert.equal(modelLabel([]), 'no model');
    assert.equal(modelLabel(['a/b', 'c/d']), '2 models');
    assert.equal(lensPlan(run.scenario, run.text, [])[1]!.title, '⇄ Pick model');
  });
});
