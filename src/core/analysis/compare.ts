/**
 * Comparing a baseline run with a candidate run (method.md, Revision 2, "Comparing runs"; the
 * definitions and choices are in docs/compare.md). Per scenario, variant and model: the change in the
 * action distribution and in the divergence rate, each with a paired exact test where the samples pair
 * (same persona and sample index: McNemar, or Bowker's symmetry test for more than two choices) and
 * Fisher's exact test (Freeman-Halton for more than two outcomes) otherwise. Per scenario and model:
 * the change in VAAR, with a test of each value-to-action path's change. Every p-value of the whole
 * comparison is one Holm family. Pure: the caller reads and analyses the run logs.
 */
import type { RunLogInput, ScenarioAnalysis } from './analyzeRun';
import type { SampleAnalysis } from './divergence';
import { holmAdjust } from './holm';
import { exactBowker } from './pairedTests';
import type { PathModelResult } from './pathModel';
import { runInfo, type RunInfo } from './runInfo';
import { scenarioChanges, type ScenarioChange } from './scenarioChanges';
import { normalTwoSided, twoByKTest, wilsonInterval } from './stats';
import { isVaarValue, type VaarResult } from './vaar';
import { outcomeKey, outcomeOrder, rate, type OutcomeCount, type RateWithInterval } from './variantStats';
import type { Scenario } from '../scenario/model';

/** Version of the comparison JSON (docs/report-schema.md, "The comparison JSON"). */
export const COMPARISON_SCHEMA_VERSION = 1;

/** The scenario text an analysis used, and where it came from. */
export interface ScenarioVersion {
  /** sha256 of the text. */
  hash: string;
  /** "the current file", "git 1a2b3c4", "--baseline-scenario old.yaml", ... */
  source: string;
}

/** One side's analysis of one scenario. */
export interface ComparisonSideScenario {
  scenario: Scenario;
  analysis: ScenarioAnalysis;
  /** The run logs behind the analysis (headers and sessions), zero-session runs included. */
  logs: readonly RunLogInput[];
  version: ScenarioVersion;
}

/** Options of `compareRuns`. */
export interface CompareOptions {
  /** Family-wise error rate of the Holm family (default 0.05). */
  alpha?: number;
  /** Seed of the Monte Carlo and permutation fallbacks (default 1). */
  seed?: number;
  /** Permutation draws for a Freeman-Halton test too large to enumerate (default 10,000). */
  permutations?: number;
}

export type Verdict = 'regression' | 'improvement' | 'changed' | 'unchanged' | 'not-compared';
/** Which way a difference goes: `neutral` for a change that has no better or worse (where the actions went). */
export type Direction = 'worse' | 'better' | 'neutral';
export type TestMethod = 'mcnemar-exact' | 'bowker-exact' | 'bowker-monte-carlo' | 'fisher-exact' | 'freeman-halton-exact'
  | 'freeman-halton-permutation' | 'wald-difference' | 'none';

/** One test of the family. `p` and `pAdjusted` are null when there was nothing to test (`method: 'none'`, with `reason`). */
export interface ComparisonTest {
  /** Unique within the comparison: `scenario / variant / model / metric` or `scenario / model / path value`. */
  id: string;
  metric: 'distribution' | 'divergence' | 'path';
  method: TestMethod;
  paired: boolean;
  /** Pairs (paired) or samples of both sides (unpaired) behind the test. */
  n: number;
  /** Pairs left out because one of the two answers could not be used (unreadable action, undetermined implied action). */
  leftOut?: number;
  statistic?: number;
  df?: number;
  /** Monte Carlo or permutation draws and their seed, when the test was not enumerated exactly. */
  draws?: number;
  seed?: number;
  p: number | null;
  /** Holm-adjusted over every test of the comparison. */
  pAdjusted: number | null;
  /** pAdjusted < alpha. */
  significant: boolean;
  direction: Direction;
  reason?: string;
}

