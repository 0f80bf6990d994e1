import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as fs from 'fs';
import * as path from 'path';
import { parseCsv, type CsvTable } from '../../../../src/core/analysis/sem/csv';
import { groupData, type SemData } from '../../../../src/core/analysis/sem/data';
import { fitSem, type SemFitInput } from '../../../../src/core/analysis/sem/fitSem';
import { paramsByGroup } from '../../../../src/core/analysis/sem/implied';
import { cholesky } from '../../../../src/core/analysis/sem/matrix';
import { mlGradient, mlObjective, type SemProblem } from '../../../../src/core/analysis/sem/ml';
import type { SemFailure, SemResult, SemSuccess } from '../../../../src/core/analysis/sem/result';
import { buildSpec } from '../../../../src/core/analysis/sem/spec';
import { startValues } from '../../../../src/core/analysis/sem/start';
import { parseSemSyntax } from '../../../../src/core/analysis/sem/syntax';
import { loadTable, referenceDir } from './referenceFixture';

const model = fs.readFileSync(path.join(referenceDir, 'model.lav'), 'utf8');
const likert = () => loadTable('mg_likert.csv');

function edit(t: CsvTable, f: (row: string[], col: (name: string) => number, i: number) => void): CsvTable {
  const rows = t.rows.map((r) => [...r]);
  const col = (n: string) => t.header.indexOf(n);
  rows.forEach((r, i) => f(r, col, i));
  return { ...t, rows };
}

function failure(r: SemResult): SemFailure {
  assert.equal(r.ok, false, 'expected a failure');
  return r as SemFailure;
}
function success(r: SemResult): SemSuccess {
  assert.ok(r.ok, r.ok ? '' : `${r.reason}: ${r.message}`);
  return r;
}
const fit = (over: Partial<SemFitInput> = {}) => fitSem({ model, modelFile: 'model.lav', data: likert(), group: 'group', ...over });

