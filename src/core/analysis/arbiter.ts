import type { Scenario, Span, VarSet, Variant } from '../scenario/model';
import type { ValueScore } from './scores';

/** What the arbiter decided for one session. */
export interface Implied {
  /** A choice id, or `high` / `low` for a scale action; absent when undetermined. */
  action?: string;
  /** How it was decided. `undetermined` when no rule applied and the vote tied or no value was held. */
  by: 'when' | 'rank' | 'vote' | 'undetermined';
  /** Index of the deciding rule in `arbitration` (for `when` and `rank`). */
  rule?: number;
  /** Source range of the deciding rule, so the editor can point at it. */
  range?: Span;
  /** The held values that decided (rank: the highest-ranked held one; vote: the winning side). */
  values: string[];
  /** A sentence for people: the rule's `because`, or how the values decided. */
  reason: string;
}

/**
 * The effective vars of a session: the scenario's defaults, then the persona entry's vars, then the
 * variant's (the variant wins, as the renderer merges them).
 */
export function effectiveVars(scenario: Scenario, variant: Variant | undefined, persona: number): Map<string, string> {
  const out = new Map<string, string>();
  const put = (set: VarSet | undefined): void => {
    if (set) for (const [k, e] of set) out.set(k, e.value);
  };
  put(scenario.vars);
  put(scenario.personas[persona]);
  put(variant?.vars);
  return out;
}

/** The action a value's `expect` names: a choice id, or for a scale action `high` / `low`. */
export function expectedAction(scenario: Scenario, value: string): string | undefined {
  const e = scenario.action?.expect.find((x) => x.value === value);
  if (!e) return undefined;
  if (scenario.action?.scale) return e.target === 'positive' ? 'high' : e.target === 'negative' ? 'low' : undefined;
  return e.target;
}

/**
 * The implied action of one session: the first arbitration rule that applies decides.
 * A `when` rule applies when every var it names equals the session's effective var (as text; nothing is
 * evaluated). A `rank` rule applies when at least one listed value is held; the highest-ranked held
 * value implies what its `expect` names. Without an applying rule the held values vote through their
 * `expect`; a tie or no held value leaves the action undetermined. A value without a score is not held.
 */
export function arbitrate(scenario: Scenario, vars: ReadonlyMap<string, string>, scores: ReadonlyMap<string, ValueScore | null>): Implied {
  const isHeld = (v: string): boolean => scores.get(v)?.held === true;
  for (const [index, rule] of scenario.arbitration.entries()) {
    if (rule.kind === 'when') {
      if (!rule.require) continue;
      let all = true;
      for (const [name, entry] of rule.when) if (vars.get(name) !== entry.value) all = false;
      if (!all) continue;
      const conds = [...rule.when.values()].map((e) => `${e.name} is "${e.value}"`).join(' and ');
      return {
        action: rule.require.value, by: 'when', rule: index, range: rule.range, values: [],
        reason: rule.because ?? `${conds}: the rule requires ${rule.require.value}.`,
      };
    }
    const held = rule.rank.find((r) => isHeld(r.value));
    if (!held) continue;
    const action = expectedAction(scenario, held.value);
    if (action === undefined) {
      return { by: 'undetermined', rule: index, range: rule.range, values: [held.value], reason: `${held.value} is held and ranked first, but has no expect entry.` };
    }
    return {
      action, by: 'rank', rule: index, range: rule.range, values: [held.value],
      reason: rule.because ?? `${held.value} is held and ranks highest among the held values; it expects ${action}.`,
    };
  }
  const votes = new Map<string, string[]>();
  for (const v of scenario.values) {
    if (!isHeld(v.name)) continue;
    const action = expectedAction(scenario, v.name);
    if (action === undefined) continue;
    votes.set(action, [...(votes.get(action) ?? []), v.name]);
  }
  if (votes.size === 0) return { by: 'undetermined', values: [], reason: 'No value is held, so the values imply no action.' };
  const ranked = [...votes.entries()].sort((x, y) => y[1].length - x[1].length);
  const [top, second] = ranked;
  if (second && second[1].length === top![1].length) {
    const sides = ranked.filter((r) => r[1].length === top![1].length).map(([a, vs]) => `${vs.join(', ')} -> ${a}`).join('; ');
    return { by: 'undetermined', values: [], reason: `The held values are tied (${sides}).` };
  }
  const [action, voters] = top!;
  return { action, by: 'vote', values: voters, reason: `Held ${voters.length === 1 ? 'value' : 'values'} ${voters.join(', ')} ${voters.length === 1 ? 'expects' : 'expect'} ${action}.` };
}
