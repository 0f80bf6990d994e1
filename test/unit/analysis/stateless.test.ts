import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { analyzeRun, type RunLogInput } from '../../../src/core/analysis/analyzeRun';
import type { RunHeader, SessionRecord } from '../../../src/core/run/record';
import type { Scenario } from '../../../src/core/scenario/model';
import { reportJson } from '../../../src/core/report/json';
import { reportMarkdown } from '../../../src/core/report/markdown';
import { reportText } from '../../../src/core/report/text';
import { repoPath } from '../../support/paths';
import { checkSchema } from '../report/miniSchema';
import { rankRule, scenario, simple, variant } from './fixtures';

const header = (): RunHeader => ({
  v: 1, kind: 'run', runId: 'r1', scenario: 'test', file: 'test.dilemma.yaml', scenarioHash: 'h', models: ['m1'], variants: ['baseline', 'pharma'], personas: 0, samples: 4, startedAt: '2026-01-01T00:00:00Z',
});

// privacy: 1..7, items pc1 and pc2 (reversed: 8 - x); prosocial: 1..5, items ps1, ps2. expect:
// privacy -> decline, prosocial -> share; rank [privacy, prosocial].
const sessions: SessionRecord[] = [
  // baseline. privacy means 7, 5, 2, 6 (normalised 1, 4/6, 1/6, 5/6); prosocial means 3, 4.5, 4, 1.5 (0.5, 0.875, 0.75, 0.125).
  simple([7, 1], [3, 3], 'decline', { sample: 0 }),
  simple([5, 3], [5, 4], 'share', { sample: 1 }),
  simple([2, 6], [4, 4], 'share', { sample: 2 }),
  simple([6, 2], [1, 2], 'decline', { sample: 3 }),
  // pharma. privacy means 3, 4, 1.5 (2/6, 3/6, 0.5/6); prosocial means 5, 4.5, 2 (1, 0.875, 0.25).
  simple([3, 5], [5, 5], 'share', { sample: 0, variant: 'pharma' }),
  simple([4, 4], [4, 5], 'share', { sample: 1, variant: 'pharma' }),
  simple([2, 7], [2, 2], 'decline', { sample: 2, variant: 'pharma' }),
];

function build(mode: 'history' | 'stateless'): Scenario {
  const text = 'assert: { divergence: { max: 0.2 }, vaar: { min: 0.5 } }';
  const s = scenario({
    arbitration: [rankRule(['privacy', 'prosocial'])],
    variants: [variant('baseline'), variant('pharma')],
    assert: [
      { metric: 'divergence', max: 0.2, range: { start: text.indexOf('{ max'), end: text.indexOf('{ max') + 12 } },
      { metric: 'vaar', min: 0.5, range: { start: text.indexOf('{ min'), end: text.indexOf('{ min') + 12 } },
    ],
  });
  return { ...s, run: { ...s.run, session: mode } };
}

