#!/usr/bin/env node
// Differential test of the composite logistic path model (Firth's bias-reduced logistic regression,
// src/core/analysis/firth.ts through fitPathModel) against R's brglm2 (glm(..., method = "brglmFit",
// type = "AS_mean")). Generates 7 fresh data sets with a printed seed, in the composite model's shape
// (an intercept plus 1-3 standardised mean stated scores of 1-7 Likert items, a 0/1 action): 3 without
// separation by design (they may separate by chance), 4 completely or quasi-completely separated by
// construction. R's plain ML glm says which are separated; at least 3 must be. Estimates and standard
// errors must agree within 1e-4, and our `separation` diagnosis must agree with R's.
// Needs: Rscript with brglm2 and jsonlite (Debian: r-base-core r-cran-brglm2 r-cran-jsonlite) and the
// compiled sources in out/ (`npm run compile-tests`; scripts/test.mjs runs it first).
// Usage: node test/sem-diff/firth.mjs [--seed N]   (or FIRTH_DIFF_SEED=N)
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const si = process.argv.indexOf('--seed');
const seed = Number(si > 0 ? process.argv[si + 1] : process.env.FIRTH_DIFF_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`firth-diff: seed ${seed} (rerun with --seed ${seed})`);
const TOL = 1e-4;

