// bench/sem: the paper-sized case (30 items in three factors, 8 groups of 300 rows, fixed seed)
// fitted by our engine and, when Rscript with lavaan is present, by lavaan in the same run.
// Prints both times (lavaan's inside R, and with R's start-up), their ratio, and whether the
// estimates agree. Target: ours at most one third of lavaan's time.
// Run from the repo root: npm run compile-tests && node out/bench/sem.js [--seed N]
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCsv } from '../src/core/analysis/sem/csv';
import { fitSem } from '../src/core/analysis/sem/fitSem';
import { seededRandom } from '../src/core/random';
import type { SemSuccess } from '../src/core/analysis/sem/result';

const si = process.argv.indexOf('--seed');
const seed = si > 0 ? Number(process.argv[si + 1]) : 777;

const rand = seededRandom(seed);
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const unif = (a: number, b: number) => a + (b - a) * rand();

// The paper's instruments: PC 10 items on 7 points, PSA 16 on 5 points, AoDS 4 on 7 points.
const scales = [{ f: 'PC', k: 10, pts: 7 }, { f: 'PSA', k: 16, pts: 5 }, { f: 'AoDS', k: 4, pts: 7 }];
const items = scales.map((s) => Array.from({ length: s.k }, (_, j) => `${s.f.toLowerCase()}${j + 1}`));
const G = 8;
const N = 300;
const lines = [['group', ...items.flat()].join(',')];
for (let g = 0; g < G; g++) {
  const load = scales.map((s) => Array.from({ length: s.k }, (_, j) => (j === 0 ? 1 : unif(0.5, 1.2))));
  const b1 = unif(-0.6, 0.3); const b2 = unif(-0.2, 0.5); const r12 = unif(-0.3, 0.3);
  for (let i = 0; i < N; i++) {
    const z1 = normal(); const z2 = normal();
    const f1 = 0.8 * z1; const f2 = 0.7 * (r12 * z1 + Math.sqrt(1 - r12 * r12) * z2);
    const f3 = b1 * f1 + b2 * f2 + 0.6 * normal();
    const fv = [f1, f2, f3];
    const vals = scales.flatMap((s, k) => load[k]!.map((l) => {
      const mid = (s.pts + 1) / 2;
      return String(Math.min(s.pts, Math.max(1, Math.round(mid + l * fv[k]! + 0.7 * normal()))));
    }));
    lines.push([`llm_${g + 1}`, ...vals].join(','));
  }
}
const csvText = `${lines.join('\n')}\n`;
const model = `${scales.map((s, k) => `${s.f} =~ ${items[k]!.join(' + ')}`).join('\n')}\nAoDS ~ PC + PSA\nPC ~~ PSA\n`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sem-'));
const csvFile = path.join(dir, 'large.csv');
const modelFile = path.join(dir, 'large.lav');
fs.writeFileSync(csvFile, csvText);
fs.writeFileSync(modelFile, model);
console.log(`bench/sem: seed ${seed}; ${items.flat().length} items in 3 factors, ${G} groups x ${N} rows; data in ${dir}`);

const cases = [{ name: 'configural', equal: [] as ('loadings')[] }, { name: 'metric', equal: ['loadings'] as ('loadings')[] }];
const ours: Record<string, { ms: number; fit: SemSuccess }> = {};
for (const c of cases) {
  const t0 = process.hrtime.bigint();
  const r = fitSem({ model, data: parseCsv(csvText, csvFile), group: 'group', equal: c.equal });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!r.ok) { console.log(`ours ${c.name}: failed (${r.reason}): ${r.message}`); process.exit(1); }
  ours[c.name] = { ms, fit: r };
  console.log(`ours   ${c.name.padEnd(10)} ${ms.toFixed(0).padStart(6)} ms  (npar ${r.fit.npar}, chisq ${r.fit.chisq.toFixed(3)}, cfi ${r.fit.cfi.toFixed(4)}, ${r.iterations} iterations, incl. CSV parsing and standard errors)`);
}

let haveR = true;
try {
  execFileSync('Rscript', ['-e', 'suppressPackageStartupMessages({library(lavaan); library(jsonlite)})'], { stdio: 'ignore' });
} catch {
  haveR = false;
}
if (!haveR) {
  console.log('lavaan: Rscript with lavaan and jsonlite not found; only our times are printed (apt-get install -y --no-install-recommends r-base-core r-cran-lavaan r-cran-jsonlite)');
} else {
  const fitR = path.resolve('test', 'sem-diff', 'fitLavaan.R');
  for (const c of cases) {
    const out = path.join(dir, `${c.name}.json`);
    const t0 = process.hrtime.bigint();
    execFileSync('Rscript', [fitR, csvFile, modelFile, 'group', c.equal.join(','), 'ML', out], { stdio: ['ignore', 'ignore', 'inherit'] });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const r = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      seconds: number; converged: boolean; fit_measures: Record<string, number>;
      params: { lhs: string; op: string; rhs: string; group: number; est: number; se: number }[];
    };
    const lavMs = r.seconds * 1000;
    const mine = ours[c.name]!;
    let maxEst = 0;
    let maxSe = 0;
    let unmatched = 0;
    for (const p of r.params) {
      const q = mine.fit.estimates.find((e) => e.lhs === p.lhs && e.op === p.op && e.rhs === (p.op === '~1' ? '' : p.rhs) && e.group === p.group);
      if (!q) { unmatched++; continue; }
      maxEst = Math.max(maxEst, Math.abs(q.est - p.est));
      if (p.se > 0) maxSe = Math.max(maxSe, Math.abs(q.se / p.se - 1));
    }
    const agree = unmatched === 0 && maxEst <= 1e-4 && maxSe <= 1e-3 && mine.fit.fit.npar === r.fit_measures.npar!
      && Math.abs(mine.fit.fit.chisq / r.fit_measures.chisq! - 1) <= 1e-4;
    console.log(`lavaan ${c.name.padEnd(10)} ${lavMs.toFixed(0).padStart(6)} ms inside R (sem() only), ${wallMs.toFixed(0)} ms with R start-up and I/O; converged ${r.converged}`);
    console.log(`  ratio ours/lavaan: ${(mine.ms / lavMs).toFixed(3)} (fit only), ${(mine.ms / wallMs).toFixed(3)} (with start-up); target <= 0.333: ${mine.ms / lavMs <= 1 / 3 ? 'met' : 'NOT met'}`);
    console.log(`  estimates ${agree ? 'agree' : 'DIFFER'}: max |est diff| ${maxEst.toExponential(2)} (tol 1e-4), max rel se diff ${maxSe.toExponential(2)} (tol 1e-3), chisq ours ${mine.fit.fit.chisq.toFixed(4)} lavaan ${r.fit_measures.chisq!.toFixed(4)}, unmatched rows ${unmatched}`);
  }
}
