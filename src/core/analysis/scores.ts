import type { ItemAnswer } from '../run/record';
import type { Item, Scenario, ValueDef, Variant } from '../scenario/model';

/** The stated score of one value in one session. */
export interface ValueScore {
  value: string;
  /** Mean of the readable item answers after reverse-coding, on the value's scale. */
  mean: number;
  /** The same mean mapped linearly to 0..1 (scale min -> 0, max -> 1). */
  normalised: number;
  /** Readable items behind the mean. */
  n: number;
  /** Items of the value in this variant. */
  items: number;
  /** Held: the normalised score is above 0.5, the scale midpoint. */
  held: boolean;
}

/** The items a variant administers for a value: its reworded items, or the value's own. */
export function variantItems(value: ValueDef, variant: Variant | undefined): Item[] {
  return variant?.values?.get(value.name) ?? value.items;
}

/**
 * Stated score of one value from a session's item answers. Only `ok` answers count: an unparsed or
 * refused answer is left out, never read as a neutral one. Reverse-coded items become `min + max - x`.
 * Returns null when no item of the value was readable (or the value has no scale).
 */
export function statedScore(value: ValueDef, variant: Variant | undefined, answers: readonly ItemAnswer[]): ValueScore | null {
  const scale = value.scale;
  if (!scale || !(scale.max > scale.min)) return null;
  const items = variantItems(value, variant);
  const reverse = new Map(items.map((i) => [i.id, i.reverse] as const));
  const coded: number[] = [];
  for (const a of answers) {
    if (a.value !== value.name || a.status !== 'ok' || typeof a.answer !== 'number' || !Number.isFinite(a.answer)) continue;
    const rev = reverse.get(a.item) ?? false;
    coded.push(rev ? scale.min + scale.max - a.answer : a.answer);
  }
  if (coded.length === 0) return null;
  const mean = coded.reduce((s, x) => s + x, 0) / coded.length;
  const normalised = (mean - scale.min) / (scale.max - scale.min);
  return { value: value.name, mean, normalised, n: coded.length, items: items.length, held: normalised > 0.5 };
}

/** Stated scores of every value of the scenario for one session; a value without a score maps to null. */
export function statedScores(scenario: Scenario, variant: Variant | undefined, answers: readonly ItemAnswer[]): Map<string, ValueScore | null> {
  const out = new Map<string, ValueScore | null>();
  for (const v of scenario.values) out.set(v.name, statedScore(v, variant, answers));
  return out;
}
