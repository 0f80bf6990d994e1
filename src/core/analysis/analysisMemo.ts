/**
 * Results of the pure steps of `analyzeRun` kept between analyses of one scenario text, so that a
 * re-analysis with a few more sessions redoes only what those sessions change: the editor re-analyses
 * a running scenario every few hundred milliseconds over every session so far.
 */
import type { SessionRecord } from '../run/record';
import type { Scenario, Variant } from '../scenario/model';
import { analyzeSample, type SampleAnalysis } from './divergence';
import { flipTest, type FlipOptions, type FlipResult } from './flip';
import { wordDiff, type TextDiff } from './textDiff';
import { variantStats, type VariantStats } from './variantStats';

/**
 * Memoised steps, valid for one scenario (the same parsed text) only: the caller drops it when the
 * text changes. Entries are keyed by their inputs' identity (session records, sample analyses), which
 * stay the same objects from one re-analysis to the next.
 */
export interface AnalysisMemo {
  readonly samples: WeakMap<SessionRecord, SampleAnalysis>;
  readonly diffs: Map<string, TextDiff>;
  readonly stats: Map<string, { inputs: readonly SampleAnalysis[]; stats: VariantStats }>;
  readonly flips: Map<string, { base: readonly SampleAnalysis[]; inputs: readonly SampleAnalysis[]; flip: FlipResult }>;
}

/** An empty memo. */
export function createAnalysisMemo(): AnalysisMemo {
  return { samples: new WeakMap(), diffs: new Map(), stats: new Map(), flips: new Map() };
}

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** `analyzeSample`, once per session record. */
export function memoSample(memo: AnalysisMemo | undefined, scenario: Scenario, variant: Variant | undefined, session: SessionRecord): SampleAnalysis {
  if (!memo) return analyzeSample(scenario, variant, session);
  let s = memo.samples.get(session);
  if (!s) memo.samples.set(session, (s = analyzeSample(scenario, variant, session)));
  return s;
}

/** `wordDiff`, once per pair of texts. */
export function memoWordDiff(memo: AnalysisMemo | undefined, baseline: string, variant: string): TextDiff {
  if (!memo) return wordDiff(baseline, variant);
  const key = `${baseline}\u0000${variant}`;
  let d = memo.diffs.get(key);
  if (!d) memo.diffs.set(key, (d = wordDiff(baseline, variant)));
  return d;
}

/** `variantStats`, recomputed only when the variant's samples changed. */
export function memoVariantStats(memo: AnalysisMemo | undefined, scenario: Scenario, model: string, variant: string, samples: readonly SampleAnalysis[]): VariantStats {
  if (!memo) return variantStats(scenario, model, variant, samples);
  const key = `${model}\u0000${variant}`;
  const hit = memo.stats.get(key);
  if (hit && sameItems(hit.inputs, samples)) return hit.stats;
  const stats = variantStats(scenario, model, variant, samples);
  memo.stats.set(key, { inputs: [...samples], stats });
  return stats;
}

/** `flipTest`, recomputed only when the baseline's or the variant's samples (or the options) changed. */
export function memoFlipTest(memo: AnalysisMemo | undefined, scenario: Scenario, model: string, baseline: string, variant: string,
  baselineSamples: readonly SampleAnalysis[], variantSamples: readonly SampleAnalysis[], options: FlipOptions): FlipResult {
  if (!memo) return flipTest(scenario, model, baseline, variant, baselineSamples, variantSamples, options);
  const key = [model, baseline, variant, options.alpha, options.permutations, options.seed, options.maxTables].join('\u0000');
  const hit = memo.flips.get(key);
  if (hit && sameItems(hit.base, baselineSamples) && sameItems(hit.inputs, variantSamples)) return hit.flip;
  const flip = flipTest(scenario, model, baseline, variant, baselineSamples, variantSamples, options);
  memo.flips.set(key, { base: [...baselineSamples], inputs: [...variantSamples], flip });
  return flip;
}
