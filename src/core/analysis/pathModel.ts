import type { Scenario } from '../scenario/model';
import type { SampleAnalysis } from './divergence';
import { normalTwoSided, quantile, sampleSd, tTwoSided, mean } from './stats';
import { randomInt, seededRandom } from '../random';
import { firthLogistic } from './firth';
import { invertSpd } from './spd';

/** One value-to-action path of the composite model. */
export interface PathEstimate {
  value: string;
  /** The human-referenced sign of the path (from `expect`, under the coding in `PathModelFit.coding`). */
  expected: 1 | -1;
  /** Coefficient on the standardised stated score. */
  estimate: number;
  se: number;
  /** z (logistic) or t (linear). */
  statistic: number;
  p: number;
  /** Bootstrap percentile interval (2.5%, 97.5%) over the resamples that could be fitted; null when none could. */
  ci: [number, number] | null;
  /** Share of all bootstrap replicates whose estimate has the expected sign (a failed replicate counts as not agreeing). */
  bootSignAgreement: number | null;
}

interface PathModelBase {
  model: string;
  kind: 'logistic' | 'linear';
  /** Complete samples used: readable action and a score for every predictor value. */
  n: number;
  /** How the action was coded, in words. */
  coding: string;
}

/** A fitted composite path model. */
export interface PathModelFit extends PathModelBase {
  ok: true;
  intercept: { estimate: number; se: number };
  paths: PathEstimate[];
  /** linear: R²; logistic: McFadden's pseudo-R². */
  r2: number;
  /** Residual degrees of freedom (linear) or Newton iterations (logistic). */
  df?: number;
  iterations?: number;
  /**
   * How the estimates were obtained: `ols` (scale action) or `firth` (choice action: Firth's bias-reduced
   * logistic regression, always, so that separation gives finite estimates; R brglm2 `type = "AS_mean"`).
   */
  estimator: 'ols' | 'firth';
  /**
   * Logistic only: why the plain maximum-likelihood estimate does not exist on these samples (complete or
   * quasi-complete separation: the stated scores predict the action perfectly), or null when it does.
   */
  separation?: string | null;
  /**
   * The bootstrap: `replicates` resamples drawn, `used` of them fitted, `failed` not (`replicates = used +
   * failed`); the interval is over the used ones. `failures` names each distinct reason with its count.
   */
  bootstrap: Bootstrap;
}

/** What the bootstrap of a path model did with its resamples. */
export interface Bootstrap {
  replicates: number;
  seed: number;
  used: number;
  failed: number;
  failures: { reason: string; count: number }[];
}

/** A path model that could not be fitted: the reason, never numbers. */
export interface PathModelFailure extends PathModelBase {
  ok: false;
  failure: string;
}

export type PathModelResult = PathModelFit | PathModelFailure;

/** The design of a composite path model: predictors, expected signs and the coded outcome. */
export interface PathData {
  kind: 'logistic' | 'linear';
  values: string[];
  expected: (1 | -1)[];
  /** Raw (unstandardised) mean stated scores, one row per complete sample. */
  x: number[][];
  y: number[];
  coding: string;
}

/** Options of the path model. */
export interface PathModelOptions {
  bootstrap?: number;
  seed?: number;
  /** Fewest complete samples to fit at all (never fewer than paths + 2). */
  minSamples?: number;
}

/**
 * Builds the composite path model's data from a model's samples. Predictors are the values that have
 * an `expect` entry, in file order. For a scale action the outcome is the answer; expected sign +1 for
 * `positive`, -1 for `negative`. For a choice action the outcome is 1 when the action is the *reference
 * choice* (the choice named by the first value's `expect`) and 0 for any other choice; a value whose
 * `expect` names the reference choice has expected sign +1, any other value -1 (it pulls away from it).
 */
