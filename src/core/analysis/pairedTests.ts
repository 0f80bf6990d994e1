/**
 * Tests for paired categorical outcomes (the same persona and sample index answered in two runs):
 * the exact McNemar test for two outcomes and its K-outcome generalisation, the exact Bowker test of
 * symmetry. Definitions and R-checked numbers: shared/research/s2-methods.md section 3 and
 * docs/compare.md.
 *
 * Why Bowker for more than two choices: under "nothing changed" the two answers of a pair are
 * exchangeable, which is exactly the symmetry of the K x K table (n_ij and n_ji equally likely). Given
 * the discordant totals m_ij = n_ij + n_ji, each n_ij is Binomial(m_ij, 1/2), independently, so the
 * exact null distribution of Bowker's statistic is a product of binomials that can be enumerated. With
 * two outcomes it is McNemar's test, exactly (the same p as `binom.test(b, b + c)`). Stuart-Maxwell
 * (marginal homogeneity) has no such exact conditional form, and collapsing to the modal choice throws
 * away the moves between the other choices.
 */
import { randomInt, seededRandom } from '../random';
import { logChoose } from './stats';

/** A paired test's result. `p` is NaN when there is nothing to test (`method: 'none'`). */
export interface PairedTest {
  method: 'exact' | 'monte-carlo' | 'none';
  /** Bowker's statistic sum over i<j of (n_ij - n_ji)^2 / (n_ij + n_ji) (McNemar's uncorrected chi-square for 2 x 2). */
  statistic: number;
  /** Pairs of outcomes with at least one discordant pair. */
  df: number;
  p: number;
  /** Pairs whose two answers differ. */
  discordant: number;
  draws?: number;
  seed?: number;
  reason?: string;
}

/** Options of `exactBowker`. */
export interface PairedTestOptions {
  /** Most distinct values of the statistic kept while enumerating before switching to Monte Carlo. */
  maxStates?: number;
  /** Monte Carlo draws when the enumeration is too large (default 100,000). */
  draws?: number;
  seed?: number;
}

/** As R's fisher.test: a table counts as "at least as extreme" within this relative tolerance. */
const REL_TOL = 1e-7;

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(k: number, n: number): number {
  let s = 0;
  for (let i = 0; i <= k; i++) s += Math.exp(logChoose(n, i) - n * Math.LN2);
  return s;
}

/**
 * Exact McNemar p-value from the discordant counts b and c: min(1, 2 P(X <= min(b, c))) with
 * X ~ Binomial(b + c, 1/2), which is R's `binom.test(b, b + c)$p.value`. 1 when there is no discordant pair.
 */
export function exactMcNemar(b: number, c: number): number {
  const m = b + c;
  if (m === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), m));
}

/**
 * The exact Bowker test of symmetry of a square table (rows: the baseline's outcome, columns: the
 * candidate's). The statistic's exact null distribution given the discordant totals is enumerated as
 * a convolution over outcome pairs; if that grows past `maxStates` distinct values, a seeded Monte
 * Carlo of the same null (independent binomials) estimates p as (1 + hits) / (1 + draws).
 */
export function exactBowker(table: readonly (readonly number[])[], options: PairedTestOptions = {}): PairedTest {
  const k = table.length;
  for (const row of table) if (row.length !== k) throw new Error('exactBowker: the table is not square');
  const totals: number[] = [];
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const m = table[i]![j]! + table[j]![i]!;
      if (m === 0) continue;
      totals.push(m);
      statistic += (table[i]![j]! - table[j]![i]!) ** 2 / m;
    }
  }
  const discordant = totals.reduce((a, m) => a + m, 0);
  if (totals.length === 0) return { method: 'none', statistic: 0, df: 0, p: NaN, discordant: 0, reason: 'no pair answered differently in the two runs' };
  const threshold = statistic * (1 - REL_TOL) - 1e-12;
  if (totals.length === 1) {
    // One discordant cell pair: McNemar on it (the same number the enumeration gives, computed directly).
    const i = firstDiscordant(table);
    return { method: 'exact', statistic, df: 1, p: exactMcNemar(table[i.r]![i.c]!, table[i.c]![i.r]!), discordant };
  }
  const maxStates = options.maxStates ?? 200_000;
  let dist = new Map<number, number>([[0, 1]]);
  let fits = true;
  for (const m of totals) {
    const contribution = new Map<number, number>();
    for (let x = 0; x <= m; x++) {
      const v = (2 * x - m) ** 2 / m;
      contribution.set(v, (contribution.get(v) ?? 0) + Math.exp(logChoose(m, x) - m * Math.LN2));
    }
    const next = new Map<number, number>();
    for (const [s, ps] of dist) {
      for (const [v, pv] of contribution) {
        // Keys rounded so that equal sums reached in different orders merge.
        const key = Math.round((s + v) * 1e9) / 1e9;
        next.set(key, (next.get(key) ?? 0) + ps * pv);
      }
    }
    dist = next;
    if (dist.size > maxStates) {
      fits = false;
      break;
    }
  }
  if (fits) {
    let p = 0;
    for (const [s, ps] of dist) if (s >= threshold) p += ps;
    return { method: 'exact', statistic, df: totals.length, p: Math.min(1, p), discordant };
  }
  const draws = options.draws ?? 100_000;
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  let hits = 0;
  for (let d = 0; d < draws; d++) {
    let s = 0;
    for (const m of totals) {
      let x = 0;
      for (let t = 0; t < m; t++) x += randomInt(random, 2);
      s += (2 * x - m) ** 2 / m;
    }
    if (s >= threshold) hits++;
  }
  return { method: 'monte-carlo', statistic, df: totals.length, p: (1 + hits) / (1 + draws), discordant, draws, seed };
}

function firstDiscordant(table: readonly (readonly number[])[]): { r: number; c: number } {
  for (let i = 0; i < table.length; i++) for (let j = i + 1; j < table.length; j++) if (table[i]![j]! + table[j]![i]! > 0) return { r: i, c: j };
  throw new Error('no discordant cell');
}