describe('SEM engine: typed failures, never numbers', () => {
  it('a constant item in one group', () => {
    const f = failure(fit({ data: edit(likert(), (r, c) => { if (r[c('group')] === 'llm_b') r[c('pc1')] = '4'; }) }));
    assert.equal(f.reason, 'constant-item');
    assert.match(f.message, /group "llm_b".*pc1/);
  });

  it('an empty item in one group', () => {
    const f = failure(fit({ data: edit(likert(), (r, c) => { if (r[c('group')] === 'llm_a') r[c('psa2')] = ''; }) }));
    assert.equal(f.reason, 'empty-item');
    assert.match(f.message, /group "llm_a" has no values for psa2/);
  });

  it('too few rows in a group (fewer than items + 1)', () => {
    const t = likert();
    const gi = t.header.indexOf('group');
    const keep = t.rows.filter((r) => r[gi] === 'llm_a').slice(0, 12).concat(t.rows.filter((r) => r[gi] === 'llm_b'));
    const f = failure(fit({ data: { ...t, rows: keep, lines: keep.map((_, i) => i + 2) } }));
    assert.equal(f.reason, 'too-few-rows');
    assert.match(f.message, /group "llm_a" has 12 complete rows; 13 or more/);
  });

  it('duplicated items make the sample covariance singular', () => {
    const f = failure(fit({ data: edit(likert(), (r, c) => { r[c('pc2')] = r[c('pc1')]!; }) }));
    assert.equal(f.reason, 'sample-not-positive-definite');
    assert.match(f.message, /group "llm_a".*not positive definite/);
  });

  for (const information of ['expected', 'observed'] as const) {
    it(`an unidentified model (marker freed, no variance fixed), ${information} information`, () => {
      const f = failure(fit({ model: model.replace('PC   =~ pc1', 'PC   =~ NA*pc1'), information }));
      assert.equal(f.reason, 'not-identified');
      assert.match(f.message, /not identified/);
    });
  }

  it('an optimiser that runs out of iterations', () => {
    const f = failure(fit({ maxIterations: 5, equal: ['loadings'] }));
    assert.equal(f.reason, 'not-converged');
    assert.match(f.message, /did not converge for llm_a, llm_b within 5 iterations from either set of start values/);
    // The configural model decomposes by group; its message names the group that failed.
    assert.match(failure(fit({ maxIterations: 3, equal: [] })).message, /did not converge for llm_a within 3 iterations/);
  });

  it('a model variable missing from the data, at model file line:col', () => {
    const f = failure(fit({ model: model.replace('psa4', 'psa9') }));
    assert.equal(f.reason, 'bad-model');
    const line = model.split('\n').findIndex((l) => l.includes('psa4')) + 1;
    const col = model.split('\n')[line - 1]!.indexOf('psa4') + 1;
    assert.equal(f.message, `model.lav:${line}:${col}: variable "psa9" is neither a latent variable nor a data column`);
  });

  it('unsupported constructs at line:col: observed regressions, mixed covariances, duplicates', () => {
    const n = model.split('\n').length + 1;
    assert.match(failure(fit({ model: `${model}\naods1 ~ PC` })).message, new RegExp(`^model\\.lav:${n}:1: regressions`));
    assert.match(failure(fit({ model: `${model}\npc1 ~~ PC` })).message, new RegExp(`^model\\.lav:${n}:8: "pc1 ~~ PC" mixes a latent and an observed variable`));
    assert.match(failure(fit({ model: `${model}\nPSA ~~ PC` })).message, new RegExp(`^model\\.lav:${n}:8: "PSA ~~ PC" is specified twice`));
    assert.match(failure(fit({ model: `${model}\naods1 ~ PC` })).message, /regressions of observed variables are not supported/);
  });

  it('a syntax error carries the model file and line:col', () => {
    const f = failure(fit({ model: 'PC =~ pc1 + pc2 +\n\n' }));
    assert.equal(f.reason, 'bad-model');
    assert.match(f.message, /^model\.lav:1:17: expected a variable name after "\+"/);
  });

  it('a non-numeric cell is bad data at file:line', () => {
    const f = failure(fit({ data: edit(likert(), (r, c, i) => { if (i === 6) r[c('aods3')] = 'often'; }) }));
    assert.equal(f.reason, 'bad-data');
    assert.equal(f.message, 'mg_likert.csv:8: column "aods3": "often" is not a number');
  });

  it('a missing group column is bad data', () => {
    const f = failure(fit({ group: 'llm' }));
    assert.equal(f.reason, 'bad-data');
    assert.match(f.message, /no column "llm" for --group/);
  });
});

