/**
 * The exact permutation law of the number of (unit, value) pairs that are both held and enacted when
 * the units' actions are shuffled among the units. Every value of a session shares the session's one
 * action, so the pairs are not exchangeable one by one (the pooled hypergeometric of
 * s2-methods.md section 6 assumes they are, which would let a respondent whose actions ignore its
 * values beat chance); whole actions are. With one value per unit this law is that hypergeometric.
 *
 * Units with the same held pattern are exchangeable, and so are actions with the same enacted
 * pattern, so the law is a sum over the group-by-class tables with fixed margins (a multivariate
 * hypergeometric per group, taken group after group), each table giving TP = sum of x_gc * |h_g & e_c|.
 */
import { logChoose } from './stats';

/** A unit's binarised labels, one per value. */
export interface BinaryUnit {
  held: readonly boolean[];
  enacts: readonly boolean[];
}

/** The law of TP: `p[t]` = P(TP = t). */
export interface OverlapLaw {
  p: number[];
  /** Exact expectation: sum over groups and classes of n_g c_c w_gc / N. */
  mean: number;
}

const key = (bits: readonly boolean[]): string => bits.map((b) => (b ? '1' : '0')).join('');

/** Work above which the caller should draw permutations instead (states times compositions). */
export const OVERLAP_WORK_LIMIT = 20_000_000;

/**
 * The exact law, or undefined when enumerating it would take more than `limit` steps (many action
 * classes and many units); the caller then draws permutations.
 */
export function overlapLaw(units: readonly BinaryUnit[], limit = OVERLAP_WORK_LIMIT): OverlapLaw | undefined {
  const n = units.length;
  const groups = new Map<string, { h: readonly boolean[]; n: number }>();
  const classes = new Map<string, { e: readonly boolean[]; c: number }>();
  for (const u of units) {
    const g = groups.get(key(u.held)) ?? { h: u.held, n: 0 };
    g.n++;
    groups.set(key(u.held), g);
    const c = classes.get(key(u.enacts)) ?? { e: u.enacts, c: 0 };
    c.c++;
    classes.set(key(u.enacts), c);
  }
  const gs = [...groups.values()];
  const cs = [...classes.values()];
  const w = gs.map((g) => cs.map((c) => g.h.reduce((s, h, k) => s + (h && c.e[k] ? 1 : 0), 0)));
  let mean = 0;
  gs.forEach((g, i) => cs.forEach((c, j) => (mean += (g.n * c.c * w[i]![j]!) / n)));
  // Size of the enumeration, bounded: remaining-count states (their sum is fixed, so one class is
  // determined) times TP values times the compositions of each group.
  let states = 1;
  for (const c of cs) states *= c.c + 1;
  states /= Math.max(...cs.map((c) => c.c + 1));
  const maxTp = units.reduce((s, u) => s + u.held.filter(Boolean).length, 0);
  let compositions = 0;
  for (const g of gs) compositions += logChoose(g.n + cs.length - 1, cs.length - 1) < 30 ? Math.exp(logChoose(g.n + cs.length - 1, cs.length - 1)) : Infinity;
  if (states * (maxTp + 1) * compositions > limit) return undefined;

  // state: remaining count per class -> (TP -> probability)
  let dp = new Map<string, { rem: number[]; tp: Map<number, number> }>();
  dp.set(cs.map((c) => c.c).join(','), { rem: cs.map((c) => c.c), tp: new Map([[0, 1]]) });
  let left = n;
  gs.forEach((g, gi) => {
    const next = new Map<string, { rem: number[]; tp: Map<number, number> }>();
    const logAll = logChoose(left, g.n);
    for (const { rem, tp } of dp.values()) {
      // Every way to take g.n actions from the remaining ones, class counts x (multivariate hypergeometric).
      const x = new Array<number>(cs.length).fill(0);
      const visit = (j: number, need: number, logWays: number, gain: number): void => {
        if (j === cs.length - 1) {
          if (need > rem[j]!) return;
          x[j] = need;
          const prob = Math.exp(logWays + logChoose(rem[j]!, need) - logAll);
          const nextRem = rem.map((r, i) => r - x[i]!);
          const k = nextRem.join(',');
          const entry = next.get(k) ?? { rem: nextRem, tp: new Map<number, number>() };
          next.set(k, entry);
          const add = gain + need * w[gi]![j]!;
          for (const [t, p] of tp) entry.tp.set(t + add, (entry.tp.get(t + add) ?? 0) + p * prob);
          return;
        }
        for (let take = 0; take <= Math.min(need, rem[j]!); take++) {
          x[j] = take;
          visit(j + 1, need - take, logWays + logChoose(rem[j]!, take), gain + take * w[gi]![j]!);
        }
      };
      visit(0, g.n, 0, 0);
    }
    left -= g.n;
    dp = next;
  });
  const p = new Array<number>(maxTp + 1).fill(0);
  for (const { tp } of dp.values()) for (const [t, q] of tp) p[t]! += q;
  return { p, mean };
}

/** P(TP >= t) under the law. */
export function lawUpper(law: OverlapLaw, t: number): number {
  let s = 0;
  for (let i = Math.max(0, Math.ceil(t)); i < law.p.length; i++) s += law.p[i]!;
  return Math.min(1, s);
}

/** P(TP <= t) under the law. */
export function lawLower(law: OverlapLaw, t: number): number {
  let s = 0;
  for (let i = 0; i <= Math.min(law.p.length - 1, Math.floor(t)); i++) s += law.p[i]!;
  return Math.min(1, s);
}