export function pathData(scenario: Scenario, samples: readonly SampleAnalysis[]): PathData | string {
  const action = scenario.action;
  if (!action) return 'the scenario has no action';
  const expects = scenario.values.map((v) => ({ v: v.name, e: action.expect.find((x) => x.value === v.name) })).filter((x) => x.e);
  if (expects.length === 0) return 'no value has an expect entry, so there is no path to estimate';
  const values = expects.map((x) => x.v);
  let expected: (1 | -1)[];
  let code: (s: SampleAnalysis) => number | undefined;
  let coding: string;
  let kind: PathData['kind'];
  if (action.scale) {
    kind = 'linear';
    expected = expects.map((x) => (x.e!.target === 'negative' ? -1 : 1));
    code = (s) => s.action.score;
    coding = `action = the answer on its ${action.scale.min}..${action.scale.max} scale; predictors = standardised stated scores (mean 0, SD 1)`;
  } else {
    kind = 'logistic';
    const reference = expects[0]!.e!.target;
    expected = expects.map((x) => (x.e!.target === reference ? 1 : -1));
    code = (s) => (s.action.choice === undefined ? undefined : s.action.choice === reference ? 1 : 0);
    coding = `action = 1 when the choice is "${reference}" (the choice ${expects[0]!.v} expects), 0 for any other choice; predictors = standardised stated scores (mean 0, SD 1)`;
  }
  const x: number[][] = [];
  const y: number[] = [];
  for (const s of samples) {
    if (s.action.status !== 'ok') continue;
    const yy = code(s);
    if (yy === undefined) continue;
    const row = values.map((v) => s.scores[v]?.mean);
    if (row.some((r) => r === undefined)) continue;
    x.push(row as number[]);
    y.push(yy);
  }
  return { kind, values, expected, x, y, coding };
}

/** Inverse of a symmetric positive-definite matrix by Cholesky (`spd.ts`). */
export { invertSpd } from './spd';

interface CoreFit {
  beta: number[];
  se: number[];
  stat: number[];
  p: number[];
  r2: number;
  df?: number;
  iterations?: number;
}

/** OLS of y on [1, X]: t statistics on n - k - 1 df. A string says why it cannot be fitted. */
export function fitLinear(x: readonly number[][], y: readonly number[]): CoreFit | string {
  const n = y.length;
  const k = (x[0]?.length ?? 0) + 1;
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  for (let r = 0; r < n; r++) {
    const row = [1, ...x[r]!];
    for (let i = 0; i < k; i++) {
      xty[i]! += row[i]! * y[r]!;
      for (let j = 0; j < k; j++) xtx[i]![j]! += row[i]! * row[j]!;
    }
  }
  const inv = invertSpd(xtx);
  if (!inv) return 'the stated scores are collinear (one value is a linear function of the others)';
  const beta = inv.map((row) => row.reduce((s, v, j) => s + v * xty[j]!, 0));
  let rss = 0;
  const ym = mean(y);
  let tss = 0;
  for (let r = 0; r < n; r++) {
    const row = [1, ...x[r]!];
    const fit = row.reduce((s, v, j) => s + v * beta[j]!, 0);
    rss += (y[r]! - fit) ** 2;
    tss += (y[r]! - ym) ** 2;
  }
  const df = n - k;
  const s2 = rss / df;
  const se = inv.map((row, i) => Math.sqrt(s2 * row[i]!));
  const stat = beta.map((b, i) => b / se[i]!);
  return { beta, se, stat, p: stat.map((t) => tTwoSided(t, df)), r2: 1 - rss / tss, df };
}

/** Fitted probabilities this close to 0 or 1 mean (quasi-)separation: the MLE does not exist. */
const SEPARATION_EPS = 1e-10;

/**
 * Maximum-likelihood logistic regression of a 0/1 y on [1, X] by Newton-Raphson (IRLS), Wald z tests from
 * the inverse information. The path model uses it only to tell whether the ML estimate exists (no
 * separation); its estimates come from `fitFirth`.
 */
