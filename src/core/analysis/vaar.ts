import type { PathModelResult } from './pathModel';
import { normalCdf } from './stats';
import { binomialUpper, irwinHallMeanUpper, logLossLower } from './vaarChance';

/**
 * `sign`: a path agrees when its estimate has the expected sign. `strict`: and p < alpha.
 * `confidence`: the mean over paths of the probability that the path has its expected sign (the
 * bootstrap share for the composite model, the normal approximation Φ(s·est/se) for the latent one).
 */
export type VaarForm = 'confidence' | 'sign' | 'strict';
/** Every form, in the order reports list them. */
export const VAAR_FORM_ORDER: readonly VaarForm[] = ['confidence', 'sign', 'strict'];
/** Which model produced the paths: the composite path model or the latent (MGSEM) one. */
export type VaarSource = 'composite' | 'latent';

/** One value-to-action path as VAAR counts it. */
export interface VaarPath {
  value: string;
  expected: 1 | -1;
  estimate: number;
  p: number;
  /** sign/strict: the path counts; confidence: its probability of the expected sign is above 1/2. */
  agrees: boolean;
  /** Confidence form only: the probability that the path has its expected sign. */
  confidence?: number;
}

/**
 * The chance baseline of a VAAR: the probability that a respondent whose actions are unrelated to
 * its values scores at least as high, the paths taken as independent (see vaarChance.ts).
 */
export interface VaarChance {
  p: number;
  /** `binomial`: exact over sign combinations (strict: per-path chance alpha/2); `irwin-hall`: mean of k uniforms. */
  method: 'binomial' | 'irwin-hall';
  /** Per-path probability of agreeing under the null (sign and strict forms). */
  perPath?: number;
}

interface VaarBase {
  form: VaarForm;
  source: VaarSource;
  /** The LLM (group) the paths belong to. */
  model: string;
  /** Samples behind the estimates. */
  n: number;
}

/** A VAAR value with the paths behind it. */
export interface VaarValue extends VaarBase {
  paths: VaarPath[];
  /** sign/strict: agreeing paths / paths; confidence: mean path probability; in 0..1. */
  vaar: number;
  alpha: number;
  chance: VaarChance;
  /**
   * Confidence form only: −(1/k)Σ log q, q clipped to [1/(B+1), B/(B+1)] for B resamples (a fair coin
   * scores log 2 = 0.693, chance 1), with its chance p (k·log-loss is Gamma(k, 1) under the null).
   */
  logLoss?: { value: number; p: number };
  /** Confidence form only: where the path probabilities come from. */
  confidenceFrom?: 'bootstrap' | 'normal';
}

/** No VAAR: the fit behind it failed, and this says why. */
export interface VaarFailure extends VaarBase {
  failure: string;
}

export type VaarResult = VaarValue | VaarFailure;

/** A path estimate from either model, before VAAR judges it. */
export interface PathForVaar {
  value: string;
  expected: 1 | -1;
  estimate: number;
  p: number;
  /** Standard error: the confidence form uses Φ(expected·estimate/se) when no bootstrap share is given. */
  se?: number;
  /** Bootstrap share of resamples with the expected sign (composite model). */
  bootSign?: number | null;
}

/** Whether a VAAR result is a value (not a failure). */
export function isVaarValue(r: VaarResult): r is VaarValue {
  return 'vaar' in r;
}

/** Options of vaarFromPaths. */
export interface VaarOptions {
  alpha?: number;
  /** Bootstrap resamples behind `bootSign`, for the log-loss clipping (default 1000). */
  replicates?: number;
}

/**
 * VAAR of one form over the paths, with its chance p-value. sign/strict: paths whose estimate has the
 * expected sign (and, strict, p < alpha) / paths; an estimate of exactly 0 has no sign and never
 * agrees. confidence: the mean of each path's probability of the expected sign. No paths, or a
 * confidence form without a bootstrap share or standard error, is a failure, not a number.
 */
