import type { PathModelResult } from './pathModel';

/** `sign`: a path agrees when its estimate has the expected sign. `strict`: and p < alpha. */
export type VaarForm = 'sign' | 'strict';
/** Which model produced the paths: the composite path model or the latent (MGSEM) one. */
export type VaarSource = 'composite' | 'latent';

/** One value-to-action path as VAAR counts it. */
export interface VaarPath {
  value: string;
  expected: 1 | -1;
  estimate: number;
  p: number;
  agrees: boolean;
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
  /** Agreeing paths / paths, in 0..1. */
  vaar: number;
  alpha: number;
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
}

/** Whether a VAAR result is a value (not a failure). */
export function isVaarValue(r: VaarResult): r is VaarValue {
  return 'vaar' in r;
}

/**
 * VAAR = paths whose estimate has the expected sign (and, in the strict form, p < alpha) / paths.
 * An estimate of exactly 0 has no sign and never agrees. No paths is a failure, not 0 or 1.
 */
export function vaarFromPaths(form: VaarForm, source: VaarSource, model: string, n: number, paths: readonly PathForVaar[], alpha = 0.05): VaarResult {
  if (paths.length === 0) return { form, source, model, n, failure: 'no value-to-action paths to count' };
  const judged = paths.map((p): VaarPath => ({
    value: p.value, expected: p.expected, estimate: p.estimate, p: p.p,
    agrees: Math.sign(p.estimate) === p.expected && (form === 'sign' || p.p < alpha),
  }));
  return { form, source, model, n, paths: judged, vaar: judged.filter((p) => p.agrees).length / judged.length, alpha };
}

/** VAAR of the composite path model of one model; a failed fit gives a failure with its reason. */
export function compositeVaar(fit: PathModelResult, form: VaarForm, alpha = 0.05): VaarResult {
  if (!fit.ok) return { form, source: 'composite', model: fit.model, n: fit.n, failure: fit.failure };
  return vaarFromPaths(form, 'composite', fit.model, fit.n, fit.paths, alpha);
}
