/**
 * Stated versus action, per model, on the lines that state it: for each value how many sessions hold
 * it, the action its `expect` implies, and how many of the holders took another action; for each
 * arbitration rule how often it decided and how often the action obeyed it. Counted from the same
 * per-session analysis (`ScenarioAnalysis.samples`) that `dilemma analyze` prints as `samples[]`, so
 * the marks and the CLI agree by construction: `held` is `scores[value].held`, an action is readable
 * when `action.outcome` is set, and a rule decided when `implied.rule` is its index and `implied.by`
 * is `when` or `rank`.
 */
import { expectedAction } from '../analysis/arbiter';
import type { SampleAnalysis } from '../analysis/divergence';
import type { Scenario, SessionMode } from '../scenario/model';

/** How a mark is coloured: by the share of sessions that act against what they state (or against the rule). */
export type StatedTone = 'agree' | 'mixed' | 'against' | 'none';

/** One value of one model. */
export interface ValueStated {
  value: string;
  /** Sessions with a stated score for the value. */
  scored: number;
  /** Of those, sessions whose score holds the value (normalised above 0.5). */
  held: number;
  /** The action the value's `expect` names (a choice id, or `high` / `low` for a scale action); absent without an entry. */
  implied?: string;
  /** Holders with a readable action. */
  acted: number;
  /** Of those, holders whose action is not `implied`. */
  against: number;
  /** The action those against took, when they all took the same one. */
  contrary?: string;
  /** against / acted; null when nothing is compared (no expect entry, no readable holder, stateless sessions). */
  share: number | null;
}

/** One arbitration rule of one model. */
export interface RuleStated {
  /** Index in `scenario.arbitration`. */
  rule: number;
  /** The model's sessions. */
  sessions: number;
  /** Sessions whose implied action this rule decided. */
  decided: number;
  /** Decided sessions with a readable action. */
  compared: number;
  /** Of those, sessions whose action is the one the rule implied. */
  obeyed: number;
  /** (compared - obeyed) / compared; null when nothing is compared. */
  share: number | null;
}

export interface StatedAction {
  model: string;
  sessions: number;
  values: ValueStated[];
  rules: RuleStated[];
}

/**
 * The stated-versus-action counts of one model over `samples` (all variants). With stateless
 * sessions no stated score belongs to an action (method.md, Revision 2): `held` is still counted,
 * `acted`/`against` stay 0 and the share null.
 */
export function statedAction(scenario: Scenario, samples: readonly SampleAnalysis[], model: string, session: SessionMode = 'history'): StatedAction {
  const mine = samples.filter((s) => s.model === model);
  const paired = session !== 'stateless';
  const values = scenario.values.map((v): ValueStated => {
    const implied = expectedAction(scenario, v.name);
    const scored = mine.filter((s) => s.scores[v.name]);
    const holders = scored.filter((s) => s.scores[v.name]!.held);
    const readable = paired && implied !== undefined ? holders.filter((s) => s.action.outcome !== undefined) : [];
    const contrary = readable.filter((s) => s.action.outcome !== implied);
    const others = new Set(contrary.map((s) => s.action.outcome!));
    const top = others.size === 1 ? [...others][0] : undefined;
    return {
      value: v.name, scored: scored.length, held: holders.length,
      ...(implied !== undefined ? { implied } : {}),
      acted: readable.length, against: contrary.length,
      ...(top !== undefined ? { contrary: top } : {}),
      share: readable.length > 0 ? contrary.length / readable.length : null,
    };
  });
  const rules = scenario.arbitration.map((_, rule): RuleStated => {
    const decided = mine.filter((s) => s.implied.rule === rule && (s.implied.by === 'when' || s.implied.by === 'rank'));
    const compared = paired ? decided.filter((s) => s.action.outcome !== undefined) : [];
    const obeyed = compared.filter((s) => s.action.outcome === s.implied.action).length;
    return { rule, sessions: mine.length, decided: decided.length, compared: compared.length, obeyed, share: compared.length > 0 ? (compared.length - obeyed) / compared.length : null };
  });
  return { model, sessions: mine.length, values, rules };
}

/**
 * The tone of a share of sessions acting against: `agree` up to the scenario's divergence limit
 * (`assert: divergence: max`, else 0), `against` above one half, `mixed` between; `none` without a share.
 */
export function statedTone(share: number | null, limit: number): StatedTone {
  if (share === null) return 'none';
  if (share <= limit) return 'agree';
  return share > 0.5 ? 'against' : 'mixed';
}

const GLYPH: Record<StatedTone, string> = { agree: '✓', mixed: '~', against: '✗', none: '' };

/**
 * `held 18/24 -> decline · acted share 14/18 ✗`: holders of all scored sessions, the implied action,
 * and the holders that took another action (named when it is one action, else `otherwise`).
 */
export function valueStatedText(v: ValueStated, tone: StatedTone, session: SessionMode = 'history'): string {
  const held = `held ${v.held}/${v.scored}`;
  if (v.implied === undefined) return `${held} · no expect entry`;
  const head = `${held} -> ${v.implied}`;
  if (session === 'stateless') return `${head} · stateless: not paired per session`;
  if (v.held === 0) return head;
  if (v.acted === 0) return `${head} · no holder's action readable`;
  const what = v.against === 0 ? 'against' : v.contrary ?? 'otherwise';
  return `${head} · acted ${what} ${v.against}/${v.acted} ${GLYPH[tone]}`.trimEnd();
}

/** `decided 20/24 · obeyed 18/20 ~`: how often the rule decided the implied action and how often the action followed it. */
export function ruleStatedText(r: RuleStated, tone: StatedTone, session: SessionMode = 'history'): string {
  const decided = `decided ${r.decided}/${r.sessions}`;
  if (r.decided === 0) return decided;
  if (session === 'stateless') return `${decided} · stateless: not paired per session`;
  if (r.compared === 0) return `${decided} · no action readable`;
  return `${decided} · obeyed ${r.obeyed}/${r.compared} ${GLYPH[tone]}`.trimEnd();
}