/** One side of a variant x model cell. */
export interface CellSide {
  sessions: number;
  /** Sessions the runs' headers planned for this cell. */
  planned: number;
  partial: boolean;
  /** Readable actions. */
  actions: number;
  distribution: OutcomeCount[];
  modal?: string;
  divergence: RateWithInterval;
}

/** Whether the cell's samples were paired, and if not, why. */
export interface Pairing {
  paired: boolean;
  /** (persona, sample) places present on both sides. */
  common: number;
  reason?: string;
}

/** The comparison of one variant for one model. */
export interface VariantComparison {
  kind: 'variant';
  scenario: string;
  variant: string;
  model: string;
  baseline: CellSide;
  candidate: CellSide;
  pairing: Pairing;
  distribution: {
    outcomes: string[];
    baseline: number[];
    candidate: number[];
    /** Candidate share minus baseline share per outcome; null where a side has no readable action. */
    shareDelta: (number | null)[];
    /** null when compared; else why not. */
    notCompared: string | null;
    test: ComparisonTest | null;
  };
  divergence: {
    /** Candidate rate minus baseline rate. */
    delta: number | null;
    notCompared: string | null;
    test: ComparisonTest | null;
  };
  verdict: Verdict;
  /** Partial runs and similar labels a reader must see beside the numbers. */
  notes: string[];
}

/** VAAR of one form and source on both sides. */
export interface VaarDelta {
  form: string;
  source: string;
  baseline: number | null;
  candidate: number | null;
  delta: number | null;
  /** Why a side has no VAAR. */
  baselineFailure?: string;
  candidateFailure?: string;
}

/** One value-to-action path of the composite model on both sides. */
export interface PathComparison {
  value: string;
  expected: 1 | -1;
  baseline: { estimate: number; se: number; agrees: boolean };
  candidate: { estimate: number; se: number; agrees: boolean };
  delta: number;
  test: ComparisonTest;
}

/** One side of a model's figures over all its variants. */
export interface ModelSide {
  sessions: number;
  divergence: RateWithInterval;
  /** The composite path model's n, or why it was not fitted. */
  pathModel: { n: number; failure?: string };
}

/** The comparison of one model over all its variants: VAAR and its paths. */
export interface ModelComparison {
  kind: 'model';
  scenario: string;
  model: string;
  baseline: ModelSide;
  candidate: ModelSide;
  vaar: VaarDelta[];
  paths: PathComparison[];
  /** null when the paths were compared; else why not. */
  notCompared: string | null;
  verdict: Verdict;
  notes: string[];
}

export type ComparisonRow = VariantComparison | ModelComparison;

/** One side of a scenario: the runs and the scenario version its analysis used. */
export interface ScenarioSide {
  version: ScenarioVersion;
  /** The run headers' scenario hashes (distinct). */
  runHashes: string[];
  /** Every run's hash equals the version's: the analysis read the runs with the text they ran with. */
  exact: boolean;
  runs: RunInfo[];
}

/** A scenario of the comparison: its versions, what changed, and what is only on one side. */
export interface ScenarioComparison {
  scenario: string;
  title?: string;
  file?: string;
  status: 'compared' | 'only-baseline' | 'only-candidate';
  baseline: ScenarioSide | null;
  candidate: ScenarioSide | null;
  /** Both sides ran the same scenario text. */
  sameVersion: boolean;
  changes: ScenarioChange[];
  comparability: { divergence: string | null; vaar: string | null; pairing: string | null };
  onlyBaseline: { variants: string[]; models: string[] };
  onlyCandidate: { variants: string[]; models: string[] };
  notes: string[];
}

/** Counts over the rows and the family. */
export interface ComparisonSummary {
  rows: number;
  regressions: number;
  improvements: number;
  changed: number;
  unchanged: number;
  notCompared: number;
  /** Tests in the Holm family. */
  tests: number;
  /** No row could be compared (e.g. the candidate has no sessions). */
  nothingCompared: boolean;
  /** No significant regression. */
  ok: boolean;
}

