import * as fs from 'fs';
import * as path from 'path';
import { CsvError, parseCsv } from '../core/analysis/sem/csv';
import { fitSem } from '../core/analysis/sem/fitSem';
import type { SemEstimate, SemSuccess } from '../core/analysis/sem/result';
import type { EqualityKind } from '../core/analysis/sem/spec';
import { invarianceLadder } from '../core/analysis/sem/invariance';
import { semVaar, type ExpectedPathSign, type SemVaar } from '../core/analysis/sem/vaar';
import { flagHelp, parseArgv, UsageError, type CliCommand, type CliIo, type FlagSpec } from './argv';

const EQUALITY: readonly EqualityKind[] = ['loadings', 'intercepts', 'regressions', 'residuals'];

const flags: readonly FlagSpec[] = [
  { name: 'model', kind: 'string', description: 'the lavaan model syntax file (=~, ~, ~~, comments)' },
  { name: 'group', kind: 'string', description: 'the column that names each row\'s group (one model per group, with a mean structure); without it, one group and no mean structure' },
  { name: 'equal', kind: 'string', description: `parameters held equal across groups, comma-separated: ${EQUALITY.join(', ')} (lavaan's group.equal)` },
  { name: 'se', kind: 'string', choices: ['standard', 'robust'], description: 'standard (default) or robust: MLR Huber-White sandwich standard errors' },
  { name: 'information', kind: 'string', choices: ['expected', 'observed'], description: 'information matrix for the standard errors (default: expected; observed with --se robust)' },
  { name: 'ladder', kind: 'boolean', description: 'fit the invariance ladder instead (configural, metric, scalar, and metric with equal regressions when the model has paths) and print the nested Δχ² tests; needs --group' },
  { name: 'expect', kind: 'string', multiple: true, description: 'an expected path sign for VAAR, e.g. AoDS~PC:- or AoDS~PSA:+ (prints VAAR, sign and sign-and-p<.05 forms)' },
  { name: 'json', kind: 'boolean', description: 'print JSON with lavaan\'s column and fit-measure names' },
  { name: 'help', short: 'h', kind: 'boolean', description: 'show this help' },
];

/** A parameter row with lavaan's parameterEstimates() column names. */
function lavaanRow(e: SemEstimate, multiGroup: boolean): Record<string, unknown> {
  return {
    lhs: e.lhs, op: e.op, rhs: e.rhs,
    ...(multiGroup ? { group: e.group, group_label: e.groupLabel } : {}),
    est: e.est, se: e.se, z: e.z, pvalue: e.pvalue, 'std.all': e.stdAll,
  };
}

/** Names the invariance level the --equal list amounts to, for the VAAR's "model behind it". */
function modelName(equal: string[], multiGroup: boolean): string {
  if (!multiGroup) return 'single group';
  const L = equal.includes('loadings');
  const I = equal.includes('intercepts');
  const base = L && I ? 'scalar' : L ? 'metric' : I ? 'configural, equal intercepts' : 'configural';
  const extra = equal.filter((k) => k === 'regressions' || k === 'residuals');
  return extra.length ? `${base}, equal ${extra.join(' and ')}` : base;
}

function parseExpect(v: string): ExpectedPathSign {
  const m = /^\s*([A-Za-z_.][\w.]*)\s*~\s*([A-Za-z_.][\w.]*)\s*:\s*([+-])\s*$/.exec(v);
  if (!m) throw new UsageError(`--expect "${v}": write lhs~rhs:+ or lhs~rhs:- (e.g. AoDS~PC:-)`);
  return { lhs: m[1]!, rhs: m[2]!, sign: m[3] === '+' ? 1 : -1 };
}

