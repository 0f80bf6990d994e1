/**
 * Bradley-Terry strengths (Bradley & Terry, Biometrika 39:324-345, 1952): P(i beats j) =
 * expit(lambda_i - lambda_j), with the first value as the reference (lambda = 0). Fitted as the
 * binomial GLM without intercept on the standard design (one row per compared pair, +1 in i's column,
 * -1 in j's, the reference column dropped), which is what R's `glm` fits (s2-methods.md section 7).
 * The ML estimate is infinite when some set of values never loses to the rest (Ford's condition:
 * the "beats" graph is not strongly connected; Hunter, Ann. Statist. 32:384-406, 2004); then the
 * same design is fitted by Firth's penalised likelihood (s2-methods.md section 1), and the result says so.
 */
import { normalQuantile, normalTwoSided } from './stats';

/** Wins of `winner` over `loser`, by value name. */
export interface Comparison {
  winner: string;
  loser: string;
}

/** One value's strength, relative to the reference. */
export interface BtStrength {
  value: string;
  /** lambda (log-odds scale); 0 for the reference. */
  strength: number;
  /** Wald SE from the inverse expected information (null for the reference). */
  se: number | null;
  /** 95% Wald interval (null for the reference). */
  ci: [number, number] | null;
  /** Two-sided Wald p of lambda = lambda_reference. */
  p: number | null;
  wins: number;
  losses: number;
}

/** A fitted Bradley-Terry model. */
export interface BtFit {
  ok: true;
  /** `ml`, or `firth` when the ML estimate does not exist (separation). */
  method: 'ml' | 'firth';
  reference: string;
  /** Values in the order given, those with at least one comparison. */
  strengths: BtStrength[];
  /** Values by strength, strongest first (ties in the order given). */
  order: string[];
  comparisons: number;
  /** Residual deviance and its degrees of freedom (compared pairs minus parameters), for the ML fit. */
  deviance?: number;
  df?: number;
  /** Values that no comparison involves, left out. */
  uncompared: string[];
  /** Why Firth was used: the sets of values that never lose to the rest. */
  separation?: string;
}

/** No fit: the reason. */
export interface BtFailure {
  ok: false;
  comparisons: number;
  failure: string;
}

export type BtResult = BtFit | BtFailure;

/** A penalised (Firth) fit of a binomial GLM without intercept on rows x with `wins` of `trials`; a string says why none. */
export type FirthNoIntercept = (x: readonly (readonly number[])[], wins: readonly number[], trials: readonly number[]) => { beta: number[]; se: number[] } | string;

interface PairRow {
  i: number;
  j: number;
  wij: number;
  wji: number;
}

/** Strongly connected components of the "beats" graph (Tarjan); more than one means the ML estimate is infinite. */
function components(n: number, beats: boolean[][]): number[][] {
  let index = 0;
  const idx = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const on = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  const visit = (v: number): void => {
    idx[v] = low[v] = index++;
    stack.push(v);
    on[v] = true;
    for (let w = 0; w < n; w++) {
      if (!beats[v]![w]) continue;
      if (idx[w] === -1) {
        visit(w);
        low[v] = Math.min(low[v]!, low[w]!);
      } else if (on[w]) low[v] = Math.min(low[v]!, idx[w]!);
    }
    if (low[v] === idx[v]) {
      const comp: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        on[w] = false;
        comp.push(w);
      } while (w !== v);
      out.push(comp);
    }
  };
  for (let v = 0; v < n; v++) if (idx[v] === -1) visit(v);
  return out;
}

/** Whether every value is linked to every other through comparisons (in either direction). */
function connected(n: number, rows: readonly PairRow[]): boolean {
  const seen = new Set<number>([0]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of rows) {
      if (seen.has(r.i) !== seen.has(r.j)) {
        seen.add(r.i);
        seen.add(r.j);
        grew = true;
      }
    }
  }
  return seen.size === n;
}

function invert(a: number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...a.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (!(Math.abs(m[piv]![c]!) > 1e-12)) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const d = m[c]![c]!;
    for (let k = 0; k < 2 * n; k++) m[c]![k]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let k = 0; k < 2 * n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((r) => r.slice(n));
}