/** The whole comparison. */
export interface RunComparison {
  alpha: number;
  correction: 'holm';
  seed: number;
  baseline: { runs: RunInfo[] };
  candidate: { runs: RunInfo[] };
  scenarios: ScenarioComparison[];
  /** Every variant and model row, sorted by regression (docs/compare.md, "Order"). */
  rows: ComparisonRow[];
  summary: ComparisonSummary;
  warnings: string[];
}

/** A seed per test so each Monte Carlo or permutation test has its own reproducible stream. */
function subSeed(seed: number, id: string): number {
  let h = seed >>> 0 || 1;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return h;
}

const placeKey = (s: SampleAnalysis): string => `${s.persona}|${s.sample}`;

/** The (persona, sample) places a side's runs planned for one variant and model. */
function plannedPlaces(logs: readonly RunLogInput[], variant: string, model: string): number {
  const places = new Set<string>();
  for (const l of logs) {
    const h = l.header;
    if (!h.models.includes(model) || !h.variants.includes(variant)) continue;
    const personas = Math.max(1, h.personas);
    for (let p = 0; p < personas; p++) for (let s = 0; s < h.samples; s++) places.add(`${p}|${s}`);
  }
  return places.size;
}

function cellSide(side: ComparisonSideScenario, variant: string, model: string, samples: readonly SampleAnalysis[]): CellSide {
  const stats = side.analysis.perVariant.find((v) => v.stats.variant === variant && v.stats.model === model)?.stats;
  const planned = Math.max(plannedPlaces(side.logs, variant, model), samples.length);
  const empty = { ...rate(0, 0), ci: wilsonInterval(0, 0) };
  return {
    sessions: samples.length, planned, partial: samples.length < planned,
    actions: stats?.actions ?? 0, distribution: stats?.distribution ?? [], ...(stats?.modal !== undefined ? { modal: stats.modal } : {}),
    divergence: stats?.divergence ?? empty,
  };
}

const noTest = (id: string, metric: ComparisonTest['metric'], paired: boolean, n: number, reason: string): ComparisonTest =>
  ({ id, metric, method: 'none', paired, n, p: null, pAdjusted: null, significant: false, direction: 'neutral', reason });

/** The paired test of a K x K table of (baseline outcome, candidate outcome) pairs. */
function pairedTest(id: string, metric: ComparisonTest['metric'], table: number[][], leftOut: number, direction: Direction, seed: number): ComparisonTest {
  const n = table.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
  if (n === 0) return noTest(id, metric, true, 0, 'no pair with both answers usable');
  const t = exactBowker(table, { seed });
  const used = table.length;
  if (t.method === 'none') return { ...noTest(id, metric, true, n, 'no pair answered differently in the two runs'), leftOut };
  const method: TestMethod = used <= 2 ? 'mcnemar-exact' : t.method === 'exact' ? 'bowker-exact' : 'bowker-monte-carlo';
  return {
    id, metric, method, paired: true, n, leftOut, statistic: t.statistic, df: t.df,
    ...(t.draws ? { draws: t.draws, seed: t.seed } : {}), p: t.p, pAdjusted: null, significant: false, direction,
  };
}

/** Fisher's exact test (Freeman-Halton for more than two outcomes) of two rows of counts. */
function unpairedTest(id: string, metric: ComparisonTest['metric'], base: number[], cand: number[], direction: Direction, seed: number, permutations: number): ComparisonTest {
  const n = [...base, ...cand].reduce((a, x) => a + x, 0);
  const t = twoByKTest(base, cand, { seed, permutations });
  if (t.method === 'none') return noTest(id, metric, false, n, t.reason ?? 'nothing to test');
  const outcomes = base.filter((x, j) => x + cand[j]! > 0).length;
  const method: TestMethod = t.method === 'permutation' ? 'freeman-halton-permutation' : outcomes <= 2 ? 'fisher-exact' : 'freeman-halton-exact';
  return { id, metric, method, paired: false, n, ...(t.permutations ? { draws: t.permutations, seed: t.seed } : {}), p: t.p, pAdjusted: null, significant: false, direction };
}

