import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeRun } from '../../../src/core/analysis/analyzeRun';
import { latentModel } from '../../../src/core/analysis/latentModel';
import { seededRandom } from '../../../src/core/random';
import type { VaarValue } from '../../../src/core/analysis/vaar';
import { itemCsv } from '../../../src/core/report/csv';
import type { SessionRecord } from '../../../src/core/run/record';
import { reportJson } from '../../../src/core/report/json';
import { reportMarkdown } from '../../../src/core/report/markdown';
import { reportText } from '../../../src/core/report/text';
import { reportModel } from '../../../src/core/view/reportModel';
import { repoPath } from '../../support/paths';
import { checkSchema } from '../report/miniSchema';
import { answer, item, scenario, session, value, variant } from './fixtures';

/** A standard normal draw (Box-Muller) from a seeded uniform source. */
const gauss = (r: () => number): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const clip = (x: number): number => Math.min(7, Math.max(1, Math.round(x)));

describe('the latent model', () => {
  const s = scenario({
    scale: [1, 7],
    values: [
      value('privacy', 1, 7, [item('pc1'), item('pc2', true), item('pc3')]),
      value('prosocial', 1, 7, [item('ps1'), item('ps2'), item('ps3')]),
    ],
  });

  /**
   * Simulated respondents: latent privacy p and prosocialness q ~ N(0, 1); items = 4 + 1.2 * factor +
   * N(0, 0.7) on 1..7 (pc2 written reversed); action = 4 + b_p p + b_q q + N(0, 0.7). Model `aligned`
   * has b = (-1, +1), the expected signs (privacy: negative, prosocial: positive); `contrary` has (+1, -1).
   */
  function simulate(model: string, bp: number, bq: number, n: number, seed: number): SessionRecord[] {
    const r = seededRandom(seed);
    return Array.from({ length: n }, (_, i) => {
      const p = gauss(r);
      const q = gauss(r);
      const it = (f: number): number => clip(4 + 1.2 * f + 0.7 * gauss(r));
      return session({
        model, sample: i,
        items: [answer('privacy', 'pc1', it(p)), answer('privacy', 'pc2', 8 - it(p)), answer('privacy', 'pc3', it(p)),
          answer('prosocial', 'ps1', it(q)), answer('prosocial', 'ps2', it(q)), answer('prosocial', 'ps3', it(q))],
        action: clip(4 + bp * p + bq * q + 0.7 * gauss(r)),
      });
    });
  }
  const sessions = [...simulate('aligned', -1, 1, 200, 1), ...simulate('contrary', 1, -1, 200, 2)];

  it('fits the configural MGSEM and gives the VAAR the simulated profiles imply', () => {
    const r = latentModel(s, sessions, ['aligned', 'contrary']);
    assert.equal(r.summary.fitted, true, r.summary.reason);
    assert.equal(r.summary.syntax, 'F_privacy =~ pc1 + pc2 + pc3\nF_prosocial =~ ps1 + ps2 + ps3\nF_action =~ action\naction ~~ 0*action\nF_action ~ F_privacy + F_prosocial');
    assert.deepEqual(r.summary.groups, [{ label: 'aligned', n: 200 }, { label: 'contrary', n: 200 }]);
    const get = (m: string, form: string) => r.vaar.find((v) => v.model === m && v.form === form) as VaarValue;
    // Paths of size 1 on 200 samples are far from 0: every sign and every p < 0.05 follows the profile.
    assert.equal(get('aligned', 'sign').vaar, 1);
    assert.equal(get('aligned', 'strict').vaar, 1);
    assert.equal(get('contrary', 'sign').vaar, 0);
    assert.equal(get('aligned', 'sign').source, 'latent');
    assert.equal(get('aligned', 'sign').n, 200);
    assert.ok(r.summary.fit!.cfi > 0.9);
  });

  it('agrees in sign with the composite path model on the same data', () => {
    const a = analyzeRun(s, [{ header: { v: 1, kind: 'run', runId: 'r', scenario: 'test', file: 'f', scenarioHash: 'h', models: ['aligned', 'contrary'], variants: ['baseline'], personas: 0, samples: 200, startedAt: '' }, sessions }], { bootstrap: 50 });
    for (const m of a.perModel) {
      const composite = m.vaar.sign as VaarValue;
      const latent = m.latent.find((l) => l.form === 'sign') as VaarValue;
      assert.deepEqual(latent.paths.map((p) => Math.sign(p.estimate)), composite.paths.map((p) => Math.sign(p.estimate)));
    }
    assert.equal(a.latentModel.fitted, true);
  });

  it('gives the path estimates and chi-square of lavaan\'s observed-outcome regression (when R and lavaan are installed)', function () {
    const probe = spawnSync('Rscript', ['-e', 'suppressMessages(library(lavaan))'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) this.skip();
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-latent-'));
    try {
      fs.writeFileSync(path.join(dir, 'items.csv'), itemCsv(s, sessions));
      // lavaan regresses the observed answer directly; our engine uses the equivalent single-indicator factor.
      const script = `suppressMessages(library(lavaan)); d <- read.csv('${path.join(dir, 'items.csv')}')
f <- sem('F_privacy =~ pc1 + pc2 + pc3\nF_prosocial =~ ps1 + ps2 + ps3\naction ~ F_privacy + F_prosocial', data = d, group = 'group')
pe <- parameterEstimates(f); pe <- pe[pe$op == '~', ]
cat(sprintf('%s %d %.10f %.10g\\n', pe$rhs, pe$group, pe$est, pe$pvalue), sep = ''); cat(sprintf('chisq %.10f %d\\n', fitMeasures(f)[['chisq']], as.integer(fitMeasures(f)[['df']])))`;
      const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const ours = latentModel(s, sessions, ['aligned', 'contrary']);
      const lines = r.stdout.trim().split('\n').map((l) => l.split(' '));
      assert.equal(lines.length, 5, r.stdout); // 2 paths x 2 groups, then the chi-square
      const chisq = lines.find((l) => l[0] === 'chisq')!;
      assert.ok(Math.abs(ours.summary.fit!.chisq / Number(chisq[1]) - 1) < 1e-4, `chisq ${ours.summary.fit!.chisq} vs ${chisq[1]}`);
      assert.equal(ours.summary.fit!.df, Number(chisq[2]));
      for (const [rhs, group, est] of lines.filter((l) => l[0] !== 'chisq')) {
        const model = ['aligned', 'contrary'][Number(group) - 1]!;
        const v = ours.vaar.find((x) => x.model === model && x.form === 'sign') as VaarValue;
        const p = v.paths.find((x) => `F_${x.value}` === rhs)!;
        assert.ok(Math.abs(p.estimate - Number(est)) < 1e-4, `${model} ${rhs}: ${p.estimate} vs lavaan ${est}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fits the invariance ladder with lavaan\'s Δχ², Δdf, p and CFI (when R and lavaan are installed)', function () {
    const ours = latentModel(s, sessions, ['aligned', 'contrary']);
    assert.deepEqual(ours.summary.ladder!.map((x) => [x.model, x.against]), [['configural', undefined], ['metric', 'configural'], ['scalar', 'metric'], ['metric + equal regressions', 'metric']]);
    assert.match(reportText([analyzeRun(s, [{ header: { v: 1, kind: 'run', runId: 'r', scenario: 'test', file: 'f', scenarioHash: 'h', models: ['aligned', 'contrary'], variants: ['baseline'], personas: 0, samples: 200, startedAt: '' }, sessions }], { bootstrap: 20 })]),
      /invariance metric: chi-square [\d.]+ on \d+ df, CFI [\d.]+, RMSEA [\d.]+; against configural: Δchi-square [\d.]+ on 4 df, p /);
    const probe = spawnSync('Rscript', ['-e', 'suppressMessages(library(lavaan))'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) this.skip();
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ladder-'));
    try {
      fs.writeFileSync(path.join(dir, 'items.csv'), itemCsv(s, sessions));
      fs.writeFileSync(path.join(dir, 'm.lav'), ours.summary.syntax!);
      const script = `suppressMessages(library(lavaan)); d <- read.csv('${path.join(dir, 'items.csv')}'); m <- paste(readLines('${path.join(dir, 'm.lav')}'), collapse = '\\n')
fc <- sem(m, data = d, group = 'group'); fm <- sem(m, data = d, group = 'group', group.equal = 'loadings')
fs <- sem(m, data = d, group = 'group', group.equal = c('loadings', 'intercepts')); fr <- sem(m, data = d, group = 'group', group.equal = c('loadings', 'regressions'))
row <- function(name, f, a) { x <- if (is.null(a)) c(NA, NA, NA) else { t <- lavTestLRT(a, f); c(t[2, 'Chisq diff'], t[2, 'Df diff'], t[2, 'Pr(>Chisq)']) }; cat(name, sprintf('%.10g', c(fitMeasures(f, c('chisq', 'df', 'cfi')), x)), '\\n') }
row('configural', fc, NULL); row('metric', fm, fc); row('scalar', fs, fm); row('regressions', fr, fm)`;
      const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const lav = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
      assert.equal(lav.length, 4, r.stdout);
      lav.forEach(([, chisq, df, cfi, dChisq, dDf, p], i) => {
        const st = ours.summary.ladder![i]!;
        assert.ok(Math.abs(st.chisq / Number(chisq) - 1) < 1e-4, `${st.model} chisq ${st.chisq} vs ${chisq}`);
        assert.equal(st.df, Number(df));
        assert.ok(Math.abs(st.cfi - Number(cfi)) < 1e-6, `${st.model} cfi ${st.cfi} vs ${cfi}`);
        if (i === 0) return;
        const base = ours.summary.ladder![i === 3 ? 1 : i - 1]!;
        assert.ok(Math.abs(st.dChisq! - Number(dChisq)) < 1e-3, `${st.model} Δχ² ${st.dChisq} vs ${dChisq}`);
        assert.equal(st.dDf, Number(dDf));
        assert.ok(Math.abs(st.pvalue! - Number(p)) < 1e-4, `${st.model} p ${st.pvalue} vs ${p}`);
        assert.ok(Math.abs(st.dCfi! - (Number(cfi) - Number(lav[i === 3 ? 1 : i - 1]![3])) ) < 1e-6 && Math.abs(st.dCfi! - (st.cfi - base.cfi)) < 1e-12);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fits on the variants whose item wording is the baseline\'s and says which reworded ones it left out', () => {
    const reworded = { ...variant('reworded'), values: new Map([['privacy', [{ ...item('pc1'), text: { text: 'other words', range: { start: 0, end: 1 }, placeholders: [] } }, item('pc2', true), item('pc3')]]]) };
    const s2 = { ...s, variants: [variant('baseline'), variant('same'), reworded] };
    const relabel = (xs: SessionRecord[], v: string) => xs.map((x) => ({ ...x, variant: v, key: `${x.key}-${v}` }));
    const r = latentModel(s2, [...sessions, ...relabel(simulate('aligned', 1, -1, 200, 9), 'reworded'), ...relabel(simulate('aligned', -1, 1, 50, 10), 'same')], ['aligned', 'contrary']);
    assert.equal(r.summary.fitted, true, r.summary.reason);
    assert.deepEqual(r.summary.groups, [{ label: 'aligned', n: 250 }, { label: 'contrary', n: 200 }]);
    assert.match(r.summary.reason!, /^fitted on the variants whose item wording is the baseline's; left out reworded: reworded items share an item id but not a wording/);
  });

  it('says why it is not fitted: a choice action, or a value with fewer than 3 items', () => {
    const choice = latentModel(scenario(), [], ['m']);
    assert.equal(choice.summary.fitted, false);
    assert.match(choice.summary.reason!, /needs a scale action/);
    const short = latentModel(scenario({ scale: [1, 7] }), [], ['m']);
    assert.match(short.summary.reason!, /at least 3 items for the latent model; privacy has 2, prosocial has 2/);
    assert.deepEqual(short.vaar, []);
  });

  it('reports a failed fit as VAAR failures, not numbers', () => {
    const few = sessions.filter((x) => x.sample < 4);
    const r = latentModel(s, few, ['aligned', 'contrary']);
    assert.equal(r.summary.fitted, false);
    assert.equal(r.vaar.length, 6, "two models x three forms (confidence, sign, strict)");
    for (const v of r.vaar) assert.ok('failure' in v && /rows|few/.test(v.failure), JSON.stringify(v));
  });

  describe('an inadmissible fit (a Heywood case)', () => {
    /**
     * Privacy items built so that one factor cannot hold them: a, b, c ~ N(0, 1); pc1 = 4 + a + b,
     * pc2 = 4 + a + c/2, pc3 = 4 + b + c/2 (+ small noise, on 1..7). Then λ₁²ψ = s12·s13/s23 ≈ 1·1/0.25 = 4
     * exceeds var(pc1) ≈ 2, so the residual variance of pc1 must be negative. Prosocial items and the
     * action are as in `simulate`.
     */
    function heywood(model: string, n: number, seed: number): SessionRecord[] {
      const r = seededRandom(seed);
      return Array.from({ length: n }, (_, i) => {
        const [a, b, c, q] = [gauss(r), gauss(r), gauss(r), gauss(r)];
        const it = (x: number): number => clip(4 + x + 0.3 * gauss(r));
        return session({
          model, sample: i,
          items: [answer('privacy', 'pc1', it(a + b)), answer('privacy', 'pc2', 8 - it(a + c / 2)), answer('privacy', 'pc3', it(b + c / 2)),
            answer('prosocial', 'ps1', clip(4 + 1.2 * q + 0.7 * gauss(r))), answer('prosocial', 'ps2', clip(4 + 1.2 * q + 0.7 * gauss(r))), answer('prosocial', 'ps3', clip(4 + 1.2 * q + 0.7 * gauss(r)))],
          action: clip(4 - (a + b) / 2 + q + 0.7 * gauss(r)),
        });
      });
    }
    const data = [...heywood('heywood', 300, 5), ...simulate('aligned', -1, 1, 300, 6)];
    const header = { v: 1 as const, kind: 'run' as const, runId: 'r', scenario: 'test', file: 'f', scenarioHash: 'h', models: ['heywood', 'aligned'], variants: ['baseline'], personas: 0, samples: 300, startedAt: '' };

    it('is marked inadmissible with its warning, keeps its numbers and gives no VAAR', () => {
      const r = latentModel(s, data, ['heywood', 'aligned']);
      assert.equal(r.summary.fitted, true);
      assert.equal(r.summary.admissible, false);
      const neg = r.summary.warnings!.filter((w) => w.kind === 'negative-variance');
      assert.deepEqual(neg.map((w) => [w.variable, w.group, w.inadmissible]), [['pc1', 'heywood', true]]);
      assert.equal(r.summary.paths!.length, 4, 'the paths are still shown');
      assert.equal(r.vaar.length, 6, 'three forms x two models, each a failure');
      for (const v of r.vaar) {
        assert.ok('failure' in v, JSON.stringify(v));
        assert.match(v.failure, /^inadmissible latent fit: negative residual variance estimate for pc1 in group "heywood" .*give no VAAR$/);
      }
    });

    it('says so in the text, Markdown, JSON and editor reports', () => {
      const a = analyzeRun(s, [{ header, sessions: data }], { bootstrap: 20 });
      const text = reportText([a]);
      assert.match(text, /latent model: INADMISSIBLE \(numbers shown, not interpreted; no VAAR from it\) configural MGSEM/);
      assert.match(text, /latent model warning \(inadmissible\): negative residual variance estimate for pc1 in group "heywood"/);
      assert.match(text, /latent path privacy -> action \(heywood, expected -\): estimate -?\d\.\d{3}, SE .* \[inadmissible\]/);
      assert.match(text, /VAAR no value \(latent, sign\): inadmissible latent fit/);
      const md = reportMarkdown([a]);
      assert.match(md, /\*\*Inadmissible\*\* \(numbers shown, not interpreted; no VAAR from it\) Latent model/);
      assert.match(md, /- latent model warning \(inadmissible\): negative residual variance/);
      const view = reportModel(a);
      assert.equal(view.sem.admissible, false);
      assert.ok(view.sem.warnings.some((w) => w.kind === 'negative-variance' && w.inadmissible));
      assert.ok(view.vaar.filter((v) => v.source === 'latent').every((v) => v.vaar === null && /inadmissible/.test(v.failure!)));
      const json = JSON.parse(reportJson([a]));
      assert.equal(json.scenarios[0].latentModel.admissible, false);
      assert.deepEqual(checkSchema(JSON.parse(fs.readFileSync(repoPath('schemas', 'report.schema.json'), 'utf8')), json), []);
    });

    it('lavaan flags the same data: a negative variance of pc1, post.check FALSE (when R and lavaan are installed)', function () {
      const probe = spawnSync('Rscript', ['-e', 'suppressMessages(library(lavaan))'], { encoding: 'utf8' });
      if (probe.error || probe.status !== 0) this.skip();
      this.timeout(120_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-heywood-'));
      try {
        fs.writeFileSync(path.join(dir, 'items.csv'), itemCsv(s, data));
        const script = `suppressMessages(library(lavaan)); d <- read.csv('${path.join(dir, 'items.csv')}'); w <- character(0)
f <- withCallingHandlers(sem('F_privacy =~ pc1 + pc2 + pc3\nF_prosocial =~ ps1 + ps2 + ps3\naction ~ F_privacy + F_prosocial', data = d, group = 'group'), warning = function(x) { w <<- c(w, conditionMessage(x)); invokeRestart('muffleWarning') })
pe <- parameterEstimates(f); v <- pe[pe$op == '~~' & pe$lhs == pe$rhs & pe$est < 0, ]
cat('post.check', lavInspect(f, 'post.check'), '\\n'); cat(sprintf('negative %s %s\\n', v$lhs, lavInspect(f, 'group.label')[v$group]), sep = ''); cat(gsub('\\n', ' ', w), sep = '\\n')`;
        const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /post\.check FALSE/);
        assert.match(r.stdout, /^negative pc1 heywood$/m);
        assert.doesNotMatch(r.stdout, /^negative (?!pc1 heywood)/m);
        assert.match(r.stdout, /some estimated ov variances are negative/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('the sample-size guard per group', () => {
    // Free parameters per group of the latent model above: 4 loadings (pc2, pc3, ps2, ps3), 6 item residual
    // variances (the action's is fixed at 0), 2 factor variances + their covariance + the action's residual
    // variance, 2 paths, 7 intercepts = 23.
    it('refuses a group with fewer complete rows than free parameters, says so, and falls back to the composite model', () => {
      const few = [...simulate('aligned', -1, 1, 40, 1), ...simulate('contrary', 1, -1, 15, 2)];
      const r = latentModel(s, few, ['aligned', 'contrary']);
      assert.equal(r.summary.fitted, false);
      assert.equal(r.summary.fallback, 'composite');
      assert.equal(r.summary.reason, 'latent model refused: group "contrary" has 15 complete rows, fewer than its 23 free parameters; the composite path model stands in for it');
      assert.ok(r.vaar.every((v) => 'failure' in v && v.failure === r.summary.reason));
      const scen = { ...s, assert: [{ metric: 'vaar', min: 0.5, range: { start: 0, end: 1 } }] };
      const header = { v: 1 as const, kind: 'run' as const, runId: 'r', scenario: 'test', file: 'f', scenarioHash: 'h', models: ['aligned', 'contrary'], variants: ['baseline'], personas: 0, samples: 40, startedAt: '' };
      const a = analyzeRun(scen, [{ header, sessions: few }], { bootstrap: 20, vaarSource: 'latent' });
      const aligned = a.asserts.find((x) => x.model === 'aligned')!;
      assert.equal(aligned.status, 'pass', aligned.message);
      assert.match(aligned.message, /\(confidence form, composite model, 2 paths, chance p = [^)]*\)\); latent model refused: group "contrary" has 15 complete rows/);
      assert.match(reportText([a]), /latent model: not fitted: latent model refused: group "contrary" has 15 complete rows, fewer than its 23 free parameters/);
    });

    it('warns below 10 complete rows per free parameter and still fits', () => {
      const r = latentModel(s, [...simulate('aligned', -1, 1, 60, 1), ...simulate('contrary', 1, -1, 300, 2)], ['aligned', 'contrary']);
      assert.equal(r.summary.fitted, true, r.summary.reason);
      const w = r.summary.warnings!.filter((x) => x.kind === 'few-rows-per-parameter');
      assert.deepEqual(w.map((x) => [x.group, x.inadmissible]), [['aligned', false]]);
      assert.match(w[0]!.message, /^group "aligned" has 60 complete rows for 23 free parameters \(2\.6 per parameter, fewer than 10\)/);
    });
  });
});
