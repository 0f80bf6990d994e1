/**
 * The revealed value hierarchy over a folder of scenarios: every scenario's decisions (and principle
 * answers) pooled per model by value name, one Bradley-Terry fit across them, checked against every
 * declared `rank` order of the scenarios pair by pair, and against the pooled stated order.
 */
import type { ScenarioAnalysis } from './analyzeRun';
import { bradleyTerry, type BtResult, type Comparison, type FirthNoIntercept } from './bradleyTerry';
import { kendallTau } from './kendall';
import { tieLevel, type PairTally, type TauComparison } from './hierarchy';

/** One declared "higher before lower" of some scenario's rank, and whether the pooled revealed order keeps it. */
export interface DeclaredPair {
  higher: string;
  lower: string;
  /** Scenarios whose first rank rule declares it. */
  scenarios: string[];
  /** Revealed strength of lower above higher. Null when either has no revealed strength. */
  inverted: boolean | null;
}

/** The folder-wide hierarchy of one model. */
export interface FolderHierarchy {
  model: string;
  scenarios: string[];
  revealedPairs: PairTally[];
  revealed: BtResult;
  stated?: { pairs: PairTally[]; fit: BtResult };
  tauStated?: TauComparison;
  declaredPairs: DeclaredPair[];
}

const expand = (pairs: readonly PairTally[]): Comparison[] => pairs.flatMap((p) => Array.from({ length: p.count }, () => ({ winner: p.winner, loser: p.loser })));

/** Pools the per-scenario hierarchy panels of each model; one entry per model that appears in any scenario. */
export function folderHierarchy(analyses: readonly ScenarioAnalysis[], firth?: FirthNoIntercept): FolderHierarchy[] {
  const models = [...new Set(analyses.flatMap((a) => a.models))];
  return models.map((model): FolderHierarchy => {
    const panels = analyses.flatMap((a) => a.perModel.filter((m) => m.model === model).map((m) => ({ scenario: a.scenario.id, h: m.hierarchy })));
    const values: string[] = [];
    const note = (v: string): void => {
      if (!values.includes(v)) values.push(v);
    };
    // Declared values first (so the first scenario's top-ranked value is the reference), then any other compared value.
    for (const { h } of panels) for (const v of h.declared?.order ?? []) note(v);
    for (const { h } of panels) for (const p of h.revealedPairs) [p.winner, p.loser].forEach(note);
    const revealedPairs = mergeTallies(panels.flatMap(({ h }) => h.revealedPairs));
    const revealed = bradleyTerry(values, expand(revealedPairs), firth);
    const strength = new Map(revealed.ok ? revealed.strengths.map((s) => [s.value, s.strength] as const) : []);
    const out: FolderHierarchy = { model, scenarios: panels.map((p) => p.scenario), revealedPairs, revealed, declaredPairs: [] };
    const declared = new Map<string, DeclaredPair>();
    for (const { scenario, h } of panels) {
      const order = h.declared?.order ?? [];
      for (let i = 0; i < order.length; i++) {
        for (let j = i + 1; j < order.length; j++) {
          const key = `${order[i]}\u0000${order[j]}`;
          const d = declared.get(key) ?? { higher: order[i]!, lower: order[j]!, scenarios: [], inverted: null };
          if (!d.scenarios.includes(scenario)) d.scenarios.push(scenario);
          const sh = strength.get(d.higher);
          const sl = strength.get(d.lower);
          d.inverted = sh === undefined || sl === undefined ? null : sl > sh;
          declared.set(key, d);
        }
      }
    }
    out.declaredPairs = [...declared.values()];
    const statedPanels = panels.filter(({ h }) => h.stated);
    if (statedPanels.length) {
      const pairs = mergeTallies(statedPanels.flatMap(({ h }) => h.stated!.pairs));
      const fit = bradleyTerry(values, expand(pairs), firth);
      out.stated = { pairs, fit };
      if (fit.ok && revealed.ok) {
        const stated = new Map(fit.strengths.map((s) => [s.value, s.strength] as const));
        const shared = fit.order.filter((v) => strength.has(v));
        if (shared.length >= 2) out.tauStated = { ...kendallTau(shared.map((v) => tieLevel(stated.get(v)!)), shared.map((v) => tieLevel(strength.get(v)!))), values: shared };
      }
    }
    return out;
  });
}

function mergeTallies(list: readonly PairTally[]): PairTally[] {
  const m = new Map<string, PairTally>();
  for (const p of list) {
    const k = `${p.winner}\u0000${p.loser}`;
    const t = m.get(k) ?? { winner: p.winner, loser: p.loser, count: 0 };
    t.count += p.count;
    m.set(k, t);
  }
  return [...m.values()];
}