if (spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages({library(brglm2); library(jsonlite)})'], { stdio: 'ignore' }).status !== 0) {
  console.log('firth-diff: Rscript with brglm2 and jsonlite is not available (apt-get install -y --no-install-recommends r-base-core r-cran-brglm2 r-cran-jsonlite)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const compiled = path.join(root, 'out', 'src', 'core', 'analysis', 'pathModel.js');
if (!fs.existsSync(compiled)) { console.log('firth-diff: out/ is missing: run `npm run compile-tests` first'); console.log('0 passed, 1 failed'); process.exit(1); }
const require = createRequire(import.meta.url);
const { fitPathModel } = require(compiled);
// The project's one seeded PRNG (mulberry32), so a printed seed replays the same data sets.
const { seededRandom } = require(path.join(root, 'out', 'src', 'core', 'random.js'));

const rand = seededRandom(seed);
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
/** A mean stated score: the mean of `items` Likert answers 1..7 around a latent level. */
const stated = (level, items = 3) => {
  let s = 0;
  for (let i = 0; i < items; i++) s += Math.min(7, Math.max(1, Math.round(4 + 1.5 * level + 0.8 * normal())));
  return s / items;
};
const rows = (n, k) => Array.from({ length: n }, () => { const l = Array.from({ length: k }, () => normal()); return l.map((v) => stated(v)); });
const logistic = (eta) => 1 / (1 + Math.exp(-eta));
const bothClasses = (y) => y.some((v) => v === 1) && y.some((v) => v === 0);

/** y = 1 exactly when the score s(x) is above a cut placed between two distinct neighbouring values: complete separation. */
function complete(x, score) {
  const s = x.map(score);
  const distinct = [...new Set(s)].sort((a, b) => a - b);
  const i = Math.floor(distinct.length * (0.3 + 0.4 * rand()));
  const cut = (distinct[Math.max(0, i - 1)] + distinct[Math.max(1, i)]) / 2;
  return s.map((v) => (v > cut ? 1 : 0));
}
/** y = 1 above a tied value c of x[0], 0 below, either at c (both present): quasi-complete separation. */
function quasi(x) {
  const counts = new Map();
  for (const r of x) counts.set(r[0], (counts.get(r[0]) ?? 0) + 1);
  const sorted = [...counts].filter(([, c]) => c >= 2).map(([v]) => v).sort((a, b) => a - b);
  const c = sorted[Math.floor(sorted.length / 2)];
  let atC = 0;
  return x.map((r) => (r[0] > c ? 1 : r[0] < c ? 0 : atC++ % 2));
}
function bernoulli(x, b0, b) {
  return x.map((r) => (rand() < logistic(b0 + r.reduce((s, v, j) => s + b[j] * (v - 4), 0)) ? 1 : 0));
}

const sets = [];
function add(name, x, y, designedSeparated) {
  if (!bothClasses(y)) { y = y.slice(); y[0] = 1 - y[0]; }
  sets.push({ name, x, y, designedSeparated });
}
{ const x = rows(40, 2); add('2 predictors, n = 40, moderate effects', x, bernoulli(x, 0.2, [0.6, -0.5]), false); }
{ const x = rows(80, 3); add('3 predictors, n = 80, moderate effects', x, bernoulli(x, -0.3, [0.5, -0.4, 0.3]), false); }
{ const x = rows(30, 2); add('2 predictors, n = 30, rare action', x, bernoulli(x, -1.6, [0.4, -0.3]), false); }
{ const x = rows(30, 2); add('2 predictors, n = 30, complete separation (aligned respondent)', x, complete(x, (r) => r[0] - r[1]), true); }
{ const x = rows(25, 3); add('3 predictors, n = 25, complete separation', x, complete(x, (r) => r[0] - r[1] + 0.5 * r[2]), true); }
{ const x = rows(40, 3); add('3 predictors, n = 40, quasi-complete separation on the first value', x, quasi(x), true); }
{ const x = rows(15, 1); add('1 predictor, n = 15, quasi-complete separation', x, quasi(x), true); }

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'firth-diff-'));
const inFile = path.join(dir, 'sets.json');
const outFile = path.join(dir, 'brglm2.json');
fs.writeFileSync(inFile, JSON.stringify(sets.map((s) => ({ name: s.name, x: s.x, y: s.y }))));
console.log(`firth-diff: ${sets.length} data sets in ${dir}`);

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}  ${detail}`);
}

let r;
try {
  execFileSync('Rscript', [path.join(here, 'fitBrglm2.R'), inFile, outFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  r = JSON.parse(fs.readFileSync(outFile, 'utf8'));
} catch (e) {
  check('brglm2', false, `Rscript failed: ${String(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' | ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}
let separated = 0;
sets.forEach((s, i) => {
  const ref = r[i];
  const k = s.x[0].length;
  const values = Array.from({ length: k }, (_, j) => `v${j + 1}`);
  const fit = fitPathModel('m', { kind: 'logistic', values, expected: values.map(() => 1), x: s.x, y: s.y, coding: 'test' }, { bootstrap: 0 });
  const ones = s.y.filter((v) => v === 1).length;
  const label = `${s.name} (${ones}/${s.y.length} ones${ref.separated ? `, separated: ML |coef| up to ${ref.ml_max_abs_coef.toFixed(1)}` : ''})`;
  if (!fit.ok) { check(`${label}: ours fitted`, false, fit.failure); return; }
  if (ref.separated) separated++;
  check(`${label}: brglm2 converged, ours is the Firth fit`, ref.converged === true && fit.estimator === 'firth', `brglm2 ${ref.converged}, ours ${fit.estimator}`);
  const est = [fit.intercept.estimate, ...fit.paths.map((p) => p.estimate)];
  const se = [fit.intercept.se, ...fit.paths.map((p) => p.se)];
  const de = Math.max(...est.map((v, j) => Math.abs(v - ref.coef[j])));
  const ds = Math.max(...se.map((v, j) => Math.abs(v - ref.se[j])));
  check(`${label}: estimates`, de <= TOL, `brglm2 [${ref.coef.map((v) => v.toFixed(6)).join(', ')}], max |diff| ${de.toExponential(2)} (tol ${TOL})`);
  check(`${label}: standard errors`, ds <= TOL, `brglm2 [${ref.se.map((v) => v.toFixed(6)).join(', ')}], max |diff| ${ds.toExponential(2)} (tol ${TOL})`);
  check(`${label}: separation diagnosis`, (fit.separation !== null) === ref.separated && (!s.designedSeparated || ref.separated),
    `R ML glm ${ref.separated ? 'separated' : 'not separated'}, ours ${fit.separation === null ? 'not separated' : 'separated'}${s.designedSeparated ? ' (separated by construction)' : ''}`);
});
check('at least 3 separated data sets', separated >= 3, `${separated} of ${sets.length}`);
console.log(`firth-diff: seed ${seed}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
