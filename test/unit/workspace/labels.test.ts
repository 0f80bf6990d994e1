import * as assert from 'node:assert/strict';
import type { ScenarioAnalysis } from '../../../src/core/analysis/analyzeRun';
import type { VariantStats } from '../../../src/core/analysis/variantStats';
import { lensPlan, summaryText } from '../../../src/core/view/lensPlan';
import { scenarioVerdict, variantVerdict } from '../../../src/core/view/testTree';
import { parseScenario } from '../../../src/core/scenario/parse';

// The hosts' provenance: a label on the summary lens, and "not measured" for partial figures.
describe('provenance in the views', () => {
  const rate = (count: number, n: number) => ({ count, n, rate: n ? count / n : null });
  // 3 determined samples, none divergent: the variant would pass on divergence if it were whole.
  const stats = { model: 'sim/x', variant: 'baseline', sessions: 3, failedSessions: 0, actions: 3, distribution: [], divergence: rate(0, 3), consistency: rate(3, 3), parseFailures: rate(0, 9), refusals: rate(0, 9) } as unknown as VariantStats;
  const analysis = {
    samples: [], perVariant: [{ stats }], models: ['sim/x'], variants: ['baseline'],
    asserts: [{ metric: 'divergence', model: 'sim/x', max: 0.2, actual: null, n: 0, status: 'error', message: 'divergence not measured for sim/x: partial results (baseline 3/8 sessions)', range: { start: 0, end: 1 } }],
  } as unknown as ScenarioAnalysis;

  it('the summary lens says the asserts are not measured and carries the set\'s label', () => {
    assert.equal(summaryText(analysis, false, 'partial 3/8'), '0/0 aligned · 0 diverge · asserts not measured · partial 3/8');
    const text = 'dilemma: demo\nvalues:\n  p:\n    scale: { min: 1, max: 7 }\n    items: [a]\naction:\n  prompt: go?\n  choices: { a: A, b: B }\n';
    const scenario = parseScenario(text).scenario!;
    const lenses = lensPlan(scenario, text, ['sim/x'], { running: false, sessions: 3, analysis, label: 'partial 3/8' });
    assert.ok(lenses.some((l) => l.action === 'openReport' && l.title.endsWith('· partial 3/8')), JSON.stringify(lenses));
  });

  it('a partial variant is not measured in the Testing view; a whole one is judged', () => {
    const partial = variantVerdict(analysis, [], 'baseline', () => 'partial 3/8 sessions');
    assert.equal(partial?.status, 'errored');
    assert.equal(partial?.messages[0]?.text, 'sim/x / baseline: not measured: partial 3/8 sessions');
    assert.equal(variantVerdict(analysis, [], 'baseline', () => undefined)?.status, 'passed');
    const noAsserts = { ...analysis, asserts: [] };
    assert.equal(scenarioVerdict(noAsserts, () => 'partial 3/8 sessions').status, 'errored');
    assert.equal(scenarioVerdict(noAsserts).status, 'passed');
  });
});
