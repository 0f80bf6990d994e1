import * as assert from 'node:assert/strict';
import { analyzeSample } from '../../../src/core/analysis/divergence';
import { flipTest } from '../../../src/core/analysis/flip';
import { scenario, simple, variant } from './fixtures';

describe('the flip test', () => {
  const s = scenario({ variants: [variant('baseline'), variant('pharma')] });
  const make = (name: string, actions: string[]) =>
    actions.map((a, i) => analyzeSample(s, s.variants.find((x) => x.name === name), simple([4, 4], [3, 3], a, { variant: name, sample: i })));

  it('compares a variant\'s actions with the baseline\'s by Fisher\'s exact test', () => {
    // baseline share 3, decline 1; variant share 1, decline 3: the tea-tasting table, p = 34/70
    const r = flipTest(s, 'm1', 'baseline', 'pharma', make('baseline', ['share', 'share', 'share', 'decline']), make('pharma', ['share', 'decline', 'decline', 'decline']));
    assert.deepEqual(r.outcomes, ['share', 'decline']);
    assert.deepEqual(r.baselineCounts, [3, 1]);
    assert.deepEqual(r.variantCounts, [1, 3]);
    assert.ok(Math.abs(r.test.p - 34 / 70) < 1e-12);
    assert.equal(r.flipped, false);
    assert.equal(r.modalChanged, true);
  });

  it('flags a flip when the wording moves every decision', () => {
    // 10 share vs 10 decline: p = 2 / C(20,10) = 2 / 184756
    const r = flipTest(s, 'm1', 'baseline', 'pharma', make('baseline', Array(10).fill('share')), make('pharma', Array(10).fill('decline')));
    assert.ok(Math.abs(r.test.p - 2 / 184756) < 1e-15);
    assert.equal(r.flipped, true);
  });
});