export function vaarFromPaths(form: VaarForm, source: VaarSource, model: string, n: number, paths: readonly PathForVaar[], options: VaarOptions | number = {}): VaarResult {
  const { alpha = 0.05, replicates = 1000 } = typeof options === 'number' ? { alpha: options } : options;
  if (paths.length === 0) return { form, source, model, n, failure: 'no value-to-action paths to count' };
  const k = paths.length;
  if (form === 'confidence') {
    const fromBoot = paths.every((p) => typeof p.bootSign === 'number');
    const qs: number[] = [];
    for (const p of paths) {
      if (typeof p.bootSign === 'number') qs.push(p.bootSign);
      else if (!fromBoot && p.se !== undefined && p.se > 0 && Number.isFinite(p.se)) qs.push(normalCdf((p.expected * p.estimate) / p.se));
      else return { form, source, model, n, failure: `no sign probability for the ${p.value} path (no bootstrap resample and no standard error)` };
    }
    const judged = paths.map((p, i): VaarPath => ({ value: p.value, expected: p.expected, estimate: p.estimate, p: p.p, agrees: qs[i]! > 0.5, confidence: qs[i]! }));
    const vaar = qs.reduce((a, b) => a + b, 0) / k;
    // Clipping keeps a path with every resample on one side finite: as if one more resample had gone the other way.
    const lo = fromBoot ? 1 / (replicates + 1) : 1e-12;
    const logLoss = -qs.reduce((a, q) => a + Math.log(Math.min(1 - lo, Math.max(lo, q))), 0) / k;
    return {
      form, source, model, n, paths: judged, vaar, alpha,
      chance: { p: irwinHallMeanUpper(k, vaar), method: 'irwin-hall' },
      logLoss: { value: logLoss, p: logLossLower(k, logLoss) },
      confidenceFrom: fromBoot ? 'bootstrap' : 'normal',
    };
  }
  const judged = paths.map((p): VaarPath => ({
    value: p.value, expected: p.expected, estimate: p.estimate, p: p.p,
    agrees: Math.sign(p.estimate) === p.expected && (form === 'sign' || p.p < alpha),
  }));
  const agreeing = judged.filter((p) => p.agrees).length;
  const perPath = form === 'sign' ? 0.5 : alpha / 2;
  return {
    form, source, model, n, paths: judged, vaar: agreeing / k, alpha,
    chance: { p: binomialUpper(k, agreeing, perPath), method: 'binomial', perPath },
  };
}

/** VAAR of the composite path model of one model; a failed fit gives a failure with its reason. */
export function compositeVaar(fit: PathModelResult, form: VaarForm, alpha = 0.05): VaarResult {
  if (!fit.ok) return { form, source: 'composite', model: fit.model, n: fit.n, failure: fit.failure };
  const paths = fit.paths.map((p) => ({ value: p.value, expected: p.expected, estimate: p.estimate, p: p.p, se: p.se, bootSign: p.bootSignAgreement }));
  const ok = fit.bootstrap.replicates - fit.bootstrap.failed;
  if (form === 'confidence' && paths.some((p) => p.bootSign === null)) {
    return { form, source: 'composite', model: fit.model, n: fit.n, failure: `no bootstrap resample could be fitted (${fit.bootstrap.failed} of ${fit.bootstrap.replicates} failed)` };
  }
  return vaarFromPaths(form, 'composite', fit.model, fit.n, paths, { alpha, replicates: ok });
}

/** "p = 0.031 by chance (binomial, exact)" style phrase for a VAAR's chance baseline. */
export function chanceText(v: VaarValue): string {
  const how = v.chance.method === 'irwin-hall' ? 'Irwin-Hall' : `binomial, ${v.chance.perPath === 0.5 ? '1/2' : v.chance.perPath} per path`;
  return `chance p = ${formatP(v.chance.p)} (${how})`;
}

/** A p-value with 3 significant figures, "< 0.0001" below that. */
export function formatP(p: number): string {
  if (p < 1e-4) return '< 0.0001';
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}
