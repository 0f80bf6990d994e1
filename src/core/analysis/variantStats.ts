import type { Scenario } from '../scenario/model';
import type { SampleAnalysis } from './divergence';
import { mean, sampleSd, wilsonInterval, type Interval } from './stats';

/** A share with the counts behind it. `rate` is null when `n` is 0. */
export interface Rate {
  count: number;
  n: number;
  rate: number | null;
}

/** A share with its 95% Wilson interval. */
export interface RateWithInterval extends Rate {
  ci: Interval | null;
}

/** One outcome of the action within a variant. */
export interface OutcomeCount {
  /** Choice id, or the scale answer as text. */
  outcome: string;
  count: number;
  share: number;
}

/** Mean stated score of one value over a variant's samples. */
export interface ValueSummary {
  value: string;
  /** Samples with a score for the value. */
  n: number;
  mean: number | null;
  /** Sample SD (n - 1); null below two scores. */
  sd: number | null;
  meanNormalised: number | null;
  /** Samples in which the value was held. */
  held: number;
}

/** The per-variant figures of one model. */
export interface VariantStats {
  model: string;
  variant: string;
  /** Sessions recorded, and how many ended failed. */
  sessions: number;
  failedSessions: number;
  /** Readable actions by outcome, in choice order (or ascending score). */
  distribution: OutcomeCount[];
  /** Readable actions. */
  actions: number;
  modal?: string;
  /** Share of the modal action among readable actions. */
  consistency: Rate;
  values: ValueSummary[];
  /** Unparsed answers (items and action) among answers received. */
  parseFailures: Rate;
  refusals: Rate;
  /** Divergent samples among determined ones (implied action known, action readable), with a 95% Wilson interval. */
  divergence: RateWithInterval;
  /** Samples whose implied action was undetermined. */
  undetermined: number;
}

/** A rate, null when there is nothing to divide by. */
export function rate(count: number, n: number): Rate {
  return { count, n, rate: n > 0 ? count / n : null };
}

/**
 * The outcome of a sample as it is counted in a distribution: choice id, or the score as text. A scale
 * action with several `items` scores their mean, which is counted at the nearest scale point (halves
 * up), so the distribution has the scale's points, not every possible mean.
 */
export function outcomeKey(s: SampleAnalysis): string | undefined {
  if (s.action.status !== 'ok') return undefined;
  return s.action.choice ?? (s.action.score !== undefined ? String(Math.round(s.action.score)) : undefined);
}

/** The order of outcomes: the scenario's choices, or ascending scale answers; unknown ids last. */
export function outcomeOrder(scenario: Scenario, keys: Iterable<string>): string[] {
  const choices = scenario.action?.choices?.map((c) => c.id) ?? [];
  const seen = [...new Set(keys)];
  if (scenario.action?.scale) return seen.sort((a, b) => Number(a) - Number(b));
  return [...choices.filter((c) => seen.includes(c)), ...seen.filter((k) => !choices.includes(k)).sort()];
}

/**
 * Figures of one model x variant over all its samples and personas. Ties for the modal action go to
 * the first outcome in choice order (or the lowest score).
 */
export function variantStats(scenario: Scenario, model: string, variant: string, samples: readonly SampleAnalysis[]): VariantStats {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const k = outcomeKey(s);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const actions = [...counts.values()].reduce((a, b) => a + b, 0);
  const distribution = outcomeOrder(scenario, counts.keys()).map((outcome) => ({ outcome, count: counts.get(outcome)!, share: counts.get(outcome)! / actions }));
  let modal: OutcomeCount | undefined;
  for (const d of distribution) if (!modal || d.count > modal.count) modal = d;
  const values = scenario.values.map((v): ValueSummary => {
    const scores = samples.map((s) => s.scores[v.name]).filter((x): x is NonNullable<typeof x> => !!x);
    const means = scores.map((x) => x.mean);
    return {
      value: v.name, n: scores.length,
      mean: scores.length ? mean(means) : null,
      sd: scores.length >= 2 ? sampleSd(means) : null,
      meanNormalised: scores.length ? mean(scores.map((x) => x.normalised)) : null,
      held: scores.filter((x) => x.held).length,
    };
  });
  const answers = samples.reduce((a, s) => a + s.answers.total, 0);
  const determined = samples.filter((s) => s.divergent !== null);
  const divergent = determined.filter((s) => s.divergent === true).length;
  return {
    model, variant,
    sessions: samples.length,
    failedSessions: samples.filter((s) => s.status === 'failed').length,
    distribution, actions, modal: modal?.outcome,
    consistency: rate(modal?.count ?? 0, actions),
    values,
    parseFailures: rate(samples.reduce((a, s) => a + s.answers.unparsed, 0), answers),
    refusals: rate(samples.reduce((a, s) => a + s.answers.refused, 0), answers),
    divergence: { ...rate(divergent, determined.length), ci: wilsonInterval(divergent, determined.length) },
    undetermined: samples.filter((s) => s.implied.action === undefined).length,
  };
}