describe('SEM engine: properties', () => {
  it('the analytic gradient equals central differences away from the optimum (scalar model, with paths and means)', () => {
    const t = likert();
    const statements = parseSemSyntax(model);
    const equal = ['loadings', 'intercepts'] as const;
    const probe = buildSpec(statements, { groups: [''], meanStructure: true, equal: [...equal] });
    const data = groupData(t, probe.ov, 'group') as SemData;
    const spec = buildSpec(statements, { groups: data.groups.map((g) => g.label), meanStructure: true, equal: [...equal] });
    const problem: SemProblem = { spec, rows: paramsByGroup(spec), data: data.groups, nTotal: 600 };
    const x = startValues(spec, data.groups);
    // A deterministic, admissible point with every kind of parameter away from zero.
    spec.params.forEach((r, i) => { if (r.free >= 0 && r.matrix !== 'theta' && !(r.matrix === 'psi' && r.row === r.col)) x[r.free]! += 0.1 * Math.sin(i + 1); });
    spec.params.forEach((r) => { if (r.free >= 0 && r.matrix === 'psi' && r.row === r.col) x[r.free] = 0.4; });
    const g = new Float64Array(spec.nFree);
    assert.ok(Number.isFinite(mlGradient(problem, x, g)));
    for (let k = 0; k < spec.nFree; k++) {
      const h = 1e-6;
      const xp = Float64Array.from(x); xp[k]! += h;
      const xm = Float64Array.from(x); xm[k]! -= h;
      const num = (mlObjective(problem, xp) - mlObjective(problem, xm)) / (2 * h);
      assert.ok(Math.abs(num - g[k]!) <= 1e-6 * Math.max(1, Math.abs(num)), `param ${k}: analytic ${g[k]} numeric ${num}`);
    }
  });

  it('group order does not change the estimates of a group', () => {
    const t = likert();
    const rev = { ...t, rows: [...t.rows].reverse(), lines: [...t.lines].reverse() };
    const a = success(fit({ equal: ['loadings'] }));
    const b = success(fit({ data: rev, equal: ['loadings'] }));
    assert.deepEqual(b.groups.map((g) => g.label), ['llm_b', 'llm_a']);
    assert.ok(Math.abs(a.fit.chisq - b.fit.chisq) < 1e-6);
    for (const e of a.estimates) {
      const o = b.estimates.find((q) => q.lhs === e.lhs && q.op === e.op && q.rhs === e.rhs && q.groupLabel === e.groupLabel)!;
      assert.ok(Math.abs(o.est - e.est) < 1e-6, `${e.lhs}${e.op}${e.rhs} ${e.groupLabel}`);
    }
  });

  it('the configural fit is the sum of single-group fits', () => {
    const conf = success(fit());
    for (const label of ['llm_a', 'llm_b']) {
      const single = success(fitSem({ model, data: loadTable('mg_likert.csv', label) }));
      assert.ok(Math.abs(single.fit.chisq - conf.chisqByGroup[label]!) < 1e-6, label);
      for (const e of single.estimates) {
        const o = conf.estimates.find((q) => q.lhs === e.lhs && q.op === e.op && q.rhs === e.rhs && q.groupLabel === label)!;
        assert.ok(Math.abs(o.est - e.est) < 1e-6);
      }
    }
  });

  it('rescaling every item leaves chi-square and std.all unchanged and scales loadings-free variances by c²', () => {
    const c = 2.5;
    const scaled = edit(likert(), (r, col) => { for (const v of ['pc1', 'pc2', 'pc3', 'pc4', 'psa1', 'psa2', 'psa3', 'psa4', 'aods1', 'aods2', 'aods3', 'aods4']) r[col(v)] = String(Number(r[col(v)]) * c); });
    const a = success(fit());
    const b = success(fit({ data: scaled }));
    assert.ok(Math.abs(a.fit.chisq - b.fit.chisq) < 1e-5);
    a.estimates.forEach((e, i) => {
      assert.ok(Math.abs(e.stdAll - b.estimates[i]!.stdAll) < 1e-5, `${e.lhs}${e.op}${e.rhs}`);
      if (e.op === '~~' && e.lhs === e.rhs && e.lhs.startsWith('pc')) assert.ok(Math.abs(b.estimates[i]!.est / e.est - c * c) < 1e-4);
    });
  });

  it('reverse-keying items (6 − x) flips their loadings and leaves chi-square unchanged', () => {
    const a = success(fit());
    const b = success(fit({ data: edit(likert(), (r, c) => { for (const v of ['pc2', 'psa3', 'aods4']) r[c(v)] = String(6 - Number(r[c(v)])); }) }));
    assert.ok(Math.abs(a.fit.chisq - b.fit.chisq) < 1e-5, `${a.fit.chisq} vs ${b.fit.chisq}`);
    for (const [f, v] of [['PC', 'pc2'], ['PSA', 'psa3'], ['AoDS', 'aods4']]) {
      for (const g of [1, 2]) {
        const la = a.estimates.find((e) => e.lhs === f && e.op === '=~' && e.rhs === v && e.group === g)!;
        const lb = b.estimates.find((e) => e.lhs === f && e.op === '=~' && e.rhs === v && e.group === g)!;
        assert.ok(Math.abs(la.est + lb.est) < 1e-5, `${f}=~${v} group ${g}: ${la.est} vs ${lb.est}`);
      }
    }
  });

  it('choosing another marker item leaves chi-square unchanged', () => {
    const a = success(fit());
    const b = success(fit({ model: model.replace('pc1 + pc2', 'pc2 + pc1') }));
    assert.ok(Math.abs(a.fit.chisq - b.fit.chisq) < 1e-5);
    assert.equal(b.estimates.find((e) => e.rhs === 'pc2' && e.op === '=~')!.est, 1);
  });

  it('reports a negative residual variance (Heywood case) as a warning, as lavaan does, with the numbers', () => {
    // One-factor covariances where λ_a²ψ = s_ab·s_ac / s_bc = 0.64 / 0.3 > s_aa = 1: θ_a must be negative.
    let state = 12345;
    const uniform = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return (state + 0.5) / 4294967296; };
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const l = [[1, 0, 0], [0.8, 0.6, 0], [0.8, -0.566666, 0.1972]]; // Cholesky of [[1,.8,.8],[.8,1,.3],[.8,.3,1]] (approximately)
    const rows: string[][] = [];
    for (let i = 0; i < 2000; i++) {
      const z = [normal(), normal(), normal()];
      rows.push(l.map((r) => String(r.reduce((acc, v, k) => acc + v * z[k]!, 0))));
    }
    const data: CsvTable = { file: 'heywood.csv', header: ['a', 'b', 'c'], rows, lines: rows.map((_, i) => i + 2) };
    const r = success(fitSem({ model: 'F =~ a + b + c', data }));
    const theta = r.estimates.find((e) => e.lhs === 'a' && e.op === '~~' && e.rhs === 'a')!;
    assert.ok(theta.est < 0, `θ_a = ${theta.est}`);
    assert.deepEqual(r.checks.map((c) => [c.kind, c.variable, c.inadmissible]), [['negative-variance', 'a', true]]);
    assert.match(r.warnings[0]!, /^negative residual variance estimate for a in the data \(-1\.\d+, a Heywood case\): the solution is inadmissible$/);
    assert.equal(r.admissible, false);
    assert.equal(r.fit.df, 0);
    assert.ok(Math.abs(r.fit.chisq) < 1e-8);
  });

  it('warns about listwise deletion and keeps fitting', () => {
    const r = success(fit({ data: edit(likert(), (row, col, i) => { if (i < 3) row[col('pc3')] = 'NA'; }) }));
    assert.deepEqual(r.warnings.filter((w) => /listwise/.test(w)), ['3 incomplete rows were left out (listwise deletion)']);
    assert.equal(r.admissible, true);
    assert.equal(r.groups[0]!.n, 297);
  });
});