/**
 * Whether a cell's samples pair: the personas are the same on both sides and the two sides hold
 * exactly the same (persona, sample) places. Anything else (a partial run, a different sample count)
 * is compared unpaired, over every sample, rather than on a subset chosen by what happened to finish.
 */
function pairing(base: readonly SampleAnalysis[], cand: readonly SampleAnalysis[], reason: string | null): Pairing {
  const b = new Set(base.map(placeKey));
  const c = new Set(cand.map(placeKey));
  const common = [...b].filter((k) => c.has(k)).length;
  if (reason) return { paired: false, common, reason };
  if (common === 0) return { paired: false, common, reason: 'no sample has the same persona and sample index on both sides' };
  if (common !== b.size || common !== c.size) {
    return { paired: false, common, reason: `the two sides hold different samples (baseline ${b.size}, candidate ${c.size}, ${common} in common), so every sample is compared unpaired` };
  }
  return { paired: true, common };
}

function compareVariant(scenarioId: string, variant: string, model: string, base: ComparisonSideScenario, cand: ComparisonSideScenario,
  bSamples: readonly SampleAnalysis[], cSamples: readonly SampleAnalysis[], comparability: { divergence: string | null; pairing: string | null; distribution: string | null },
  options: Required<CompareOptions>): VariantComparison {
  const baseline = cellSide(base, variant, model, bSamples);
  const candidate = cellSide(cand, variant, model, cSamples);
  const notes: string[] = [];
  if (baseline.partial) notes.push(`baseline partial: ${baseline.sessions} of ${baseline.planned} planned sessions`);
  if (candidate.partial) notes.push(`candidate partial: ${candidate.sessions} of ${candidate.planned} planned sessions`);
  const pair = pairing(bSamples, cSamples, comparability.pairing);
  const idBase = `${scenarioId} / ${variant} / ${model}`;
  const missing = baseline.sessions === 0 ? 'no sessions in the baseline' : candidate.sessions === 0 ? 'no sessions in the candidate' : null;

  // Action distribution.
  const outcomes = outcomeOrder(cand.scenario, [...baseline.distribution, ...candidate.distribution].map((d) => d.outcome));
  const countOf = (side: CellSide) => outcomes.map((o) => side.distribution.find((d) => d.outcome === o)?.count ?? 0);
  const bCounts = countOf(baseline);
  const cCounts = countOf(candidate);
  const shareDelta = outcomes.map((_, j) => (baseline.actions && candidate.actions ? cCounts[j]! / candidate.actions - bCounts[j]! / baseline.actions : null));
  const distNot = missing ?? comparability.distribution ?? (baseline.actions === 0 ? 'no readable action in the baseline' : candidate.actions === 0 ? 'no readable action in the candidate' : null);
  let distTest: ComparisonTest | null = null;
  if (!distNot) {
    const id = `${idBase} / distribution`;
    if (pair.paired) {
      const index = new Map(outcomes.map((o, j) => [o, j] as const));
      const byPlace = new Map(cSamples.map((s) => [placeKey(s), s] as const));
      const table = outcomes.map(() => outcomes.map(() => 0));
      let leftOut = 0;
      for (const s of bSamples) {
        const a = outcomeKey(s);
        const o = byPlace.get(placeKey(s));
        const b = o ? outcomeKey(o) : undefined;
        if (a === undefined || b === undefined) leftOut++;
        else table[index.get(a)!]![index.get(b)!]! += 1;
      }
      distTest = pairedTest(id, 'distribution', table, leftOut, 'neutral', subSeed(options.seed, id));
    } else {
      distTest = unpairedTest(id, 'distribution', bCounts, cCounts, 'neutral', subSeed(options.seed, id), options.permutations);
    }
  }

  // Divergence: divergent vs agreeing among determined samples.
  const bd = baseline.divergence;
  const cd = candidate.divergence;
  const delta = bd.rate !== null && cd.rate !== null ? cd.rate - bd.rate : null;
  const direction: Direction = delta !== null && delta > 0 ? 'worse' : delta !== null && delta < 0 ? 'better' : 'neutral';
  const divNot = missing ?? comparability.divergence ?? (bd.n === 0 ? 'no sample of the baseline has a determined implied action and a readable action' : cd.n === 0 ? 'no sample of the candidate has a determined implied action and a readable action' : null);
  let divTest: ComparisonTest | null = null;
  if (!divNot) {
    const id = `${idBase} / divergence`;
    if (pair.paired) {
      const byPlace = new Map(cSamples.map((s) => [placeKey(s), s] as const));
      const table = [[0, 0], [0, 0]];
      let leftOut = 0;
      for (const s of bSamples) {
        const o = byPlace.get(placeKey(s));
        if (s.divergent === null || !o || o.divergent === null) leftOut++;
        else table[s.divergent ? 0 : 1]![o.divergent ? 0 : 1]! += 1;
      }
      // Within the pairs the direction is the sign of (agree -> diverge) minus (diverge -> agree).
      const pairedDirection: Direction = table[1]![0]! > table[0]![1]! ? 'worse' : table[1]![0]! < table[0]![1]! ? 'better' : 'neutral';
      divTest = pairedTest(id, 'divergence', table, leftOut, pairedDirection, subSeed(options.seed, id));
    } else {
      divTest = unpairedTest(id, 'divergence', [bd.count, bd.n - bd.count], [cd.count, cd.n - cd.count], direction, subSeed(options.seed, id), options.permutations);
    }
  }
  return {
    kind: 'variant', scenario: scenarioId, variant, model, baseline, candidate, pairing: pair,
    distribution: { outcomes, baseline: bCounts, candidate: cCounts, shareDelta, notCompared: distNot, test: distTest },
    divergence: { delta, notCompared: divNot, test: divTest },
    verdict: 'not-compared', notes,
  };
}

