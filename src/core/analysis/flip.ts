import type { Scenario } from '../scenario/model';
import type { SampleAnalysis } from './divergence';
import { twoByKTest, type TableTest } from './stats';
import { outcomeKey, outcomeOrder } from './variantStats';

/** The flip test of one variant's action distribution against the baseline's, for one model. */
export interface FlipResult {
  model: string;
  variant: string;
  baseline: string;
  /** Outcome columns of the 2 x K table, with the baseline's and the variant's counts. */
  outcomes: string[];
  baselineCounts: number[];
  variantCounts: number[];
  /** Readable actions behind each row. */
  nBaseline: number;
  nVariant: number;
  test: TableTest;
  /** p below alpha: the wording changed the decision. False when there is no test. */
  flipped: boolean;
  /** The modal action differs from the baseline's. */
  modalChanged: boolean;
  alpha: number;
}

/** Options of `flipTest`. */
export interface FlipOptions {
  alpha?: number;
  seed?: number;
  permutations?: number;
  maxTables?: number;
}

const modalOf = (outcomes: string[], counts: number[]): string | undefined => {
  let best = -1;
  let at: string | undefined;
  counts.forEach((c, i) => {
    if (c > best && c > 0) {
      best = c;
      at = outcomes[i];
    }
  });
  return at;
};

/**
 * Does the variant's wording change the decision? Compares the distribution of readable actions of a
 * variant with the baseline's (first variant) for one model: the Freeman-Halton exact test when the
 * tables are few enough to enumerate, else a seeded permutation test with the same statistic.
 */
export function flipTest(scenario: Scenario, model: string, baseline: string, variant: string,
  baselineSamples: readonly SampleAnalysis[], variantSamples: readonly SampleAnalysis[], options: FlipOptions = {}): FlipResult {
  const alpha = options.alpha ?? 0.05;
  const count = (samples: readonly SampleAnalysis[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const s of samples) {
      const k = outcomeKey(s);
      if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const b = count(baselineSamples);
  const v = count(variantSamples);
  const outcomes = outcomeOrder(scenario, [...b.keys(), ...v.keys()]);
  const baselineCounts = outcomes.map((o) => b.get(o) ?? 0);
  const variantCounts = outcomes.map((o) => v.get(o) ?? 0);
  const test = twoByKTest(baselineCounts, variantCounts, { seed: options.seed, permutations: options.permutations, maxTables: options.maxTables });
  const mb = modalOf(outcomes, baselineCounts);
  const mv = modalOf(outcomes, variantCounts);
  return {
    model, variant, baseline, outcomes, baselineCounts, variantCounts,
    nBaseline: baselineCounts.reduce((a, c) => a + c, 0), nVariant: variantCounts.reduce((a, c) => a + c, 0),
    test, flipped: test.method !== 'none' && test.p < alpha,
    modalChanged: mb !== undefined && mv !== undefined && mb !== mv, alpha,
  };
}