export function fitLogistic(x: readonly number[][], y: readonly number[]): CoreFit | string {
  const n = y.length;
  const k = (x[0]?.length ?? 0) + 1;
  const rows = x.map((r) => [1, ...r]);
  let beta = new Array<number>(k).fill(0);
  const ybar = mean(y);
  beta[0] = Math.log(ybar / (1 - ybar));
  const deviance = (b: number[]): number => {
    let d = 0;
    for (let r = 0; r < n; r++) {
      const eta = rows[r]!.reduce((s, v, j) => s + v * b[j]!, 0);
      // log(1 + e^eta) computed stably
      const l1p = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
      d += 2 * (l1p - y[r]! * eta);
    }
    return d;
  };
  let dev = deviance(beta);
  let inv: number[][] | null = null;
  let converged = false;
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    const info = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const score = new Array<number>(k).fill(0);
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      const eta = row.reduce((s, v, j) => s + v * beta[j]!, 0);
      const mu = 1 / (1 + Math.exp(-eta));
      const w = mu * (1 - mu);
      for (let i = 0; i < k; i++) {
        score[i]! += row[i]! * (y[r]! - mu);
        for (let j = 0; j < k; j++) info[i]![j]! += w * row[i]! * row[j]!;
      }
    }
    inv = invertSpd(info);
    if (!inv) break;
    const step = inv.map((row) => row.reduce((s, v, j) => s + v * score[j]!, 0));
    let t = 1;
    let next = beta.map((b, i) => b + step[i]!);
    let nd = deviance(next);
    // Step halving keeps the deviance from going up (as R's glm.fit does).
    while (nd > dev + 1e-12 && t > 1e-6) {
      t /= 2;
      next = beta.map((b, i) => b + t * step[i]!);
      nd = deviance(next);
    }
    const change = Math.abs(nd - dev) / (Math.abs(nd) + 0.1);
    beta = next;
    dev = nd;
    if (change < 1e-12) {
      converged = true;
      break;
    }
  }
  let extreme = 0;
  for (const row of rows) {
    const mu = 1 / (1 + Math.exp(-row.reduce((s, v, j) => s + v * beta[j]!, 0)));
    if (mu < SEPARATION_EPS || mu > 1 - SEPARATION_EPS) extreme++;
  }
  if (extreme > 0 || !converged) {
    return `separation: the stated scores predict the action (almost) perfectly (${extreme} of ${n} samples fitted with probability 0 or 1), so the estimates would be infinite`;
  }
  // The information at the converged estimate gives the Wald standard errors.
  const info = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const row of rows) {
    const mu = 1 / (1 + Math.exp(-row.reduce((s, v, j) => s + v * beta[j]!, 0)));
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) info[i]![j]! += mu * (1 - mu) * row[i]! * row[j]!;
  }
  inv = invertSpd(info);
  if (!inv) return 'the stated scores are collinear (the information matrix is singular)';
  const se = inv.map((row, i) => Math.sqrt(row[i]!));
  const stat = beta.map((b, i) => b / se[i]!);
  const nullDev = -2 * n * (ybar * Math.log(ybar) + (1 - ybar) * Math.log(1 - ybar));
  return { beta, se, stat, p: stat.map(normalTwoSided), r2: 1 - dev / nullDev, iterations: iterations + 1 };
}

/** Firth's logistic regression of a 0/1 y on [1, X]: Wald z tests from the inverse Fisher information. */
export function fitFirth(x: readonly number[][], y: readonly number[]): CoreFit | string {
  const fit = firthLogistic(x, y);
  if (typeof fit === 'string') return fit.startsWith('the information matrix') ? `the stated scores are collinear (${fit})` : `the Firth fit failed: ${fit}`;
  const n = y.length;
  const ybar = mean(y);
  // McFadden's pseudo-R^2 from the (unpenalised) log-likelihood at the Firth estimate.
  const nullLl = n * (ybar > 0 ? ybar * Math.log(ybar) : 0) + n * (ybar < 1 ? (1 - ybar) * Math.log(1 - ybar) : 0);
  const stat = fit.beta.map((b, i) => b / fit.se[i]!);
  return { beta: fit.beta, se: fit.se, stat, p: stat.map(normalTwoSided), r2: nullLl < 0 ? 1 - fit.loglik / nullLl : NaN, iterations: fit.iterations };
}

