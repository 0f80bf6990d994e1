import { analyzeRun, type RunLogInput } from '../../../src/core/analysis/analyzeRun';
import type { ComparisonSideScenario } from '../../../src/core/analysis/compare';
import type { RunHeader, SessionRecord } from '../../../src/core/run/record';
import type { Scenario } from '../../../src/core/scenario/model';
import { seededRandom, type Random } from '../../../src/core/random';
import { answer, rankRule as rankRuleFixture, scenario as scenarioFixture, simple, variant as variantFixture } from './fixtures';

/** A run header for the fixture scenario (`test`): one model and the given variants, no personas. */
export function header(runId: string, variants: string[], samples: number, models = ['m1'], hash = 'h1'): RunHeader {
  return { v: 1, kind: 'run', runId, scenario: 'test', file: 'test.dilemma.yaml', scenarioHash: hash, models, variants, personas: 0, samples, startedAt: '2026-01-01T00:00:00Z' };
}

/**
 * Sessions of one variant in which privacy is held (7, and 1 reverse-coded) so the arbiter implies
 * `decline` in every sample: `share` is divergent. `actions[i]` is sample i's action.
 */
export function heldPrivacy(variant: string, actions: readonly string[], model = 'm1'): SessionRecord[] {
  return actions.map((a, i) => simple([7, 1], [3, 3], a, { variant, sample: i, model }));
}

/** `n` copies of an action. */
export const times = (action: string, n: number): string[] => Array.from({ length: n }, () => action);

/** One side of a comparison from logs, analysed as the CLI does (few bootstrap replicates: the comparison uses the SEs). */
export function side(scenario: Scenario, logs: RunLogInput[], hash = 'h1', source = 'test'): ComparisonSideScenario {
  return { scenario, analysis: analyzeRun(scenario, logs, { bootstrap: 10, latentModel: false }), logs, version: { hash, source } };
}

/**
 * Sessions whose stated privacy varies (1..7, drawn) and whose action follows it through a logistic
 * link: `slope` > 0 declines more the more privacy is held (aligned with `expect: privacy: decline`),
 * < 0 the opposite, 0 unrelated. Prosocial answers are drawn and do not drive the action.
 */
export function drawnSessions(variant: string, n: number, slope: number, random: Random, model = 'm1'): SessionRecord[] {
  const draw = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  return Array.from({ length: n }, (_, i) => {
    const p1 = draw(1, 7);
    const p2 = draw(1, 7);
    const privacy = (p1 + (8 - p2)) / 2;
    const pDecline = 1 / (1 + Math.exp(-slope * (privacy - 4)));
    const s = simple([p1, p2], [draw(1, 5), draw(1, 5)], random() < pDecline ? 'decline' : 'share', { variant, sample: i, model });
    return s;
  });
}

/**
 * A comparison with every kind of row and fact: a paired regression (m1 / pharma made contrary), a
 * model row with paths, a variant and a model on one side only, a partial candidate cell and a vars
 * change between the two scenario versions.
 */
export function richComparisonSides(): { baseline: ComparisonSideScenario[]; candidate: ComparisonSideScenario[] } {
  const random = seededRandom(42);
  const base = scenarioFixture({ arbitration: [rankRuleFixture(['privacy', 'prosocial'])], variants: [variantFixture('baseline'), variantFixture('pharma', { recipient: 'a drug company' }), variantFixture('old')] });
  const cand = scenarioFixture({ arbitration: [rankRuleFixture(['privacy', 'prosocial'])], variants: [variantFixture('baseline'), variantFixture('pharma', { recipient: 'an <insurer> | *co*' })] });
  const bSessions = [
    ...drawnSessions('baseline', 40, 2, random), ...drawnSessions('pharma', 40, 2, random), ...drawnSessions('old', 10, 2, random),
    ...drawnSessions('baseline', 10, 2, random, 'gone'),
  ];
  const cSessions = [...drawnSessions('baseline', 40, 2, random), ...drawnSessions('pharma', 40, -2, random)];
  // a partial second model on the candidate side only, and a partial cell: m1 / baseline lost its last 5 sessions
  return {
    baseline: [side(base, [{ header: header('base-run', ['baseline', 'pharma', 'old'], 40, ['m1', 'gone'], 'hb'), sessions: bSessions, file: 'runs/base.jsonl' }], 'hb', 'git 1234567')],
    candidate: [side(cand, [{ header: header('cand-run', ['baseline', 'pharma'], 40, ['m1'], 'hc'), sessions: cSessions.slice(5), file: 'runs/cand.jsonl' }], 'hc', 'the current file')],
  };
}

export { answer, seededRandom };