const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/** ML by Newton-Raphson on the free strengths (the reference fixed at 0). */
function fitMl(n: number, rows: readonly PairRow[]): { lambda: number[]; cov: number[][]; deviance: number } | string {
  const k = n - 1;
  const lambda = new Array<number>(n).fill(0);
  let cov: number[][] | null = null;
  for (let it = 0; it < 200; it++) {
    const score = new Array<number>(k).fill(0);
    const info = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (const r of rows) {
      const m = r.wij + r.wji;
      const p = expit(lambda[r.i]! - lambda[r.j]!);
      const g = r.wij - m * p;
      const w = m * p * (1 - p);
      const a = r.i - 1;
      const b = r.j - 1;
      if (a >= 0) score[a]! += g;
      if (b >= 0) score[b]! -= g;
      if (a >= 0) info[a]![a]! += w;
      if (b >= 0) info[b]![b]! += w;
      if (a >= 0 && b >= 0) {
        info[a]![b]! -= w;
        info[b]![a]! -= w;
      }
    }
    cov = invert(info);
    if (!cov) return 'the information matrix is singular';
    let step = 0;
    for (let a = 0; a < k; a++) {
      let d = 0;
      for (let b = 0; b < k; b++) d += cov[a]![b]! * score[b]!;
      lambda[a + 1]! += d;
      step += Math.abs(d);
    }
    if (step < 1e-12) break;
  }
  let deviance = 0;
  for (const r of rows) {
    const m = r.wij + r.wji;
    const p = expit(lambda[r.i]! - lambda[r.j]!);
    if (r.wij > 0) deviance += 2 * r.wij * Math.log(r.wij / (m * p));
    if (r.wji > 0) deviance += 2 * r.wji * Math.log(r.wji / (m * (1 - p)));
  }
  return { lambda, cov: cov!, deviance };
}

/**
 * Bradley-Terry strengths of `values` (the first one compared is the reference) from pairwise
 * outcomes. Values never compared are left out (named in `uncompared`); values that fall into parts
 * never compared with each other cannot be placed on one scale: a failure. Separation is fitted by
 * `firth` (the shared Firth fitter), and without one it is a failure with the reason.
 */
export function bradleyTerry(values: readonly string[], comparisons: readonly Comparison[], firth?: FirthNoIntercept, alpha = 0.05): BtResult {
  const involved = values.filter((v) => comparisons.some((c) => c.winner === v || c.loser === v));
  const uncompared = values.filter((v) => !involved.includes(v));
  const total = comparisons.filter((c) => involved.includes(c.winner) && involved.includes(c.loser) && c.winner !== c.loser).length;
  if (involved.length < 2) return { ok: false, comparisons: total, failure: involved.length ? `only ${involved[0]} was ever compared` : 'no decision set two values against each other' };
  const at = new Map(involved.map((v, i) => [v, i] as const));
  const n = involved.length;
  const wins = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const c of comparisons) {
    const i = at.get(c.winner);
    const j = at.get(c.loser);
    if (i !== undefined && j !== undefined && i !== j) wins[i]![j]!++;
  }
  const rows: PairRow[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (wins[i]![j]! + wins[j]![i]! > 0) rows.push({ i, j, wij: wins[i]![j]!, wji: wins[j]![i]! });
  if (!connected(n, rows)) return { ok: false, comparisons: total, failure: 'some values were never compared, directly or through others, with the rest, so they have no common scale' };
  const comps = components(n, wins.map((r) => r.map((w) => w > 0)));
  const z = normalQuantile(1 - alpha / 2);
  const tally = (i: number): { wins: number; losses: number } => ({ wins: wins[i]!.reduce((a, b) => a + b, 0), losses: wins.reduce((a, r) => a + r[i]!, 0) });
  const finish = (method: BtFit['method'], lambda: number[], se: (number | null)[], extra: Partial<BtFit>): BtFit => {
    const strengths = involved.map((value, i): BtStrength => ({
      value, strength: lambda[i]!, se: se[i] ?? null,
      ci: se[i] != null ? [lambda[i]! - z * se[i]!, lambda[i]! + z * se[i]!] : null,
      p: se[i] != null ? normalTwoSided(lambda[i]! / se[i]!) : null,
      ...tally(i),
    }));
    const order = strengths.map((s, i) => ({ s, i })).sort((a, b) => b.s.strength - a.s.strength || a.i - b.i).map((x) => x.s.value);
    return { ok: true, method, reference: involved[0]!, strengths, order, comparisons: total, uncompared, ...extra };
  };
  if (comps.length === 1) {
    const ml = fitMl(n, rows);
    if (typeof ml === 'string') return { ok: false, comparisons: total, failure: ml };
    const se = [null, ...ml.cov.map((r, a) => Math.sqrt(r[a]!))];
    return finish('ml', ml.lambda, se, { deviance: ml.deviance, df: rows.length - (n - 1) });
  }
  const never = comps.filter((c) => c.length < n).map((c) => c.map((i) => involved[i]!).join(', '));
  const separation = `the ML estimate is infinite: the "beats" graph splits into ${comps.length} parts (${never.map((s) => `{${s}}`).join(', ')}), so some set of values never loses to the rest (Ford's condition)`;
  if (!firth) return { ok: false, comparisons: total, failure: `${separation}; no Firth fit available` };
  // The standard design, one row per compared pair, reference column dropped.
  const x = rows.map((r) => Array.from({ length: n - 1 }, (_, c) => (c + 1 === r.i ? 1 : c + 1 === r.j ? -1 : 0)));
  const fit = firth(x, rows.map((r) => r.wij), rows.map((r) => r.wij + r.wji));
  if (typeof fit === 'string') return { ok: false, comparisons: total, failure: `${separation}; the Firth fit failed: ${fit}` };
  return finish('firth', [0, ...fit.beta], [null, ...fit.se], { separation });
}