function vaarDeltas(b: ScenarioAnalysis['perModel'][number], c: ScenarioAnalysis['perModel'][number]): VaarDelta[] {
  // Every form the analysis produces (sign, strict, and any added later), composite then latent.
  const entries = (m: typeof b): [string, VaarResult][] => [
    ...Object.entries(m.vaar as Record<string, VaarResult>).map(([form, v]) => [`composite ${form}`, v] as [string, VaarResult]),
    ...m.latent.map((v) => [`latent ${v.form}`, v] as [string, VaarResult]),
  ];
  const cMap = new Map(entries(c));
  const out: VaarDelta[] = [];
  for (const [key, bv] of entries(b)) {
    const cv = cMap.get(key);
    if (!cv) continue;
    const bval = isVaarValue(bv) ? bv.vaar : null;
    const cval = isVaarValue(cv) ? cv.vaar : null;
    out.push({
      form: bv.form, source: bv.source, baseline: bval, candidate: cval, delta: bval !== null && cval !== null ? cval - bval : null,
      ...(!isVaarValue(bv) ? { baselineFailure: bv.failure } : {}), ...(!isVaarValue(cv) ? { candidateFailure: cv.failure } : {}),
    });
  }
  return out;
}

const modelSide = (m: ScenarioAnalysis['perModel'][number]): ModelSide => {
  const fit: PathModelResult = m.pathModel;
  return { sessions: m.sessions, divergence: m.divergence, pathModel: { n: fit.n, ...(!fit.ok ? { failure: fit.failure } : {}) } };
};

/**
 * A model's VAAR on both sides and a test of each path's change: the Wald z of the difference of two
 * estimates, (b_c - b_b) / sqrt(se_b^2 + se_c^2). It treats the two fits as independent; paired
 * samples correlate them positively, which makes the test conservative, never liberal.
 */
