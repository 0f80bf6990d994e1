#!/usr/bin/env node
// Differential test of `dilemma sem` against real lavaan. Generates fresh data with a printed seed
// (3 factors, 2-3 groups), fits the configural, metric and scalar models (plus strict, equal regressions, MLR, observed information
// and an observed outcome) with lavaan (Rscript) and with `node dist/cli.js sem --json`, compares them within the tolerances of
// ../shared/sem-reference/README.md, prints each comparison and ends with `N passed, N failed`.
// Needs: Rscript with lavaan and jsonlite (Debian: r-base-core r-cran-lavaan r-cran-jsonlite) and a built dist/cli.js.
// Usage: node test/sem-diff/differential.mjs [--seed N]   (or SEM_DIFF_SEED=N)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const si = process.argv.indexOf('--seed');
const seed = Number(si > 0 ? process.argv[si + 1] : process.env.SEM_DIFF_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`sem-diff: seed ${seed} (rerun with --seed ${seed})`);

const TOL = { est: 1e-4, seRel: 1e-3, chisqRel: 1e-4, index: 1e-6, std: 1e-4 };

// mulberry32: small, seedable, good enough for synthetic data.
function rng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(seed);
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const unif = (a, b) => a + (b - a) * rand();

const G = 2 + Math.floor(rand() * 2);
const itemsPer = [4, 3 + Math.floor(rand() * 2), 4];
const factors = ['PC', 'PSA', 'AoDS'];
const items = factors.map((f, k) => Array.from({ length: itemsPer[k] }, (_, j) => `${f.toLowerCase()}${j + 1}`));
const likert = rand() < 0.5;
// Some non-marker items are reverse-keyed (negative loadings), as questionnaires have.
const baseLoad = items.map((its) => its.map((_, j) => (j === 0 ? 1 : unif(0.6, 1.2) * (rand() < 0.25 ? -1 : 1))));
const baseInt = items.map((its) => its.map(() => unif(2.5, 4)));
const rows = [];
const groups = [];
for (let g = 0; g < G; g++) {
  const label = `llm_${String.fromCharCode(97 + g)}`;
  const n = 200 + Math.floor(rand() * 201);
  groups.push(`${label} (n = ${n})`);
  const load = baseLoad.map((ls) => ls.map((l, j) => (j === 0 ? 1 : l + unif(-0.1, 0.1))));
  const ints = baseInt.map((is) => is.map((v) => v + unif(-0.15, 0.15)));
  const v1 = unif(0.4, 0.7); const v2 = unif(0.4, 0.7); const r12 = unif(-0.4, 0.4);
  const b1 = unif(-0.6, 0.4); const b2 = unif(-0.2, 0.5); const m1 = unif(-0.3, 0.3); const m2 = unif(-0.3, 0.3);
  for (let i = 0; i < n; i++) {
    const z1 = normal(); const z2 = normal();
    const f1 = m1 + Math.sqrt(v1) * z1;
    const f2 = m2 + Math.sqrt(v2) * (r12 * z1 + Math.sqrt(1 - r12 * r12) * z2);
    const f3 = b1 * f1 + b2 * f2 + Math.sqrt(0.4) * normal();
    const fs_ = [f1, f2, f3];
    const vals = items.flatMap((its, k) => its.map((_, j) => {
      const y = ints[k][j] + load[k][j] * fs_[k] + Math.sqrt(unif(0.3, 0.6)) * normal();
      return likert ? String(Math.min(7, Math.max(1, Math.round(y + 1)))) : y.toFixed(4);
    }));
    rows.push([label, String(i + 1), ...vals].join(','));
  }
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sem-diff-'));
const csv = path.join(dir, 'data.csv');
fs.writeFileSync(csv, [['group', 'id', ...items.flat()].join(','), ...rows].join('\n') + '\n');
const lav = path.join(dir, 'model.lav');
fs.writeFileSync(lav, [
  '# measurement model',
  ...factors.map((f, k) => `${f} =~ ${items[k].join(' + ')}`),
  '# structural model',
  'AoDS ~ PC + PSA',
  'PC ~~ PSA',
].join('\n') + '\n');
console.log(`sem-diff: ${G} groups: ${groups.join(', ')}; items ${itemsPer.join('/')}; ${likert ? 'Likert 1-7' : 'continuous'} data in ${dir}`);

try {
  execFileSync('Rscript', ['-e', 'suppressPackageStartupMessages({library(lavaan); library(jsonlite)})'], { stdio: 'ignore' });
} catch {
  console.log('sem-diff: Rscript with lavaan and jsonlite is not available (apt-get install -y --no-install-recommends r-base-core r-cran-lavaan r-cran-jsonlite)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const cli = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(cli)) { console.log('sem-diff: dist/cli.js is missing: run `npm run build` first'); console.log('0 passed, 1 failed'); process.exit(1); }

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}  ${detail}`);
}

// The same model with residual covariances: their std.all is lavaan's cov.std (divided by the residual SDs).
const lavResid = path.join(dir, 'model_residual_covariances.lav');
fs.writeFileSync(lavResid, `${fs.readFileSync(lav, 'utf8')}${items[0][1]} ~~ ${items[0][2]}\n${items[1][0]} ~~ ${items[2][1]}\n`);
const fits = [
  { name: 'configural', equal: '', estimator: 'ML' },
  { name: 'metric', equal: 'loadings', estimator: 'ML' },
  { name: 'scalar', equal: 'loadings,intercepts', estimator: 'ML' },
  { name: 'strict', equal: 'loadings,intercepts,residuals', estimator: 'ML' },
  { name: 'metric, equal regressions', equal: 'loadings,regressions', estimator: 'ML' },
  { name: 'configural MLR', equal: '', estimator: 'MLR' },
  { name: 'metric MLR', equal: 'loadings', estimator: 'MLR' },
  { name: 'scalar, observed information', equal: 'loadings,intercepts', estimator: 'ML', information: 'observed' },
  { name: 'configural, residual covariances', equal: '', estimator: 'ML', model: lavResid },
  { name: 'metric, residual covariances', equal: 'loadings', estimator: 'ML', model: lavResid },
];
for (const f of fits) {
  const outFile = path.join(dir, `${f.name.replace(/ /g, '_')}.json`);
  let r;
  try {
    execFileSync('Rscript', [path.join(here, 'fitLavaan.R'), csv, f.model ?? lav, 'group', f.equal, f.estimator, outFile, ...(f.information ? [f.information] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    r = JSON.parse(fs.readFileSync(outFile, 'utf8'));
  } catch (e) {
    check(`${f.name}: lavaan`, false, `Rscript failed: ${String(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' | ')}`);
    continue;
  }
  const args = [cli, 'sem', csv, '--model', f.model ?? lav, '--group', 'group', '--json', ...(f.equal ? ['--equal', f.equal] : []), ...(f.estimator === 'MLR' ? ['--se', 'robust'] : []), ...(f.information ? ['--information', f.information] : [])];
  let o;
  try {
    o = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    check(`${f.name}: dilemma sem`, false, `failed: ${String(e.stderr ?? e.message).trim()}`);
    continue;
  }
  check(`${f.name}: both converged`, r.converged === true && o.ok === true, `lavaan ${r.converged}, ours ${o.ok}`);
  const fm = r.fit_measures;
  const ofm = o.fit_measures;
  check(`${f.name}: npar and df`, fm.npar === ofm.npar && fm.df === ofm.df, `lavaan ${fm.npar}/${fm.df}, ours ${ofm.npar}/${ofm.df}`);
  const dch = Math.abs(ofm.chisq / fm.chisq - 1);
  check(`${f.name}: chisq`, dch <= TOL.chisqRel, `lavaan ${fm.chisq.toFixed(6)}, ours ${ofm.chisq.toFixed(6)}, rel diff ${dch.toExponential(2)} (tol ${TOL.chisqRel})`);
  for (const k of ['cfi', 'tli', 'rmsea', 'rmsea.ci.lower', 'rmsea.ci.upper', 'srmr']) {
    const d = Math.abs(ofm[k] - fm[k]);
    check(`${f.name}: ${k}`, d <= TOL.index, `lavaan ${fm[k].toFixed(8)}, ours ${ofm[k].toFixed(8)}, |diff| ${d.toExponential(2)} (tol ${TOL.index})`);
  }
  if (f.estimator === 'MLR') {
    const rm = o.robust_measures ?? {};
    const dsc = Math.abs(rm['chisq.scaled'] / fm['chisq.scaled'] - 1);
    check(`${f.name}: chisq.scaled`, dsc <= TOL.chisqRel, `lavaan ${fm['chisq.scaled']?.toFixed(6)}, ours ${rm['chisq.scaled']?.toFixed(6)}, rel diff ${dsc.toExponential(2)} (tol ${TOL.chisqRel})`);
    for (const k of ['chisq.scaling.factor', 'cfi.robust', 'tli.robust', 'rmsea.robust']) {
      const d = Math.abs(rm[k] - fm[k]);
      check(`${f.name}: ${k}`, d <= TOL.index, `lavaan ${fm[k]?.toFixed(8)}, ours ${rm[k]?.toFixed(8)}, |diff| ${d.toExponential(2)} (tol ${TOL.index})`);
    }
  }
  const worst = { est: [0, ''], se: [0, ''], std: [0, ''] };
  let missing = 0;
  for (const p of r.params) {
    const q = o.parameters.find((x) => x.lhs === p.lhs && x.op === p.op && x.rhs === p.rhs && x.group === p.group);
    if (!q) { missing++; continue; }
    const id = `${p.lhs}${p.op}${p.rhs} ${p.group_label}`;
    const de = Math.abs(q.est - p.est);
    if (de > worst.est[0]) worst.est = [de, id];
    if (p.se > 0) { const ds = Math.abs(q.se / p.se - 1); if (ds > worst.se[0]) worst.se = [ds, id]; }
    if (p['std.all'] !== null) { const dd = Math.abs(q['std.all'] - p['std.all']); if (dd > worst.std[0]) worst.std = [dd, id]; }
  }
  check(`${f.name}: same parameter rows`, missing === 0 && r.params.length === o.parameters.length, `lavaan ${r.params.length}, ours ${o.parameters.length}, unmatched ${missing}`);
  check(`${f.name}: estimates`, worst.est[0] <= TOL.est, `max |diff| ${worst.est[0].toExponential(2)} at ${worst.est[1] || '-'} (tol ${TOL.est})`);
  check(`${f.name}: standard errors`, worst.se[0] <= TOL.seRel, `max rel diff ${worst.se[0].toExponential(2)} at ${worst.se[1] || '-'} (tol ${TOL.seRel})`);
  check(`${f.name}: std.all`, worst.std[0] <= TOL.std, `max |diff| ${worst.std[0].toExponential(2)} at ${worst.std[1] || '-'} (tol ${TOL.std})`);
  if (f.model === lavResid) {
    // Residual covariances: lavaan's std.all (cov.std = TRUE) is a residual correlation.
    const rc = r.params.filter((p) => p.op === '~~' && p.lhs !== p.rhs && !factors.includes(p.lhs));
    const dd = Math.max(...rc.map((p) => Math.abs(o.parameters.find((x) => x.lhs === p.lhs && x.op === '~~' && x.rhs === p.rhs && x.group === p.group)['std.all'] - p['std.all'])));
    check(`${f.name}: std.all of the ${rc.length} residual covariances`, rc.length === 2 * G && dd <= TOL.std, `max |diff| ${dd.toExponential(2)} (tol ${TOL.std})`);
  }
}
// An observed outcome: lavaan regresses the item itself; our engine (latent regressions only)
// writes it as a single-indicator factor with a zero residual variance. Same model, same paths.
{
  const name = 'observed outcome';
  const measure = factors.slice(0, 2).map((f, k) => `${f} =~ ${items[k].join(' + ')}`);
  const y = items[2][0];
  const lavR = path.join(dir, 'outcome_lavaan.lav');
  const lavOurs = path.join(dir, 'outcome_ours.lav');
  fs.writeFileSync(lavR, [...measure, `${y} ~ PC + PSA`].join('\n') + '\n');
  fs.writeFileSync(lavOurs, [...measure, `ACT =~ ${y}`, `${y} ~~ 0*${y}`, 'ACT ~ PC + PSA'].join('\n') + '\n');
  const outFile = path.join(dir, 'outcome.json');
  try {
    execFileSync('Rscript', [path.join(here, 'fitLavaan.R'), csv, lavR, 'group', '', 'ML', outFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    const r = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    const o = JSON.parse(execFileSync(process.execPath, [cli, 'sem', csv, '--model', lavOurs, '--group', 'group', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    const fm = r.fit_measures; const ofm = o.fit_measures;
    check(`${name}: npar and df`, fm.npar === ofm.npar && fm.df === ofm.df, `lavaan ${fm.npar}/${fm.df}, ours ${ofm.npar}/${ofm.df}`);
    const dch = Math.abs(ofm.chisq / fm.chisq - 1);
    check(`${name}: chisq`, dch <= TOL.chisqRel, `lavaan ${fm.chisq.toFixed(6)}, ours ${ofm.chisq.toFixed(6)}, rel diff ${dch.toExponential(2)}`);
    let de = 0; let ds = 0; let dd = 0; let missing = 0;
    for (const p of r.params.filter((q) => q.op === '~')) {
      const q = o.parameters.find((x) => x.op === '~' && x.lhs === 'ACT' && x.rhs === p.rhs && x.group === p.group);
      if (!q) { missing++; continue; }
      de = Math.max(de, Math.abs(q.est - p.est)); ds = Math.max(ds, Math.abs(q.se / p.se - 1)); dd = Math.max(dd, Math.abs(q['std.all'] - p['std.all']));
    }
    check(`${name}: paths (est, se, std.all)`, missing === 0 && de <= TOL.est && ds <= TOL.seRel && dd <= TOL.std,
      `unmatched ${missing}, max |est diff| ${de.toExponential(2)}, max rel se diff ${ds.toExponential(2)}, max |std.all diff| ${dd.toExponential(2)}`);
  } catch (e) {
    check(`${name}: both fits`, false, String(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' | '));
  }
}
console.log(`sem-diff: seed ${seed}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