/**
 * The composite path model of one model: the action regressed on the standardised stated scores
 * (Firth's bias-reduced logistic regression for a choice action, OLS for a scale action) with a seeded
 * bootstrap (resampling samples) for percentile intervals. Separation is no failure: the Firth estimate
 * is finite, and `separation` says that the ML one is not. Too few samples, a value or action without
 * variance and collinearity are failures with a reason, never numbers. A bootstrap resample that cannot
 * be fitted is counted in `bootstrap.failed` with its reason, never dropped silently.
 */
export function fitPathModel(model: string, data: PathData, options: PathModelOptions = {}): PathModelResult {
  const { kind, values, expected, coding } = data;
  const n = data.y.length;
  const base = { model, kind, n, coding };
  const minSamples = Math.max(options.minSamples ?? 10, values.length + 2);
  if (n < minSamples) return { ...base, ok: false, failure: `too few samples: ${n} complete samples, at least ${minSamples} needed` };
  const cols = values.map((_, j) => data.x.map((r) => r[j]!));
  const centres = cols.map((c) => mean(c));
  const sds = cols.map((c) => sampleSd(c));
  const flat = values.filter((_, j) => !(sds[j]! > 1e-12));
  if (flat.length) return { ...base, ok: false, failure: `no variance in ${flat.join(', ')}: every sample stated the same score` };
  if (!(sampleSd(data.y) > 1e-12)) {
    return { ...base, ok: false, failure: `no variance in the action: every sample gave ${kind === 'logistic' ? (data.y[0] === 1 ? 'the reference choice' : 'another choice than the reference') : data.y[0]}` };
  }
  const z = data.x.map((r) => r.map((v, j) => (v - centres[j]!) / sds[j]!));
  const fitOne = kind === 'logistic' ? fitFirth : fitLinear;
  const fit = fitOne(z, data.y);
  if (typeof fit === 'string') return { ...base, ok: false, failure: fit };
  let separation: string | null = null;
  if (kind === 'logistic') {
    const ml = fitLogistic(z, data.y);
    if (typeof ml === 'string') separation = ml;
  }
  const replicates = options.bootstrap ?? 1000;
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const boots: number[][] = values.map(() => []);
  const failures = new Map<string, number>();
  for (let b = 0; b < replicates; b++) {
    const xs: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = randomInt(random, n);
      xs.push(z[r]!);
      ys.push(data.y[r]!);
    }
    // Every resample is fitted, also one whose action does not vary (Firth's estimate exists even then;
    // OLS gives slopes 0). A resample whose fit fails (a stated score constant in it: no slope) is counted.
    const bf = fitOne(xs, ys);
    if (typeof bf === 'string') {
      failures.set(bf, (failures.get(bf) ?? 0) + 1);
      continue;
    }
    values.forEach((_, j) => boots[j]!.push(bf.beta[j + 1]!));
  }
  const used = boots[0]?.length ?? 0;
  const paths = values.map((value, j): PathEstimate => {
    const est = boots[j]!.slice().sort((a, b) => a - b);
    return {
      value, expected: expected[j]!, estimate: fit.beta[j + 1]!, se: fit.se[j + 1]!, statistic: fit.stat[j + 1]!, p: fit.p[j + 1]!,
      ci: est.length ? [quantile(est, 0.025), quantile(est, 0.975)] : null,
      bootSignAgreement: replicates > 0 ? est.filter((e) => Math.sign(e) === expected[j]).length / replicates : null,
    };
  });
  return {
    ...base, ok: true, intercept: { estimate: fit.beta[0]!, se: fit.se[0]! }, paths, r2: fit.r2,
    ...(fit.df !== undefined ? { df: fit.df } : {}), ...(fit.iterations !== undefined ? { iterations: fit.iterations } : {}),
    estimator: kind === 'logistic' ? 'firth' : 'ols',
    ...(kind === 'logistic' ? { separation } : {}),
    bootstrap: { replicates, seed, used, failed: replicates - used, failures: [...failures].map(([reason, count]) => ({ reason, count })) },
  };
}