function compareModel(scenarioId: string, model: string, b: ScenarioAnalysis['perModel'][number], c: ScenarioAnalysis['perModel'][number], notComparable: string | null): ModelComparison {
  const baseline = modelSide(b);
  const candidate = modelSide(c);
  const vaar = vaarDeltas(b, c);
  const bf = b.pathModel;
  const cf = c.pathModel;
  let notCompared = notComparable
    ?? (baseline.sessions === 0 ? 'no sessions in the baseline' : candidate.sessions === 0 ? 'no sessions in the candidate' : null)
    ?? (!bf.ok ? `the baseline's path model was not fitted: ${bf.failure}` : !cf.ok ? `the candidate's path model was not fitted: ${cf.failure}` : null);
  if (!notCompared && bf.ok && cf.ok && bf.coding !== cf.coding) notCompared = `the action is coded differently (baseline: ${bf.coding}; candidate: ${cf.coding})`;
  const paths: PathComparison[] = [];
  if (!notCompared && bf.ok && cf.ok) {
    for (const bp of bf.paths) {
      const cp = cf.paths.find((p) => p.value === bp.value);
      if (!cp || cp.expected !== bp.expected) continue;
      const delta = cp.estimate - bp.estimate;
      const se = Math.sqrt(bp.se ** 2 + cp.se ** 2);
      const id = `${scenarioId} / ${model} / path ${bp.value}`;
      const direction: Direction = bp.expected * delta < 0 ? 'worse' : bp.expected * delta > 0 ? 'better' : 'neutral';
      const test: ComparisonTest = Number.isFinite(se) && se > 0 && Number.isFinite(delta)
        ? { id, metric: 'path', method: 'wald-difference', paired: false, n: bf.n + cf.n, statistic: delta / se, p: normalTwoSided(delta / se), pAdjusted: null, significant: false, direction }
        : noTest(id, 'path', false, bf.n + cf.n, 'a standard error is missing or not finite');
      const agrees = (est: number): boolean => Math.sign(est) === bp.expected;
      paths.push({
        value: bp.value, expected: bp.expected,
        baseline: { estimate: bp.estimate, se: bp.se, agrees: agrees(bp.estimate) },
        candidate: { estimate: cp.estimate, se: cp.se, agrees: agrees(cp.estimate) },
        delta, test,
      });
    }
    if (paths.length === 0) notCompared = 'no value-to-action path is on both sides';
  }
  return { kind: 'model', scenario: scenarioId, model, baseline, candidate, vaar, paths, notCompared, verdict: 'not-compared', notes: [] };
}

function testsOf(row: ComparisonRow): ComparisonTest[] {
  if (row.kind === 'variant') return [row.distribution.test, row.divergence.test].filter((t): t is ComparisonTest => t !== null);
  return row.paths.map((p) => p.test);
}

function verdictOf(row: ComparisonRow): Verdict {
  const compared = row.kind === 'variant' ? row.distribution.notCompared === null || row.divergence.notCompared === null : row.notCompared === null;
  if (!compared) return 'not-compared';
  const sig = testsOf(row).filter((t) => t.significant);
  if (sig.some((t) => t.direction === 'worse')) return 'regression';
  if (sig.some((t) => t.direction === 'better')) return 'improvement';
  if (sig.length) return 'changed';
  return 'unchanged';
}

/** How much worse a row got, for ordering within a verdict: the rise in divergence, or the fall in the first VAAR form. */
export function worsening(row: ComparisonRow): number {
  if (row.kind === 'variant') return row.divergence.notCompared === null ? (row.divergence.delta ?? 0) : 0;
  const first = row.vaar.find((v) => v.delta !== null);
  return row.notCompared === null && first ? -first.delta! : 0;
}

const VERDICT_ORDER: Verdict[] = ['regression', 'changed', 'unchanged', 'improvement', 'not-compared'];

