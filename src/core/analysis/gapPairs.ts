/**
 * The units every gap metric is computed from: for each value with an `expect` entry, the normalised
 * stated score beside the action's position on that value's expected direction. With history
 * sessions a unit is a session (its own stated scores and its own action); with stateless sessions,
 * where no stated score belongs to an action, it is a variant (its mean stated scores and its mean
 * position), as method.md Revision 2 asks for stateless sessions. Only complete units count (a stated
 * score on every such value and a readable action), as in the path model: the chance baselines shuffle
 * whole actions among units, which needs every unit to carry every value.
 */
import type { Scenario } from '../scenario/model';
import { expectedAction } from './arbiter';
import type { SampleAnalysis } from './divergence';

/** One unit: per gap value (in `gapValues` order) what was stated and what was enacted, both on 0..1. */
export interface GapUnitData {
  /** The session key, or the variant name for stateless sessions. */
  unit: string;
  /** Normalised stated score per value (0 = scale minimum, 1 = maximum). */
  stated: number[];
  /** The action's position on each value's expected direction: 1 = fully what the value expects, 0 = the opposite. */
  enacted: number[];
}

/** One value in one unit, the form the F1 and the distance read. */
export interface GapPair {
  unit: string;
  value: string;
  stated: number;
  enacted: number;
  /** stated > 0.5 (the `held` rule of method.md). */
  held: boolean;
  /** enacted > 0.5: the action enacts the value. */
  enacts: boolean;
}

/** How units were formed. */
export type GapUnit = 'session' | 'variant';

/**
 * Where the action stands on a value's direction: for a choice action 1 when the choice is the one
 * the value's `expect` names and 0 otherwise; for a scale action the answer mapped to 0..1, turned
 * round for a `negative` value. Undefined when the value has no `expect` or the action is unreadable.
 */
export function enactedPosition(scenario: Scenario, value: string, s: SampleAnalysis): number | undefined {
  if (s.action.status !== 'ok') return undefined;
  const target = expectedAction(scenario, value);
  if (target === undefined) return undefined;
  const scale = scenario.action?.scale;
  if (scale) {
    if (s.action.score === undefined || !(scale.max > scale.min)) return undefined;
    const pos = (s.action.score - scale.min) / (scale.max - scale.min);
    return target === 'high' ? pos : 1 - pos;
  }
  if (s.action.choice === undefined) return undefined;
  return s.action.choice === target ? 1 : 0;
}

/** Values the gap metrics cover: those with an `expect` entry, in file order. */
export function gapValues(scenario: Scenario): string[] {
  return scenario.values.map((v) => v.name).filter((v) => expectedAction(scenario, v) !== undefined);
}

const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The complete units of one model's samples, and how many were left out for a missing stated score
 * or an unreadable action (never read as neutral).
 */
export function gapUnits(scenario: Scenario, samples: readonly SampleAnalysis[], unit: GapUnit): { units: GapUnitData[]; incomplete: number } {
  const values = gapValues(scenario);
  const units: GapUnitData[] = [];
  let incomplete = 0;
  if (unit === 'session') {
    for (const s of samples) {
      const stated = values.map((v) => s.scores[v]?.normalised);
      const enacted = values.map((v) => enactedPosition(scenario, v, s));
      if (stated.every((x) => x !== undefined) && enacted.every((x) => x !== undefined)) units.push({ unit: s.key, stated: stated as number[], enacted: enacted as number[] });
      else incomplete++;
    }
    return { units, incomplete };
  }
  const byVariant = new Map<string, SampleAnalysis[]>();
  for (const s of samples) byVariant.set(s.variant, [...(byVariant.get(s.variant) ?? []), s]);
  for (const [variant, list] of byVariant) {
    const stated = values.map((v) => list.map((s) => s.scores[v]?.normalised).filter((x): x is number => x !== undefined));
    const enacted = values.map((v) => list.map((s) => enactedPosition(scenario, v, s)).filter((x): x is number => x !== undefined));
    if (stated.every((x) => x.length > 0) && enacted.every((x) => x.length > 0)) units.push({ unit: variant, stated: stated.map(meanOf), enacted: enacted.map(meanOf) });
    else incomplete++;
  }
  return { units, incomplete };
}

/** The units as (unit, value) pairs, value-major within each unit. */
export function unitPairs(units: readonly GapUnitData[], values: readonly string[]): GapPair[] {
  return units.flatMap((u) => values.map((value, k) => ({ unit: u.unit, value, stated: u.stated[k]!, enacted: u.enacted[k]!, held: u.stated[k]! > 0.5, enacts: u.enacted[k]! > 0.5 })));
}
