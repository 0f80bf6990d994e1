import * as assert from 'node:assert/strict';
import { runNode, runsTree } from '../../../src/core/view/runsTree';
import type { RunInfo } from '../../../src/core/workspace/runStore';

const run = (runId: string, startedAt: string, over: Partial<RunInfo> = {}): RunInfo => ({
  runId, file: `/w/.dilemma/runs/demo/${runId}.jsonl`, scenario: 'demo', scenarioHash: 'h', models: ['sim/sim-aligned'], variants: ['baseline', 'pharma'],
  startedAt, status: 'complete', planned: 24, done: 24, complete: 24, failed: 0, ...over,
});

describe('runs tree: the Dilemma Runs view as a pure model', () => {
  const good = run('r-good', '2026-12-01T23:10:05.000Z');
  const failed = run('r-failed', '2026-12-01T23:20:00.000Z', { status: 'failed', done: 0, complete: 0, reason: 'sim could not be reached' });
  const partial = run('r-partial', '2026-12-01T23:15:00.000Z', { status: 'cancelled', done: 7, complete: 6, failed: 1, models: ['sim/sim-aligned', 'slow/sim-contrary'] });

  it('lists a scenario\'s runs newest first with time, models, status and session counts', () => {
    const [node] = runsTree([{ id: 'demo', file: '/w/demo.dilemma.yaml', label: 'demo.dilemma.yaml', runs: [good, failed, partial] }]);
    assert.equal(node!.label, 'demo.dilemma.yaml');
    assert.equal(node!.description, 'demo · 3 runs');
    assert.deepEqual(node!.children.map((c) => c.runId), ['r-failed', 'r-partial', 'r-good']);
    assert.deepEqual(node!.children.map((c) => [c.label, c.description, c.icon, c.contextValue]), [
      ['2026-12-01 23:20 · sim-aligned', 'failed, zero sessions: sim could not be reached · 0 answered', 'error', 'dilemmaRun.empty'],
      ['2026-12-01 23:15 · sim-aligned, sim-contrary', 'cancelled, partial 7/24 · 6 answered, 1 failed', 'circle-slash', 'dilemmaRun.results'],
      ['2026-12-01 23:10 · sim-aligned', 'complete 24/24 · 24 answered', 'pass', 'dilemmaRun.results'],
    ]);
    assert.match(node!.children[1]!.tooltip, /Sessions: 7 of 24 planned \(6 answered, 1 failed\)/);
  });

  it('marks the baseline and the run shown on the lines, and leaves files without runs out', () => {
    const tree = runsTree([
      { id: 'zeta', file: '/w/zeta.dilemma.yaml', runs: [] },
      { id: 'demo', file: '/w/demo.dilemma.yaml', runs: [good, partial] },
    ], { baselineOf: () => good.file, shownOf: () => partial.file });
    assert.deepEqual(tree.map((n) => n.id), ['/w/demo.dilemma.yaml']);
    const [p, g] = tree[0]!.children;
    assert.equal(g!.contextValue, 'dilemmaRun.results.baseline');
    assert.equal(g!.description, 'complete 24/24 · 24 answered · baseline');
    assert.equal(p!.description, 'cancelled, partial 7/24 · 6 answered, 1 failed · shown');
    assert.equal(runNode('/w/demo.dilemma.yaml', { ...good, status: 'unreadable', reason: 'bad json', startedAt: '', models: [] }).label, 'r-good · no model');
  });
});
