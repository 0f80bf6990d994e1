import * as assert from 'node:assert/strict';
import { analyzeSample } from '../../../src/core/analysis/divergence';
import { variantStats } from '../../../src/core/analysis/variantStats';
import { badAnswer, rankRule, scenario, session, simple, answer } from './fixtures';

describe('variant statistics', () => {
  const s = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])] });
  const v = s.variants[0];
  // Ten samples, privacy always held (7, 1 reversed -> 7), so every determined sample implies decline.
  // Actions: 7 share, 2 decline, 1 unparsed.
  const sessions = [
    ...Array.from({ length: 7 }, (_, i) => simple([7, 1], [i % 2 ? 5 : 3, 3], 'share', { sample: i })),
    simple([7, 1], [3, 3], 'decline', { sample: 7 }),
    simple([7, 1], [3, 3], 'decline', { sample: 8 }),
    simple([7, 1], [3, 3], { status: 'unparsed', raw: 'hmm', latencyMs: 1 }, { sample: 9 }),
  ];
  const stats = variantStats(s, 'm1', 'baseline', sessions.map((x) => analyzeSample(s, v, x)));

  it('counts the action distribution in choice order and the consistency of the mode', () => {
    assert.deepEqual(stats.distribution.map((d) => [d.outcome, d.count]), [['share', 7], ['decline', 2]]);
    assert.equal(stats.actions, 9);
    assert.equal(stats.modal, 'share');
    assert.deepEqual(stats.consistency, { count: 7, n: 9, rate: 7 / 9 });
  });

  it('gives the divergence rate over determined samples with its Wilson interval', () => {
    // 9 determined samples (the unparsed action is not compared), 7 divergent.
    // Wilson 7/9: z^2 = 3.841459; denom = 1 + z^2/9 = 1.4268288; centre = (7/9 + z^2/18) / denom = 0.9911922 / 1.4268288 = 0.6946819
    // half = z sqrt((7/9)(2/9)/9 + z^2/324) / denom = 1.959964 * sqrt(0.0310607) / 1.4268288 = 0.2420930
    assert.equal(stats.divergence.count, 7);
    assert.equal(stats.divergence.n, 9);
    assert.ok(Math.abs(stats.divergence.ci!.low - (0.6946819 - 0.2420930)) < 1e-6);
    assert.ok(Math.abs(stats.divergence.ci!.high - (0.6946819 + 0.2420930)) < 1e-6);
  });

  it('gives the mean stated score per value with its SD and n', () => {
    // prosocial means: samples 0..6 alternate (3+3)/2 = 3 and (5+3)/2 = 4: 3,4,3,4,3,4,3; then 3,3,3.
    // sum = 33, mean 3.3; squares about the mean: 3 * 0.49 + 7 * 0.09 = 2.1; sd = sqrt(2.1 / 9)
    const p = stats.values.find((x) => x.value === 'prosocial')!;
    assert.equal(p.n, 10);
    assert.ok(Math.abs(p.mean! - 3.3) < 1e-12);
    assert.ok(Math.abs(p.sd! - Math.sqrt(2.1 / 9)) < 1e-12);
    assert.equal(stats.values.find((x) => x.value === 'privacy')!.held, 10);
  });

  it('gives parse-failure and refusal rates over all answers', () => {
    const withBad = [
      session({ items: [answer('privacy', 'pc1', 7), badAnswer('privacy', 'pc2', 'refused'), badAnswer('prosocial', 'ps1', 'unparsed')], action: 'share' }),
      session({ items: [answer('privacy', 'pc1', 7)], action: { status: 'unparsed', raw: '?', latencyMs: 1 }, sample: 1 }),
    ];
    const st = variantStats(s, 'm1', 'baseline', withBad.map((x) => analyzeSample(s, v, x)));
    // answers: 3 items + action, 1 item + action = 6; unparsed 2; refused 1
    assert.deepEqual(st.parseFailures, { count: 2, n: 6, rate: 2 / 6 });
    assert.deepEqual(st.refusals, { count: 1, n: 6, rate: 1 / 6 });
  });
});
