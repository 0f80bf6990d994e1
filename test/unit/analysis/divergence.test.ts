import * as assert from 'node:assert/strict';
import { analyzeSample } from '../../../src/core/analysis/divergence';
import { answer, badAnswer, rankRule, scenario, session, simple } from './fixtures';

describe('per-sample divergence', () => {
  const s = scenario({ arbitration: [rankRule(['privacy', 'prosocial'])] });

  it('marks an action that contradicts the implied one as divergent, and says why', () => {
    // privacy: pc1 = 7, pc2 = 1 reversed -> 7; mean 7, held. Rank: privacy -> decline. Action share: divergent.
    const a = analyzeSample(s, s.variants[0], simple([7, 1], [5, 5], 'share'));
    assert.equal(a.implied.action, 'decline');
    assert.equal(a.action.outcome, 'share');
    assert.equal(a.divergent, true);
    assert.equal(a.scores['privacy']!.mean, 7);
    const b = analyzeSample(s, s.variants[0], simple([7, 1], [5, 5], 'decline'));
    assert.equal(b.divergent, false);
  });

  it('has no divergence for an unreadable action or an undetermined implied action', () => {
    const unread = analyzeSample(s, s.variants[0], simple([7, 1], [5, 5], { status: 'refused', raw: 'I will not.', latencyMs: 1 }));
    assert.equal(unread.divergent, null);
    assert.equal(unread.answers.refused, 1);
    assert.equal(unread.answers.total, 5);
    // privacy 1 and 7 reversed -> 1; prosocial 1: nothing held -> undetermined
    const none = analyzeSample(s, s.variants[0], simple([1, 7], [1, 1], 'share'));
    assert.equal(none.implied.by, 'undetermined');
    assert.equal(none.divergent, null);
  });

  it('reads a scale action above, below or at the midpoint', () => {
    const sc = scenario({ scale: [1, 7], arbitration: [rankRule(['privacy', 'prosocial'])] });
    const items = [answer('privacy', 'pc1', 7), answer('privacy', 'pc2', 1), badAnswer('prosocial', 'ps1', 'unparsed')];
    // privacy held and expects negative -> low; midpoint of 1..7 is 4
    assert.equal(analyzeSample(sc, sc.variants[0], session({ items, action: 2 })).divergent, false);
    assert.equal(analyzeSample(sc, sc.variants[0], session({ items, action: 6 })).divergent, true);
    const mid = analyzeSample(sc, sc.variants[0], session({ items, action: 4 }));
    assert.equal(mid.action.outcome, 'mid');
    assert.equal(mid.divergent, true);
    assert.equal(mid.answers.unparsed, 1);
  });
});
