import * as assert from 'node:assert/strict';
import { closest, editDistance } from '../../../src/core/scenario/suggest';

describe('closest / editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    assert.equal(editDistance('samples', 'samles'), 1);
    assert.equal(editDistance('samples', 'samplesx'), 1);
    assert.equal(editDistance('samples', 'sampler'), 1);
    assert.equal(editDistance('history', 'histroy'), 1);
    assert.equal(editDistance('abc', 'xyz'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });

  it('suggests the nearest candidate for a typo, ignoring case', () => {
    assert.equal(closest('samles', ['samples', 'seed', 'session']), 'samples');
    assert.equal(closest('max_tokens', ['max-tokens', 'models']), 'max-tokens');
    assert.equal(closest('Dilemma', ['dilemma', 'title']), 'dilemma');
    assert.equal(closest('shuffleItems', ['shuffle-items']), 'shuffle-items');
  });

  it('suggests nothing when no candidate is plausibly meant', () => {
    assert.equal(closest('flavour', ['samples', 'seed', 'session']), undefined);
    assert.equal(closest('x', ['y', 'z']), undefined);
    assert.equal(closest('samples', ['samples']), undefined);
    assert.equal(closest('abc', []), undefined);
  });
});
