import type { SemSuccess } from './result';

/** The sign a structural path should have if stated values drive the action (e.g. PC → AoDS: −1). */
export interface ExpectedPathSign {
  lhs: string;
  rhs: string;
  sign: 1 | -1;
}

/** One structural path of one group, judged against its expected sign. */
export interface VaarPath {
  group: number;
  groupLabel: string;
  lhs: string;
  op: '~';
  rhs: string;
  est: number;
  se: number;
  pvalue: number;
  stdAll: number;
  expectedSign: 1 | -1;
  /** The estimate has the expected sign (the sign form). */
  signAgree: boolean;
  /** The expected sign and p < alpha (the strict form). */
  agreeAndSig: boolean;
}

/** VAAR of one group. */
export interface VaarGroup {
  label: string;
  n: number;
  vaarSign: number;
  vaarSignSig: number;
}

/** Value–action alignment rate from a SEM fit, always with the model and n behind it. */
export interface SemVaar {
  /** Which model the paths come from, e.g. "configural" or "metric". */
  model: string;
  alpha: number;
  n: number;
  paths: VaarPath[];
  /** Share of paths with the expected sign. */
  vaarSign: number;
  /** Share of paths with the expected sign and p < alpha. */
  vaarSignSig: number;
  byGroup: VaarGroup[];
}

/**
 * VAAR from the structural paths of a converged fit: for every group and every expected sign, the
 * path `lhs ~ rhs` must exist in the model (an Error names the missing one). Significance uses the
 * unstandardised z test, as lavaan's pvalue column.
 */
export function semVaar(fit: SemSuccess, expected: ExpectedPathSign[], opts: { model: string; alpha?: number }): SemVaar {
  const alpha = opts.alpha ?? 0.05;
  if (expected.length === 0) throw new Error('VAAR needs at least one expected path sign');
  const paths: VaarPath[] = [];
  for (const g of fit.groups.keys()) {
    for (const x of expected) {
      const e = fit.estimates.find((r) => r.group === g + 1 && r.op === '~' && r.lhs === x.lhs && r.rhs === x.rhs);
      if (!e) throw new Error(`the model has no path "${x.lhs} ~ ${x.rhs}" to judge against its expected sign`);
      const pvalue = e.pvalue ?? 1;
      const signAgree = Math.sign(e.est) === x.sign;
      paths.push({
        group: e.group, groupLabel: e.groupLabel, lhs: e.lhs, op: '~', rhs: e.rhs, est: e.est, se: e.se, pvalue,
        stdAll: e.stdAll, expectedSign: x.sign, signAgree, agreeAndSig: signAgree && pvalue < alpha,
      });
    }
  }
  const rate = (ps: VaarPath[], k: 'signAgree' | 'agreeAndSig') => ps.filter((p) => p[k]).length / ps.length;
  const byGroup = fit.groups.map((g, i) => {
    const ps = paths.filter((p) => p.group === i + 1);
    return { label: g.label, n: g.n, vaarSign: rate(ps, 'signAgree'), vaarSignSig: rate(ps, 'agreeAndSig') };
  });
  return {
    model: opts.model, alpha, n: fit.fit.ntotal, paths,
    vaarSign: rate(paths, 'signAgree'), vaarSignSig: rate(paths, 'agreeAndSig'), byGroup,
  };
}
