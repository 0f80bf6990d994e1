import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bradleyTerry, type BtFit, type Comparison } from '../../../src/core/analysis/bradleyTerry';
import { kendallTau } from '../../../src/core/analysis/kendall';
import { randomInt, seededRandom } from '../../../src/core/random';

const hasR = spawnSync('Rscript', ['-e', 'library(jsonlite)'], { stdio: 'ignore' }).status === 0;

/**
 * Bradley-Terry and Kendall's tau_b against R on fresh data: random tournaments of four to six values
 * (R glm on the standard design, glm.control(epsilon = 1e-14)) and random rankings with and without
 * ties (cor.test, method = "kendall"). Needs Rscript with jsonlite; without it the test says so and skips.
 */
describe('Bradley-Terry and Kendall tau_b against R on fresh data', function () {
  this.timeout(120_000);
  before(function () {
    if (!hasR) this.skip();
  });

  it('agrees with R glm and cor.test on 8 random tournaments and 8 random rank pairs', () => {
    const random = seededRandom(20261201);
    const cases = Array.from({ length: 8 }, (_, c) => {
      const k = 4 + (c % 3);
      const values = Array.from({ length: k }, (_, i) => `v${i}`);
      const truth = values.map(() => (random() - 0.5) * 3);
      const comparisons: Comparison[] = [];
      // Every pair compared 6-15 times, wins drawn from the model; a pair whose draws are all one way is kept.
      for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) {
        const n = 6 + randomInt(random, 10);
        for (let t = 0; t < n; t++) comparisons.push(random() < 1 / (1 + Math.exp(truth[j]! - truth[i]!)) ? { winner: values[i]!, loser: values[j]! } : { winner: values[j]!, loser: values[i]! });
      }
      const x = Array.from({ length: 7 + c }, () => randomInt(random, 5));
      const y = Array.from({ length: 7 + c }, () => (c % 2 ? randomInt(random, 4) : random()));
      return { values, comparisons, x, y };
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-bt-r-'));
    try {
      fs.writeFileSync(path.join(dir, 'in.json'), JSON.stringify(cases.map((c) => ({
        k: c.values.length,
        rows: c.values.flatMap((a, i) => c.values.slice(i + 1).map((b, jj) => ({
          i: i + 1, j: i + jj + 2,
          wi: c.comparisons.filter((x) => x.winner === a && x.loser === b).length,
          wj: c.comparisons.filter((x) => x.winner === b && x.loser === a).length,
        }))),
        x: c.x, y: c.y,
      }))));
      const script = `library(jsonlite)
cases <- fromJSON("${path.join(dir, 'in.json')}", simplifyVector = FALSE)
out <- lapply(cases, function(cs) {
  rows <- do.call(rbind, lapply(cs$rows, as.data.frame))
  X <- matrix(0, nrow(rows), cs$k); X[cbind(seq_len(nrow(rows)), rows$i)] <- 1; X[cbind(seq_len(nrow(rows)), rows$j)] <- -1
  m <- suppressWarnings(glm(cbind(rows$wi, rows$wj) ~ X[, -1, drop = FALSE] - 1, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100)))
  ct <- suppressWarnings(cor.test(unlist(cs$x), unlist(cs$y), method = "kendall"))
  list(est = unname(coef(m)), se = unname(sqrt(diag(vcov(m)))), dev = deviance(m), tau = unname(ct$estimate), p = ct$p.value)
})
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), "${path.join(dir, 'out.json')}")`;
      const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const ref = JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8')) as { est: number[]; se: number[]; dev: number; tau: number; p: number }[];
      cases.forEach((c, n) => {
        const fit = bradleyTerry(c.values, c.comparisons) as BtFit;
        assert.equal(fit.ok, true, `case ${n}`);
        assert.equal(fit.method, 'ml');
        const by = new Map(fit.strengths.map((s) => [s.value, s]));
        c.values.slice(1).forEach((v, i) => {
          assert.ok(Math.abs(by.get(v)!.strength - ref[n]!.est[i]!) < 1e-7, `case ${n} ${v}: ${by.get(v)!.strength} vs R ${ref[n]!.est[i]}`);
          assert.ok(Math.abs(by.get(v)!.se! - ref[n]!.se[i]!) < 1e-7, `case ${n} ${v} SE`);
        });
        assert.ok(Math.abs(fit.deviance! - ref[n]!.dev) < 1e-7, `case ${n} deviance`);
        const t = kendallTau(c.x, c.y);
        assert.ok(Math.abs(t.tau! - ref[n]!.tau) < 1e-12, `case ${n} tau`);
        assert.ok(Math.abs(t.p! - ref[n]!.p) < 1e-9, `case ${n} tau p: ${t.p} vs R ${ref[n]!.p} (${t.method})`);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
