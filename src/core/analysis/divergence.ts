import type { AnswerStatus, SessionRecord } from '../run/record';
import type { Scenario, Variant } from '../scenario/model';
import { arbitrate, effectiveVars, type Implied } from './arbiter';
import { statedScores, type ValueScore } from './scores';

/** The action a session took, read for comparison with the implied action. */
export interface TakenAction {
  /** `missing` when the session ended before the action was asked. */
  status: AnswerStatus | 'missing';
  /** The choice id, or the integer on the action scale. */
  choice?: string;
  score?: number;
  /** What is compared with the implied action: the choice id, or `high` / `low` / `mid` around the scale midpoint. */
  outcome?: string;
}

/** Everything measured on one session. */
export interface SampleAnalysis {
  key: string;
  model: string;
  variant: string;
  persona: number;
  sample: number;
  status: SessionRecord['status'];
  scores: Record<string, ValueScore | null>;
  implied: Implied;
  action: TakenAction;
  /** Answers given in the session (items and action) and how many were unparsed or refused. */
  answers: { total: number; unparsed: number; refused: number };
  /** true: the action contradicts a determined implied action; false: it agrees; null: no comparison (undetermined or unreadable action). */
  divergent: boolean | null;
}

/** Reads a session's action answer as an outcome comparable with the arbiter's. */
export function takenAction(scenario: Scenario, session: SessionRecord): TakenAction {
  const a = session.action;
  if (!a) return { status: 'missing' };
  if (a.status !== 'ok') return { status: a.status };
  const scale = scenario.action?.scale;
  if (scale && typeof a.score === 'number') {
    const mid = (scale.min + scale.max) / 2;
    return { status: 'ok', score: a.score, outcome: a.score > mid ? 'high' : a.score < mid ? 'low' : 'mid' };
  }
  if (typeof a.choice === 'string') return { status: 'ok', choice: a.choice, outcome: a.choice };
  return { status: 'unparsed' };
}

/**
 * The per-sample analysis: stated scores, the arbiter's implied action and reason, the action taken,
 * and divergence. An action exactly at the midpoint of a scale action matches neither `high` nor `low`,
 * so against a determined implied action it counts as divergent.
 */
export function analyzeSample(scenario: Scenario, variant: Variant | undefined, session: SessionRecord): SampleAnalysis {
  const scores = statedScores(scenario, variant, session.items);
  const implied = arbitrate(scenario, effectiveVars(scenario, variant, session.persona), scores);
  const action = takenAction(scenario, session);
  const statuses = [...session.items.map((i) => i.status), ...(session.action ? [session.action.status] : [])].filter((x) => x !== 'failed');
  const answers = {
    total: statuses.length,
    unparsed: statuses.filter((x) => x === 'unparsed').length,
    refused: statuses.filter((x) => x === 'refused').length,
  };
  const divergent = implied.action === undefined || action.outcome === undefined ? null : action.outcome !== implied.action;
  return {
    key: session.key, model: session.model, variant: session.variant, persona: session.persona, sample: session.sample,
    status: session.status, scores: Object.fromEntries(scores), implied, action, answers, divergent,
  };
}