describe('CSV reader', () => {
  it('reads quoted fields, CRLF, a BOM and blank lines', () => {
    const t = parseCsv('\ufeffa,"b c",d\r\n1,"x, ""y""",3\r\n\r\n4,5,6\n', 'f.csv');
    assert.deepEqual(t.header, ['a', 'b c', 'd']);
    assert.deepEqual(t.rows, [['1', 'x, "y"', '3'], ['4', '5', '6']]);
    assert.deepEqual(t.lines, [2, 4]);
  });

  const bad: [string, string][] = [
    ['a,b\n1,2\n3\n', 'f.csv:3: expected 2 fields as in the header, found 1'],
    ['a,b\n1,"2\n', 'f.csv:2: unterminated quoted field'],
    ['a,a\n1,2\n', 'f.csv:1: column "a" appears twice in the header'],
    ['', 'f.csv:1: the file is empty (no header row)'],
    ['a,b\n1,x"y"\n', 'f.csv:2: a quote inside an unquoted field'],
  ];
  for (const [text, msg] of bad) it(`rejects: ${msg}`, () => assert.throws(() => parseCsv(text, 'f.csv'), { message: msg }));
});

/** lavaan's verdict on the same data and model: post.check and the warnings it raised (skips without R and lavaan). */
function lavaanPostCheck(ctx: Mocha.Context, csv: string, modelText: string, group?: string): { ok: boolean; warnings: string } {
  const probe = spawnSync('Rscript', ['-e', 'suppressMessages(library(lavaan))'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) ctx.skip();
  ctx.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-postcheck-'));
  try {
    fs.writeFileSync(path.join(dir, 'd.csv'), csv);
    fs.writeFileSync(path.join(dir, 'm.lav'), modelText);
    const script = `suppressMessages(library(lavaan)); d <- read.csv('${path.join(dir, 'd.csv')}'); m <- paste(readLines('${path.join(dir, 'm.lav')}'), collapse = '\\n')
w <- character(0); fit <- withCallingHandlers(sem(m, data = d${group ? `, group = '${group}'` : ''}), warning = function(x) { w <<- c(w, conditionMessage(x)); invokeRestart('muffleWarning') })
cat(lavInspect(fit, 'post.check'), '\\n'); cat(gsub('\\n', ' ', w), sep = '\\n')`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [first, ...rest] = r.stdout.split('\n');
    return { ok: first!.trim() === 'TRUE', warnings: rest.join('\n') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** n rows drawn from N(0, S) with S given by its rows; seeded. */
function draw(s: number[][], n: number, seed: number): string[][] {
  let state = seed;
  const uniform = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return (state + 0.5) / 4294967296; };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const p = s.length;
  const l = cholesky(Float64Array.from(s.flat()), p)!;
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: p }, normal);
    return Array.from({ length: p }, (_, i) => z.reduce((acc, zk, k) => acc + (k <= i ? l[i * p + k]! * zk : 0), 0).toFixed(6));
  });
}
const toCsv = (t: CsvTable) => [t.header.join(','), ...t.rows.map((r) => r.join(','))].join('\n') + '\n';

