import * as assert from 'node:assert/strict';
import { wordDiff } from '../../../src/core/analysis/textDiff';

describe('word-level diffs', () => {
  it('locates added words in the variant\'s text and removed words where they were taken out', () => {
    const base = 'Send your history to a research registry to improve treatment.';
    const variant = 'Send your history to a pharmaceutical company to improve treatment.';
    const d = wordDiff(base, variant);
    assert.equal(d.identical, false);
    const added = d.segments.filter((s) => s.kind === 'added');
    const removed = d.segments.filter((s) => s.kind === 'removed');
    assert.equal(added.map((s) => variant.slice(s.start, s.end)).join('|'), added.map((s) => s.text).join('|'));
    assert.match(added.map((s) => s.text).join(' '), /pharmaceutical/);
    assert.match(removed.map((s) => s.text).join(' '), /registry/);
    for (const r of removed) assert.equal(r.start, r.end);
    // The variant is exactly the equal and added pieces in order.
    assert.equal(d.segments.filter((s) => s.kind !== 'removed').map((s) => s.text).join(''), variant);
    assert.equal(d.added, 2);
    assert.equal(d.removed, 2);
  });

  it('reports identical texts as one equal segment', () => {
    const d = wordDiff('same words', 'same words');
    assert.equal(d.identical, true);
    assert.deepEqual(d.segments, [{ kind: 'equal', text: 'same words', start: 0, end: 10 }]);
  });
});
