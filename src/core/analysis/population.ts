/**
 * The population-level comparison of a stateless run (method.md Revision 2): with `session:
 * stateless` each question, the action included, is asked in a conversation that never saw the
 * other answers, so a sample's stated scores and its action belong to different conversations and
 * pairing them describes nothing. Per variant, the variant's mean stated scores stand against its
 * action distribution instead: the arbiter applied to the mean scores (held: mean normalised score
 * above 0.5) gives the action the stated values imply for the population, and `matching` is the share
 * of readable actions that take it.
 */
import type { Scenario } from '../scenario/model';
import { arbitrate, effectiveVars } from './arbiter';
import type { SampleAnalysis } from './divergence';
import type { ValueScore } from './scores';
import { rate, type OutcomeCount, type Rate, type VariantStats } from './variantStats';

export const STATELESS_NOTE =
  'The sessions are stateless: the action was asked in a conversation that never saw the questionnaire answers, '
  + 'so no per-sample divergence, path model, VAAR or latent model is computed from pairing them; '
  + "each variant's mean stated scores are compared with its action distribution instead.";

export interface PopulationValue {
  value: string;
  /** Samples with a score for the value. */
  n: number;
  /** Mean of the per-sample stated scores, on the value's scale, and normalised to 0..1. */
  mean: number | null;
  meanNormalised: number | null;
  /** The mean normalised score is above 0.5; null without a score. */
  held: boolean | null;
}

export interface PopulationVariant {
  variant: string;
  sessions: number;
  stated: PopulationValue[];
  /** Readable actions by outcome, as in the variant's statistics. */
  distribution: OutcomeCount[];
  actions: number;
  /** For a scale action: the mean answer over readable actions. */
  meanAction?: number | null;
  /**
   * The action the mean stated scores imply (a choice id, or `high` / `low`), by the arbiter with the
   * variant's vars. Undefined when undetermined, or when personas' vars imply different actions
   * (`impliedByPersona` then lists them).
   */
  implied?: string;
  by: 'when' | 'rank' | 'vote' | 'undetermined' | 'personas differ';
  reason: string;
  impliedByPersona?: { persona: number; implied?: string }[];
  /** Readable actions equal to the implied action of their persona among readable actions with one. */
  matching: Rate;
}

export interface PopulationComparison {
  note: string;
  variants: PopulationVariant[];
}

/** One model's population comparison over its variants' statistics and samples. */
export function populationComparison(scenario: Scenario, stats: readonly VariantStats[], samplesOf: (variant: string) => readonly SampleAnalysis[]): PopulationComparison {
  const variants = stats.map((st): PopulationVariant => {
    const samples = samplesOf(st.variant);
    const stated = st.values.map((v): PopulationValue => ({
      value: v.value, n: v.n, mean: v.mean, meanNormalised: v.meanNormalised,
      held: v.meanNormalised === null ? null : v.meanNormalised > 0.5,
    }));
    const scores = new Map<string, ValueScore | null>(stated.map((v) => [v.value, v.mean === null || v.meanNormalised === null ? null
      : { value: v.value, mean: v.mean, normalised: v.meanNormalised, n: v.n, items: 0, held: v.held === true }]));
    const variant = scenario.variants.find((x) => x.name === st.variant);
    const personas = [...new Set(samples.map((s) => s.persona))].sort((a, b) => a - b);
    const byPersona = new Map(personas.map((p) => [p, arbitrate(scenario, effectiveVars(scenario, variant, p), scores)] as const));
    const first = byPersona.get(personas[0] ?? 0) ?? arbitrate(scenario, effectiveVars(scenario, variant, 0), scores);
    const same = [...byPersona.values()].every((x) => x.action === first.action);
    let compared = 0;
    let matched = 0;
    for (const s of samples) {
      const implied = byPersona.get(s.persona)?.action;
      if (implied === undefined || s.action.status !== 'ok' || s.action.outcome === undefined) continue;
      compared++;
      if (s.action.outcome === implied) matched++;
    }
    const scores2 = samples.filter((s) => s.action.status === 'ok' && s.action.score !== undefined).map((s) => s.action.score!);
    return {
      variant: st.variant, sessions: st.sessions, stated, distribution: st.distribution, actions: st.actions,
      ...(scenario.action?.scale ? { meanAction: scores2.length ? scores2.reduce((a, b) => a + b, 0) / scores2.length : null } : {}),
      ...(same && first.action !== undefined ? { implied: first.action } : {}),
      by: same ? first.by : 'personas differ',
      reason: same ? first.reason : "the personas' vars lead the arbiter to different actions",
      ...(same ? {} : { impliedByPersona: personas.map((p) => ({ persona: p, ...(byPersona.get(p)!.action !== undefined ? { implied: byPersona.get(p)!.action } : {}) })) }),
      matching: rate(matched, compared),
    };
  });
  return { note: STATELESS_NOTE, variants };
}

const unpaired = new WeakMap<SampleAnalysis, SampleAnalysis>();

/**
 * A stateless sample as the analysis uses it: its stated scores and action kept, its divergence not
 * compared (null), as the two belong to different conversations. The same object for the same sample,
 * so memoised steps downstream still recognise it.
 */
export function unpairedSample(s: SampleAnalysis): SampleAnalysis {
  let u = unpaired.get(s);
  if (!u) unpaired.set(s, (u = { ...s, divergent: null }));
  return u;
}