describe('SEM engine: post-fit checks, as lavaan\'s post.check', () => {
  // Within-factor correlations 0.3 and between-factor 0.4: the implied latent correlation is 0.4/0.3 ≈ 1.33.
  const within = 0.3;
  const between = 0.4;
  const S = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === j ? 1 : (i < 3) === (j < 3) ? within : between)));
  const rows = draw(S, 1000, 7);
  const data: CsvTable = { file: 'lvcov.csv', header: ['x1', 'x2', 'x3', 'y1', 'y2', 'y3'], rows, lines: rows.map((_, i) => i + 2) };
  const twoFactors = 'F1 =~ x1 + x2 + x3\nF2 =~ y1 + y2 + y3\n';

  it('a latent correlation beyond 1 is a non-positive-definite latent covariance: inadmissible, like lavaan', function () {
    const r = success(fitSem({ model: twoFactors, data }));
    const cov = r.estimates.find((e) => e.lhs === 'F1' && e.op === '~~' && e.rhs === 'F2')!;
    assert.ok(cov.stdAll > 1, `latent correlation ${cov.stdAll}`);
    assert.deepEqual(r.checks.map((c) => c.kind), ['latent-covariance-not-positive-definite']);
    assert.equal(r.admissible, false);
    const lav = lavaanPostCheck(this, toCsv(data), twoFactors);
    assert.equal(lav.ok, false);
    assert.match(lav.warnings, /covariance matrix of latent variables\s+is not positive definite/);
  });

  it('the Heywood case of the one-factor model is flagged by lavaan too', function () {
    const h = [[1, 0.8, 0.8], [0.8, 1, 0.3], [0.8, 0.3, 1]];
    const hr = draw(h, 2000, 12345);
    const hd: CsvTable = { file: 'heywood.csv', header: ['a', 'b', 'c'], rows: hr, lines: hr.map((_, i) => i + 2) };
    const r = success(fitSem({ model: 'F =~ a + b + c', data: hd }));
    assert.deepEqual(r.checks.map((c) => [c.kind, c.variable]), [['negative-variance', 'a']]);
    const lav = lavaanPostCheck(this, toCsv(hd), 'F =~ a + b + c');
    assert.equal(lav.ok, false);
    assert.match(lav.warnings, /some estimated ov variances are negative/);
  });

  it('an admissible fit passes both checks', function () {
    const ok = S.map((row, i) => row.map((v, j) => (i === j ? 1 : (i < 3) === (j < 3) ? 0.5 : 0.2)));
    const okRows = draw(ok, 1000, 3);
    const okData: CsvTable = { ...data, rows: okRows, lines: okRows.map((_, i) => i + 2) };
    const r = success(fitSem({ model: twoFactors, data: okData }));
    assert.deepEqual(r.checks, []);
    assert.equal(r.admissible, true);
    assert.equal(lavaanPostCheck(this, toCsv(okData), twoFactors).ok, true);
  });

  it('warns below 10 complete rows per free parameter of a group, and says how many', () => {
    // Two factors of three items: 4 free loadings, 6 residual variances, 2 latent variances, 1 covariance = 13.
    const small: CsvTable = { ...data, rows: rows.slice(0, 100), lines: rows.slice(0, 100).map((_, i) => i + 2) };
    const r = success(fitSem({ model: twoFactors.replace('F2 =~', 'F2 =~'), data: small }));
    const c = r.checks.find((x) => x.kind === 'few-rows-per-parameter')!;
    assert.equal(r.fit.npar, 13);
    assert.match(c.message, /^the data has 100 complete rows for 13 free parameters \(7\.7 per parameter, fewer than 10\)/);
    assert.equal(c.inadmissible, false);
    const enough: CsvTable = { ...data, rows: rows.slice(0, 130), lines: rows.slice(0, 130).map((_, i) => i + 2) };
    const r2 = fitSem({ model: twoFactors, data: enough });
    assert.ok(r2.ok && !r2.checks.some((x) => x.kind === 'few-rows-per-parameter'));
  });
});

