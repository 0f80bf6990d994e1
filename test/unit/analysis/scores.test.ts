import * as assert from 'node:assert/strict';
import { statedScore } from '../../../src/core/analysis/scores';
import { answer, badAnswer, item, value, variant } from './fixtures';

describe('stated scores', () => {
  const privacy = value('privacy', 1, 7, [item('pc1'), item('pc2', true), item('pc3')]);

  it('reverse-codes, leaves unparsed items out and normalises to 0..1', () => {
    // pc1 = 6; pc2 = 2 reversed -> 1 + 7 - 2 = 6; pc3 unparsed, left out. Mean 6 over 2 items.
    // normalised = (6 - 1) / (7 - 1) = 0.8333; held (> 0.5)
    const s = statedScore(privacy, undefined, [answer('privacy', 'pc1', 6), answer('privacy', 'pc2', 2), badAnswer('privacy', 'pc3', 'unparsed')])!;
    assert.equal(s.mean, 6);
    assert.equal(s.n, 2);
    assert.equal(s.items, 3);
    assert.ok(Math.abs(s.normalised - 5 / 6) < 1e-15);
    assert.equal(s.held, true);
  });

  it('has no score without a readable item, and never reads a refusal as neutral', () => {
    assert.equal(statedScore(privacy, undefined, [badAnswer('privacy', 'pc1', 'refused'), badAnswer('privacy', 'pc3', 'unparsed')]), null);
    assert.equal(statedScore(privacy, undefined, []), null);
  });

  it('does not hold a value exactly at the midpoint', () => {
    // 4 on 1..7: normalised (4 - 1) / 6 = 0.5, not above the midpoint
    const s = statedScore(privacy, undefined, [answer('privacy', 'pc1', 4)])!;
    assert.equal(s.normalised, 0.5);
    assert.equal(s.held, false);
  });

  it('uses the reverse flags of a variant that rewords the questionnaire', () => {
    const v = variant('reworded');
    v.values = new Map([['privacy', [item('pcX', true)]]]);
    // pcX = 7 reversed -> 1; normalised 0
    const s = statedScore(privacy, v, [answer('privacy', 'pcX', 7)])!;
    assert.equal(s.mean, 1);
    assert.equal(s.normalised, 0);
    assert.equal(s.items, 1);
  });
});