function vaarText(v: SemVaar): string {
  const rows = v.paths.map((p) => [p.groupLabel || '-', `${p.lhs} ~ ${p.rhs}`, num(p.est), num(p.pvalue), p.expectedSign > 0 ? '+' : '-', p.signAgree ? 'yes' : 'no', p.agreeAndSig ? 'yes' : 'no']);
  const groups = v.byGroup.map((g) => `${g.label || 'all'} (n = ${g.n}): ${num(g.vaarSign)} / ${num(g.vaarSignSig)}`).join('; ');
  return [
    `VAAR from the ${v.model} model, n = ${v.n}: sign ${num(v.vaarSign)}, sign and p < ${v.alpha} ${num(v.vaarSignSig)}`,
    `by group (sign / strict): ${groups}`,
    '',
    table(['group', 'path', 'est', 'pvalue', 'expected', 'sign', 'strict'], rows, [false, false, true, true, true, false, false]),
    '',
  ].join('\n');
}

function toJson(fit: SemSuccess, multiGroup: boolean, vaar?: SemVaar): unknown {
  const f = fit.fit;
  return {
    ok: true,
    estimator: fit.se === 'robust' ? 'MLR' : 'ML',
    se: fit.se === 'robust' ? 'robust.huber.white' : 'standard',
    information: fit.information,
    groups: fit.groups,
    iterations: fit.iterations,
    parameters: fit.estimates.map((e) => lavaanRow(e, multiGroup)),
    fit_measures: {
      npar: f.npar, chisq: f.chisq, df: f.df, pvalue: f.pvalue, 'baseline.chisq': f.baselineChisq, 'baseline.df': f.baselineDf,
      cfi: f.cfi, tli: f.tli, rmsea: f.rmsea, 'rmsea.ci.lower': f.rmseaCiLower, 'rmsea.ci.upper': f.rmseaCiUpper, srmr: f.srmr, logl: f.logl, aic: f.aic, bic: f.bic, ntotal: f.ntotal,
    },
    ...(fit.robust ? {
      robust_measures: {
        'chisq.scaled': fit.robust.chisqScaled, 'chisq.scaling.factor': fit.robust.scalingFactor, 'pvalue.scaled': fit.robust.pvalueScaled,
        'baseline.chisq.scaled': fit.robust.baselineChisqScaled, 'baseline.chisq.scaling.factor': fit.robust.baselineScalingFactor,
        'cfi.scaled': fit.robust.cfiScaled, 'tli.scaled': fit.robust.tliScaled, 'rmsea.scaled': fit.robust.rmseaScaled,
        'cfi.robust': fit.robust.cfiRobust, 'tli.robust': fit.robust.tliRobust, 'rmsea.robust': fit.robust.rmseaRobust,
      },
    } : {}),
    chisq_by_group: fit.chisqByGroup,
    ...(vaar ? { vaar } : {}),
    warnings: fit.warnings,
    admissible: fit.admissible,
    checks: fit.checks,
  };
}

const num = (v: number | null, digits = 3) => (v === null ? '' : Number.isNaN(v) ? 'NA' : v.toFixed(digits));