/** The order of rows: docs/compare.md, "Order". */
export function compareRows(a: ComparisonRow, b: ComparisonRow): number {
  const va = VERDICT_ORDER.indexOf(a.verdict);
  const vb = VERDICT_ORDER.indexOf(b.verdict);
  if (va !== vb) return va - vb;
  const minP = (r: ComparisonRow): number => Math.min(1, ...testsOf(r).filter((t) => t.significant).map((t) => t.pAdjusted!));
  if (a.verdict === 'regression' || a.verdict === 'changed') {
    const d = minP(a) - minP(b);
    if (d !== 0) return d;
  }
  return worsening(b) - worsening(a) || a.scenario.localeCompare(b.scenario) || a.model.localeCompare(b.model)
    || (a.kind === 'variant' ? a.variant : '').localeCompare(b.kind === 'variant' ? b.variant : '') || (a.kind === 'model' ? 1 : 0) - (b.kind === 'model' ? 1 : 0);
}

function scenarioSide(side: ComparisonSideScenario): ScenarioSide {
  const runHashes = [...new Set(side.logs.map((l) => l.header.scenarioHash))];
  return { version: side.version, runHashes, exact: runHashes.every((h) => h === side.version.hash), runs: side.logs.map(runInfo) };
}

function groupSamples(samples: readonly SampleAnalysis[]): Map<string, SampleAnalysis[]> {
  const m = new Map<string, SampleAnalysis[]>();
  for (const s of samples) {
    const k = `${s.model}\u0000${s.variant}`;
    const list = m.get(k) ?? [];
    list.push(s);
    m.set(k, list);
  }
  return m;
}

/**
 * Compares a baseline with a candidate, scenario by scenario (matched by scenario id). See the file
 * comment and docs/compare.md for every definition.
 */