describe('SEM engine: std.all of residual covariances', () => {
  it('is lavaan\'s cov.std: the covariance divided by the residual standard deviations (when R and lavaan are installed)', function () {
    const probe = spawnSync('Rscript', ['-e', 'suppressMessages(library(lavaan))'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) this.skip();
    this.timeout(120_000);
    const resid = `${model}\npc2 ~~ pc3\npsa1 ~~ aods2\n`;
    const r = success(fitSem({ model: resid, data: likert(), group: 'group' }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-covstd-'));
    try {
      fs.writeFileSync(path.join(dir, 'm.lav'), resid);
      const script = `suppressMessages(library(lavaan)); d <- read.csv('${path.join(referenceDir, 'mg_likert.csv')}')
f <- sem(paste(readLines('${path.join(dir, 'm.lav')}'), collapse = '\\n'), data = d, group = 'group')
pe <- parameterEstimates(f, standardized = TRUE); pe <- pe[pe$op == '~~' & pe$lhs != pe$rhs, ]
cat(sprintf('%s %s %d %.10f\\n', pe$lhs, pe$rhs, pe$group, pe$std.all), sep = '')`;
      const out = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const rows = out.stdout.trim().split('\n').map((l) => l.split(' '));
      assert.equal(rows.length, 6, out.stdout); // PC ~~ PSA and the two residual covariances, in 2 groups
      for (const [lhs, rhs, group, std] of rows) {
        const e = r.estimates.find((x) => x.op === '~~' && x.lhs === lhs && x.rhs === rhs && x.group === Number(group))!;
        assert.ok(Math.abs(e.stdAll - Number(std)) < 1e-4, `${lhs} ~~ ${rhs} group ${group}: ours ${e.stdAll}, lavaan ${std}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
