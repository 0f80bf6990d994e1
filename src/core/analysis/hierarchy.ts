/**
 * Declared against revealed value hierarchy (method.md Revision 2, issue 13 section 2).
 *
 * - Revealed: every decision in which two values pull to different outcomes (their `expect` targets
 *   differ) shows which of them won: the one whose target the action took. Bradley-Terry strengths
 *   per value from those wins (`bradleyTerry.ts`, Firth when separated).
 * - Stated: the `principle` answers ("which should usually come first?") are pairwise wins too; the
 *   same model fitted to them gives the stated order.
 * - Declared: the first `rank` rule of the scenario.
 * - Kendall's tau_b of the revealed strengths against the declared order and against the stated
 *   strengths; and the KL divergence between the action distribution the principle answers imply and
 *   the actions taken in context, as arXiv 2506.00751 compares stated and revealed choices.
 */
import { randomInt, seededRandom } from '../random';
import type { PrincipleAnswer, SessionRecord } from '../run/record';
import type { Scenario, Span } from '../scenario/model';
import { expectedAction } from './arbiter';
import { bradleyTerry, type BtResult, type Comparison, type FirthNoIntercept } from './bradleyTerry';
import type { SampleAnalysis } from './divergence';
import { kendallTau, type KendallTau } from './kendall';
import { exactMcNemar } from './pairedTests';

/** How often `winner` beat `loser`. */
export interface PairTally {
  winner: string;
  loser: string;
  count: number;
}

/** tau_b between two orders of the same values. */
export interface TauComparison extends KendallTau {
  /** The values both orders place, in declared (or stated) order. */
  values: string[];
}

/** A declared rank entry the revealed order puts below a value declared after it. */
export interface RankInversion {
  /** Index of the rank rule in `arbitration`. */
  rule: number;
  /** Declared above, revealed below. */
  higher: string;
  lower: string;
  higherRange: Span;
  lowerRange: Span;
  higherStrength: number;
  lowerStrength: number;
  /** Head to head, in decisions where the two pulled apart: wins of each, and the exact two-sided binomial p against 1/2. */
  lowerWins: number;
  higherWins: number;
  p: number | null;
}

/** KL divergence between the principle framing's implied actions and the actions in context. */
export interface PrincipleKl {
  /** The outcomes compared: choice ids, or high / low / mid for a scale action. */
  outcomes: string[];
  /** Principle answers per outcome (each answer counts for the action its value's `expect` names). */
  principle: number[];
  /** Readable actions per outcome, of the same sessions. */
  context: number[];
  /** D_KL(P_context || P_principle) in nats, both distributions with 1/2 added to every count. */
  kl: number;
  /** Probability of a divergence at least this large when both sets are draws from one distribution (labels permuted). */
  chance: { p: number; draws: number };
}

/** The hierarchy panel of one model. */
export interface HierarchyPanel {
  model: string;
  /** Decisions with a readable action in which at least two values pulled apart. */
  decisions: number;
  revealedPairs: PairTally[];
  revealed: BtResult;
  /** Absent when the scenario has no `principle` block. */
  stated?: { asked: number; read: number; pairs: PairTally[]; fit: BtResult };
  /** The first `rank` rule: its index and its values, highest priority first. */
  declared?: { rule: number; order: string[] };
  tauDeclared?: TauComparison;
  tauStated?: TauComparison;
  kl?: PrincipleKl;
  inversions: RankInversion[];
}

/** Which value won each decision where two values pulled to different outcomes (in file order of the pair). */
export function revealedComparisons(scenario: Scenario, samples: readonly SampleAnalysis[]): Comparison[] {
  const targets = scenario.values.map((v) => ({ value: v.name, target: expectedAction(scenario, v.name) })).filter((t) => t.target !== undefined);
  const out: Comparison[] = [];
  for (const s of samples) {
    const outcome = s.action.status === 'ok' ? s.action.outcome : undefined;
    if (outcome === undefined) continue;
    for (let i = 0; i < targets.length; i++) {
      for (let j = i + 1; j < targets.length; j++) {
        const [x, y] = [targets[i]!, targets[j]!];
        if (x.target === y.target) continue;
        if (outcome === x.target) out.push({ winner: x.value, loser: y.value });
        else if (outcome === y.target) out.push({ winner: y.value, loser: x.value });
      }
    }
  }
  return out;
}

/** The principle answers as wins: the value named as the one that should come first beat the other. */
export function statedComparisons(answers: readonly PrincipleAnswer[]): Comparison[] {
  return answers.filter((a) => a.status === 'ok' && (a.choice === a.a || a.choice === a.b))
    .map((a) => ({ winner: a.choice!, loser: a.choice === a.a ? a.b : a.a }));
}

export function tally(comparisons: readonly Comparison[]): PairTally[] {
  const counts = new Map<string, PairTally>();
  for (const c of comparisons) {
    const k = `${c.winner}\u0000${c.loser}`;
    const t = counts.get(k) ?? { winner: c.winner, loser: c.loser, count: 0 };
    t.count++;
    counts.set(k, t);
  }
  return [...counts.values()];
}

/**
 * A strength as Kendall's tau compares it: rounded to 1e-9, so that strengths equal up to the fit's
 * precision (two values with the same record against the same rivals) are the tie they are.
 */
export function tieLevel(strength: number): number {
  return Math.round(strength * 1e9) / 1e9;
}

function tauAgainst(reference: readonly string[], referenceScore: (v: string) => number, strengths: Map<string, number>): TauComparison | undefined {
  const values = reference.filter((v) => strengths.has(v));
  if (values.length < 2) return undefined;
  return { ...kendallTau(values.map((v) => tieLevel(referenceScore(v))), values.map((v) => tieLevel(strengths.get(v)!))), values };
}