describe('analysis: stateless sessions compare populations, not samples', () => {
  const log: RunLogInput = { header: header(), sessions };
  const stateless = analyzeRun(build('stateless'), [log], { bootstrap: 20 });
  const history = analyzeRun(build('history'), [log], { bootstrap: 20 });

  it('computes no per-sample divergence, path model, VAAR or latent model, and says why', () => {
    assert.equal(stateless.session, 'stateless');
    assert.ok(stateless.samples.every((s) => s.divergent === null), 'no sample is compared');
    const m = stateless.perModel[0]!;
    assert.deepEqual([m.divergence.count, m.divergence.n, m.divergence.rate], [0, 0, null]);
    for (const v of stateless.perVariant) assert.equal(v.stats.divergence.n, 0);
    assert.equal(m.pathModel.ok, false);
    assert.match((m.pathModel as { failure: string }).failure, /stateless/);
    for (const form of ['sign', 'strict'] as const) assert.match((m.vaar[form] as { failure: string }).failure, /stateless/);
    assert.deepEqual(m.latent, []);
    assert.equal(stateless.latentModel.fitted, false);
    assert.match(stateless.latentModel.reason!, /stateless/);
    const [div, vaar] = stateless.asserts;
    assert.equal(div!.status, 'error');
    assert.match(div!.message, /stateless/);
    assert.equal(vaar!.status, 'error');
    assert.match(vaar!.message, /stateless/);
    assert.match(m.population!.note, /never saw the questionnaire answers/);
  });

  it('gives each variant its mean stated scores against its actions (checked by hand)', () => {
    const [base, pharma] = stateless.perModel[0]!.population!.variants;
    // baseline: privacy mean (7+5+2+6)/4 = 5, normalised (1 + 4/6 + 1/6 + 5/6)/4 = 2/3, held;
    // prosocial mean (3+4.5+4+1.5)/4 = 3.25, normalised (0.5+0.875+0.75+0.125)/4 = 0.5625, held.
    // rank [privacy, prosocial]: privacy held first -> decline. Actions decline 2, share 2: 2 of 4 match.
    assert.equal(base!.variant, 'baseline');
    assert.equal(base!.stated[0]!.value, 'privacy');
    assert.ok(Math.abs(base!.stated[0]!.mean! - 5) < 1e-12);
    assert.ok(Math.abs(base!.stated[0]!.meanNormalised! - 2 / 3) < 1e-12);
    assert.equal(base!.stated[0]!.held, true);
    assert.ok(Math.abs(base!.stated[1]!.mean! - 3.25) < 1e-12);
    assert.ok(Math.abs(base!.stated[1]!.meanNormalised! - 0.5625) < 1e-12);
    assert.equal(base!.stated[1]!.n, 4);
    assert.equal(base!.implied, 'decline');
    assert.equal(base!.by, 'rank');
    assert.deepEqual(base!.distribution.map((d) => [d.outcome, d.count]), [['share', 2], ['decline', 2]]);
    assert.deepEqual([base!.matching.count, base!.matching.n], [2, 4]);
    // pharma: privacy mean (3+4+1.5)/3 = 17/6, normalised (2/6 + 3/6 + 0.5/6)/3 = 5.5/18, not held;
    // prosocial mean (5+4.5+2)/3 = 23/6, normalised (1+0.875+0.25)/3 = 2.125/3, held -> share.
    // Actions share 2, decline 1: 2 of 3 match.
    assert.ok(Math.abs(pharma!.stated[0]!.mean! - 17 / 6) < 1e-12);
    assert.ok(Math.abs(pharma!.stated[0]!.meanNormalised! - 5.5 / 18) < 1e-12);
    assert.equal(pharma!.stated[0]!.held, false);
    assert.ok(Math.abs(pharma!.stated[1]!.meanNormalised! - 2.125 / 3) < 1e-12);
    assert.equal(pharma!.implied, 'share');
    assert.deepEqual(pharma!.distribution.map((d) => [d.outcome, d.count]), [['share', 2], ['decline', 1]]);
    assert.deepEqual([pharma!.matching.count, pharma!.matching.n], [2, 3]);
  });

  it('a with-history run is analysed per sample as before, with no population comparison', () => {
    assert.equal(history.session, 'history');
    const m = history.perModel[0]!;
    assert.equal(m.population, undefined);
    // baseline: implied decline, decline, share (privacy 1/6 not held, prosocial held), decline: only sample 1 (share) diverges.
    // pharma: share, share, undetermined (nothing held): none diverges. 1 of 6 determined.
    assert.deepEqual(history.samples.map((s) => s.divergent), [false, true, false, false, false, false, null]);
    assert.deepEqual([m.divergence.count, m.divergence.n], [1, 6]);
    assert.doesNotMatch(JSON.stringify(m.pathModel), /stateless/);
    assert.doesNotMatch(reportText([history]), /stateless|population/);
    assert.doesNotMatch(reportMarkdown([history]), /stateless|Population/);
  });

  it('the text, Markdown and JSON reports say so and show the comparison', () => {
    const text = reportText([stateless]);
    assert.match(text, /stateless sessions: the action was asked in a conversation that never saw the questionnaire answers/);
    assert.match(text, /baseline: stated privacy 0\.67 held \(n = 4\), prosocial 0\.56 held \(n = 4\); the means imply decline \(rank\); actions share 2, decline 2; matching 0\.50 \(2\/4\)/);
    assert.match(text, /pharma: stated privacy 0\.31 \(n = 3\), prosocial 0\.71 held \(n = 3\); the means imply share \(rank\); actions share 2, decline 1; matching 0\.67 \(2\/3\)/);
    const md = reportMarkdown([stateless]);
    assert.match(md, /> Stateless sessions:/);
    assert.match(md, /\| baseline \| 0\.67 \(held\) \(4\) \| 0\.56 \(held\) \(4\) \| decline \| share 2, decline 2 \| 0\.50 \(2\/4\) \|/);
    assert.doesNotMatch(md, /Composite path model/);
    const schema = JSON.parse(fs.readFileSync(repoPath('schemas', 'report.schema.json'), 'utf8'));
    const json = JSON.parse(reportJson([stateless]));
    assert.deepEqual(checkSchema(schema, json), []);
    assert.equal(json.scenarios[0].session, 'stateless');
    assert.equal(json.scenarios[0].perModel[0].population.variants[1].implied, 'share');
    assert.deepEqual(checkSchema(schema, JSON.parse(reportJson([history]))), []);
  });
});