export function compareRuns(baseline: readonly ComparisonSideScenario[], candidate: readonly ComparisonSideScenario[], options: CompareOptions = {}): RunComparison {
  const opts: Required<CompareOptions> = { alpha: options.alpha ?? 0.05, seed: options.seed ?? 1, permutations: options.permutations ?? 10_000 };
  const warnings: string[] = [];
  const scenarios: ScenarioComparison[] = [];
  const rows: ComparisonRow[] = [];
  const byId = (sides: readonly ComparisonSideScenario[]) => new Map(sides.map((s) => [s.scenario.id, s] as const));
  const bMap = byId(baseline);
  const cMap = byId(candidate);
  const ids = [...new Set([...candidate.map((s) => s.scenario.id), ...baseline.map((s) => s.scenario.id)])];
  for (const id of ids) {
    const b = bMap.get(id);
    const c = cMap.get(id);
    const none = { variants: [], models: [] };
    const sc = (c ?? b)!;
    const head = { scenario: id, ...(sc.scenario.title ? { title: sc.scenario.title } : {}), ...(sc.analysis.scenario.file ? { file: sc.analysis.scenario.file } : {}) };
    const comparability = { divergence: null, vaar: null, pairing: null };
    if (!b || !c) {
      scenarios.push({
        ...head, status: b ? 'only-baseline' : 'only-candidate', baseline: b ? scenarioSide(b) : null, candidate: c ? scenarioSide(c) : null,
        sameVersion: false, changes: [], comparability, onlyBaseline: none, onlyCandidate: none,
        notes: [b ? 'only the baseline has runs of this scenario' : 'only the candidate has runs of this scenario; there is no baseline to compare with'],
      });
      continue;
    }
    const bSide = scenarioSide(b);
    const cSide = scenarioSide(c);
    const notes: string[] = [];
    const diff = scenarioChanges(b.scenario, c.scenario);
    const sameVersion = b.version.hash === c.version.hash && bSide.exact && cSide.exact;
    if (!bSide.exact) notes.push(`the baseline's runs were made with another version of the scenario (${bSide.runHashes.map((h) => h.slice(0, 12)).join(', ')}) than the one read (${b.version.hash.slice(0, 12)}, ${b.version.source}); what changed in the scenario cannot be listed exactly`);
    if (!cSide.exact) notes.push(`the candidate's runs were made with another version of the scenario (${cSide.runHashes.map((h) => h.slice(0, 12)).join(', ')}) than the one read (${c.version.hash.slice(0, 12)}, ${c.version.source})`);
    for (const [label, side] of [['baseline', bSide], ['candidate', cSide]] as const) {
      for (const r of side.runs) if (r.status !== 'complete') notes.push(`${label} run ${r.runId}: ${r.status === 'partial' ? `partial, ${r.sessions} of ${r.planned} planned sessions` : 'zero sessions'}`);
    }
    const bModels = b.analysis.models;
    const cModels = c.analysis.models;
    const bVariants = b.scenario.variants.map((v) => v.name);
    const cVariants = c.scenario.variants.map((v) => v.name);
    const models = cModels.filter((m) => bModels.includes(m));
    const variants = cVariants.filter((v) => bVariants.includes(v));
    scenarios.push({
      ...head, status: 'compared', baseline: bSide, candidate: cSide, sameVersion, changes: diff.changes,
      comparability: { divergence: diff.comparability.divergence, vaar: diff.comparability.vaar, pairing: diff.comparability.pairing },
      onlyBaseline: { variants: bVariants.filter((v) => !cVariants.includes(v)), models: bModels.filter((m) => !cModels.includes(m)) },
      onlyCandidate: { variants: cVariants.filter((v) => !bVariants.includes(v)), models: cModels.filter((m) => !bModels.includes(m)) },
      notes,
    });
    const bGroups = groupSamples(b.analysis.samples);
    const cGroups = groupSamples(c.analysis.samples);
    for (const model of models) {
      for (const variant of variants) {
        const key = `${model}\u0000${variant}`;
        rows.push(compareVariant(id, variant, model, b, c, bGroups.get(key) ?? [], cGroups.get(key) ?? [],
          { divergence: diff.comparability.divergence, pairing: diff.comparability.pairing, distribution: diff.comparability.distribution.get(variant) ?? null }, opts));
      }
      const bm = b.analysis.perModel.find((m) => m.model === model);
      const cm = c.analysis.perModel.find((m) => m.model === model);
      if (bm && cm) rows.push(compareModel(id, model, bm, cm, diff.comparability.vaar));
    }
  }

  // One Holm family over every test of the comparison.
  const tests = rows.flatMap(testsOf);
  const adjusted = holmAdjust(tests.map((t) => t.p ?? NaN));
  tests.forEach((t, i) => {
    t.pAdjusted = Number.isFinite(adjusted[i]!) ? adjusted[i]! : null;
    t.significant = t.pAdjusted !== null && t.pAdjusted < opts.alpha;
  });
  for (const r of rows) r.verdict = verdictOf(r);
  rows.sort(compareRows);

  const count = (v: Verdict): number => rows.filter((r) => r.verdict === v).length;
  const regressions = count('regression');
  const compared = rows.length - count('not-compared');
  if (compared === 0) warnings.push(rows.length === 0 ? 'nothing to compare: no scenario, variant and model is on both sides' : 'nothing could be compared: every row lacks sessions or comparable data on a side');
  return {
    alpha: opts.alpha, correction: 'holm', seed: opts.seed,
    baseline: { runs: baseline.flatMap((s) => s.logs.map(runInfo)) },
    candidate: { runs: candidate.flatMap((s) => s.logs.map(runInfo)) },
    scenarios, rows,
    summary: {
      rows: rows.length, regressions, improvements: count('improvement'), changed: count('changed'), unchanged: count('unchanged'), notCompared: count('not-compared'),
      tests: tests.filter((t) => t.p !== null).length, nothingCompared: compared === 0, ok: regressions === 0,
    },
    warnings,
  };
}