/** KL divergence with its permutation baseline; undefined without readable principle answers or actions. */
export function principleKl(scenario: Scenario, answers: readonly PrincipleAnswer[], samples: readonly SampleAnalysis[], seed: number, draws = 2000): PrincipleKl | undefined {
  const outcomes = scenario.action?.scale ? ['high', 'low', 'mid'] : (scenario.action?.choices ?? []).map((c) => c.id);
  const implied = statedComparisons(answers).map((c) => expectedAction(scenario, c.winner)).filter((o): o is string => o !== undefined && outcomes.includes(o));
  const taken = samples.map((s) => (s.action.status === 'ok' ? s.action.outcome : undefined)).filter((o): o is string => o !== undefined && outcomes.includes(o));
  if (implied.length === 0 || taken.length === 0) return undefined;
  const index = new Map(outcomes.map((o, i) => [o, i] as const));
  const count = (labels: readonly number[], from: number, to: number): number[] => {
    const c = new Array<number>(outcomes.length).fill(0);
    for (let i = from; i < to; i++) c[labels[i]!]!++;
    return c;
  };
  const kl = (ctx: readonly number[], pr: readonly number[]): number => {
    const nc = ctx.reduce((a, b) => a + b, 0) + outcomes.length / 2;
    const np = pr.reduce((a, b) => a + b, 0) + outcomes.length / 2;
    let d = 0;
    for (let o = 0; o < outcomes.length; o++) {
      const pc = (ctx[o]! + 0.5) / nc;
      const pp = (pr[o]! + 0.5) / np;
      d += pc * Math.log(pc / pp);
    }
    return d;
  };
  // Labels: context actions first, then principle-implied ones; a permutation reassigns them to the two groups.
  const labels = [...taken, ...implied].map((o) => index.get(o)!);
  const nc = taken.length;
  const observed = kl(count(labels, 0, nc), count(labels, nc, labels.length));
  const random = seededRandom(seed);
  const pool = [...labels];
  let hits = 0;
  for (let d = 0; d < draws; d++) {
    for (let i = pool.length - 1; i > 0; i--) {
      const j = randomInt(random, i + 1);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    if (kl(count(pool, 0, nc), count(pool, nc, pool.length)) >= observed - 1e-12 * Math.max(1, observed)) hits++;
  }
  return { outcomes, principle: count(labels, nc, labels.length), context: count(labels, 0, nc), kl: observed, chance: { p: (1 + hits) / (1 + draws), draws } };
}

/** Options of `hierarchyPanel`. */
export interface HierarchyOptions {
  seed?: number;
  draws?: number;
  firth?: FirthNoIntercept;
}

/**
 * The hierarchy panel of one model: revealed strengths from its decisions, stated strengths from its
 * principle answers, the declared rank, tau_b between them, the principle-versus-context KL, and
 * every declared rank entry the revealed order inverts (with the head-to-head evidence).
 */
export function hierarchyPanel(scenario: Scenario, model: string, samples: readonly SampleAnalysis[], sessions: readonly SessionRecord[], options: HierarchyOptions = {}): HierarchyPanel {
  const values = scenario.values.map((v) => v.name);
  const revealedList = revealedComparisons(scenario, samples);
  const revealed = bradleyTerry(values, revealedList, options.firth);
  const decisions = samples.filter((s) => s.action.status === 'ok' && s.action.outcome !== undefined).length;
  const panel: HierarchyPanel = { model, decisions, revealedPairs: tally(revealedList), revealed, inversions: [] };
  const strengths = new Map(revealed.ok ? revealed.strengths.map((s) => [s.value, s.strength] as const) : []);
  const rankIndex = scenario.arbitration.findIndex((r) => r.kind === 'rank');
  const rank = rankIndex >= 0 ? scenario.arbitration[rankIndex] : undefined;
  if (rank && rank.kind === 'rank') {
    const order = rank.rank.map((r) => r.value);
    panel.declared = { rule: rankIndex, order };
    const tau = tauAgainst(order, (v) => -order.indexOf(v), strengths);
    if (tau) panel.tauDeclared = tau;
    for (let i = 0; i < rank.rank.length; i++) {
      for (let j = i + 1; j < rank.rank.length; j++) {
        const [h, l] = [rank.rank[i]!, rank.rank[j]!];
        const sh = strengths.get(h.value);
        const sl = strengths.get(l.value);
        if (sh === undefined || sl === undefined || !(sl > sh)) continue;
        const lowerWins = revealedList.filter((c) => c.winner === l.value && c.loser === h.value).length;
        const higherWins = revealedList.filter((c) => c.winner === h.value && c.loser === l.value).length;
        panel.inversions.push({
          rule: rankIndex, higher: h.value, lower: l.value, higherRange: h.range, lowerRange: l.range, higherStrength: sh, lowerStrength: sl,
          lowerWins, higherWins, p: lowerWins + higherWins > 0 ? exactMcNemar(lowerWins, higherWins) : null,
        });
      }
    }
  }
  if (scenario.principle) {
    const answers = sessions.flatMap((s) => s.principle ?? []);
    const statedList = statedComparisons(answers);
    const fit = bradleyTerry(values, statedList, options.firth);
    panel.stated = { asked: answers.length, read: statedList.length, pairs: tally(statedList), fit };
    if (fit.ok) {
      const stated = new Map(fit.strengths.map((s) => [s.value, s.strength] as const));
      const tau = tauAgainst(fit.order, (v) => stated.get(v)!, strengths);
      if (tau) panel.tauStated = tau;
    }
    const kl = principleKl(scenario, answers, samples, options.seed ?? 1, options.draws);
    if (kl) panel.kl = kl;
  }
  return panel;
}