/** An aligned text table: numbers right-aligned, names left-aligned. */
function table(head: string[], rows: string[][], right: boolean[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

function toText(fit: SemSuccess, multiGroup: boolean): string {
  const f = fit.fit;
  const head = ['lhs', 'op', 'rhs', ...(multiGroup ? ['group'] : []), 'est', 'se', 'z', 'pvalue', 'std.all'];
  const rows = fit.estimates.map((e) => [
    e.lhs, e.op, e.rhs, ...(multiGroup ? [e.groupLabel] : []),
    num(e.est), num(e.se), num(e.z), num(e.pvalue), num(e.stdAll),
  ]);
  const right = head.map((_, i) => i >= (multiGroup ? 4 : 3));
  const groups = fit.groups.map((g) => (g.label ? `${g.label} (n = ${g.n})` : `n = ${g.n}`)).join(', ');
  const measures: [string, string][] = [
    ['npar', String(f.npar)], ['chisq', num(f.chisq)], ['df', String(f.df)], ['pvalue', num(f.pvalue)],
    ['cfi', num(f.cfi)], ['tli', num(f.tli)], ['rmsea', num(f.rmsea)], ['srmr', num(f.srmr)],
  ];
  const rb = fit.robust;
  if (rb) {
    measures.push(
      ['chisq.scaled', num(rb.chisqScaled)], ['chisq.scaling.factor', num(rb.scalingFactor)], ['pvalue.scaled', num(rb.pvalueScaled)],
      ['cfi.robust', num(rb.cfiRobust)], ['tli.robust', num(rb.tliRobust)], ['rmsea.robust', num(rb.rmseaRobust)],
    );
  }
  return [
    ...(fit.admissible ? [] : [`INADMISSIBLE: ${fit.checks.filter((c) => c.inadmissible).map((c) => c.message).join('; ')}. The numbers below are shown, not interpreted.`, '']),
    `Estimator ${fit.se === 'robust' ? 'MLR (robust sandwich SEs)' : 'ML'}, ${fit.information} information; ${groups}; converged in ${fit.iterations} iterations`,
    '',
    table(head, rows, right),
    '',
    table(['measure', 'value'], measures, [false, true]),
    '',
  ].join('\n');
}

async function ladder(parsed: ReturnType<typeof parseArgv>, group: string, io: CliIo): Promise<number> {
  const dataFile = parsed.positionals[0]!;
  const modelFile = parsed.string('model')!;
  const model = readFile(modelFile, io.cwd, 'model file');
  const csv = readFile(dataFile, io.cwd, 'data file');
  let table0;
  try {
    table0 = parseCsv(csv, dataFile);
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    io.stderr(`dilemma sem: the fit failed (bad-data): ${e.message}\n`);
    return 1;
  }
  const information = parsed.string('information') as 'expected' | 'observed' | undefined;
  const lad = invarianceLadder({
    model, modelFile, data: table0, group,
    se: (parsed.string('se') ?? 'standard') as 'standard' | 'robust', ...(information ? { information } : {}),
  });
  if (!lad.ok) {
    io.stderr(`dilemma sem: the ${lad.step} fit failed (${lad.failure.reason}): ${lad.failure.message}\n`);
    return 1;
  }
  const steps: Record<string, unknown>[] = lad.steps.map(({ model: name, against, fit: r, comparison: cmp }) => ({
    model: name, against: against ?? null, npar: r.fit.npar, chisq: r.fit.chisq, df: r.fit.df, cfi: r.fit.cfi, rmsea: r.fit.rmsea,
    ...(cmp ? { 'chisq.diff': cmp.dChisq, 'df.diff': cmp.dDf, pvalue: cmp.pvalue, 'cfi.diff': cmp.dCfi, 'rmsea.diff': cmp.dRmsea } : {}),
    ...(cmp?.scaled ? { 'chisq.diff.scaled': cmp.scaled.dChisq, 'pvalue.scaled': cmp.scaled.pvalue } : {}),
    admissible: r.admissible,
  }));
  for (const st of lad.steps) for (const w of st.fit.checks) io.stderr(`dilemma sem: warning (${st.model}): ${w.message}\n`);
  if (parsed.bool('json')) {
    io.stdout(`${JSON.stringify({ ok: true, ladder: steps }, null, 2)}\n`);
    return 0;
  }
  const n = (v: unknown, d = 3) => (typeof v === 'number' ? num(v, d) : '');
  const robust = steps.some((s) => s['chisq.diff.scaled'] !== undefined);
  const rows = steps.map((s) => [String(s.model), String(s.against ?? ''), String(s.npar), n(s.chisq), String(s.df), n(s.cfi), n(s.rmsea),
    n(s['chisq.diff']), s['df.diff'] === undefined ? '' : String(s['df.diff']), n(s.pvalue, 4),
    ...(robust ? [n(s['chisq.diff.scaled']), n(s['pvalue.scaled'], 4)] : []), n(s['cfi.diff']), n(s['rmsea.diff'])]);
  const head = ['model', 'against', 'npar', 'chisq', 'df', 'cfi', 'rmsea', 'Δchisq', 'Δdf', 'p', ...(robust ? ['Δchisq.scaled', 'p.scaled'] : []), 'Δcfi', 'Δrmsea'];
  io.stdout(`${table(head, rows, head.map((_, i) => i >= 2))}\n`);
  return 0;
}

function readFile(file: string, cwd: string, what: string): string {
  try {
    return fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/**
 * `dilemma sem <data.csv> --model <file.lav> [--group <column>] [--equal ...] [--se ...]
 * [--information ...] [--json]`: fits the model as lavaan's sem() and prints lavaan's parameter
 * table and fit measures. Exit 0 fitted, 1 the fit failed (the reason is printed), 2 usage error.
 */
export const semCommand: CliCommand = {
  summary: 'fit a multi-group structural equation model (lavaan syntax) to a wide CSV',
  usage: `usage: dilemma sem <data.csv> --model <file.lav> [--group <column>] [--equal loadings,intercepts,regressions] [--se standard|robust] [--information expected|observed] [--expect lhs~rhs:+|-]... [--ladder] [--json]\n\n${flagHelp(flags)}\n\nExit code: 0 fitted, 1 the fit failed (reason printed), 2 usage error or unreadable file.`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseArgv(args, flags);
    if (parsed.bool('help')) {
      io.stdout(`${semCommand.usage}\n`);
      return 0;
    }
    if (parsed.positionals.length !== 1) throw new UsageError(`expected one data file, got ${parsed.positionals.length}: dilemma sem <data.csv> --model <file.lav>`);
    const dataFile = parsed.positionals[0]!;
    const modelFile = parsed.string('model');
    if (!modelFile) throw new UsageError('--model <file.lav> is required');
    const equal = (parsed.string('equal') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const bad = equal.find((e) => !EQUALITY.includes(e as EqualityKind));
    if (bad !== undefined) throw new UsageError(`--equal: unknown parameter kind "${bad}"; use ${EQUALITY.join(', ')}`);
    const group = parsed.string('group');
    if (parsed.bool('ladder')) {
      if (group === undefined) throw new UsageError('--ladder needs --group');
      if (equal.length) throw new UsageError('--ladder fits its own --equal steps; leave --equal out');
      return ladder(parsed, group, io);
    }
    const expected = parsed.list('expect').map(parseExpect);
    const model = readFile(modelFile, io.cwd, 'model file');
    const csv = readFile(dataFile, io.cwd, 'data file');
    const json = parsed.bool('json');
    let result;
    try {
      const information = parsed.string('information') as 'expected' | 'observed' | undefined;
      result = fitSem({
        model, modelFile, data: parseCsv(csv, dataFile), equal: equal as EqualityKind[],
        ...(group !== undefined ? { group } : {}),
        se: (parsed.string('se') ?? 'standard') as 'standard' | 'robust',
        ...(information ? { information } : {}),
      });
    } catch (e) {
      if (!(e instanceof CsvError)) throw e;
      result = { ok: false as const, reason: 'bad-data' as const, message: e.message };
    }
    if (!result.ok) {
      if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      io.stderr(`dilemma sem: the fit failed (${result.reason}): ${result.message}\n`);
      return 1;
    }
    for (const w of result.warnings) io.stderr(`dilemma sem: warning: ${w}\n`);
    const multiGroup = group !== undefined;
    let vaar: SemVaar | undefined;
    const withheld = expected.length && !result.admissible ? 'no VAAR: the fit is inadmissible (see the warnings); its paths are not interpreted' : undefined;
    if (expected.length && !withheld) {
      try {
        vaar = semVaar(result, expected, { model: modelName(equal, multiGroup) });
      } catch (e) {
        throw new UsageError(`--expect: ${(e as Error).message}`);
      }
    }
    const out = toJson(result, multiGroup, vaar) as Record<string, unknown>;
    io.stdout(json ? `${JSON.stringify(withheld ? { ...out, vaar_withheld: withheld } : out, null, 2)}\n` : toText(result, multiGroup) + (vaar ? `\n${vaarText(vaar)}` : withheld ? `\n${withheld}\n` : ''));
    return 0;
  },
};
