import * as assert from 'node:assert/strict';
import { completeAt } from '../../../src/core/scenario/completion';
import { childKeys } from '../../../src/core/scenario/schema';
import { SCENARIO, cursorAfter, withCursor } from './languageServiceFixture';

const labels = (xs: { label: string }[]): string[] => xs.map((x) => x.label).sort();

describe('completeAt', () => {
  it('offers the value names that have no expect entry yet, inside expect', () => {
    const { parsed, offset } = withCursor(SCENARIO.replace('    privacy: decline\n', '    ‸\n'));
    const items = completeAt(parsed, offset);
    assert.deepEqual(labels(items), ['privacy']);
    assert.equal(items[0]?.insertText, 'privacy: ');
    assert.deepEqual(items[0]?.range, { start: offset, end: offset });
  });

  it('offers choice ids as the value of an expect entry and of require', () => {
    const expectAt = cursorAfter('privacy: dec');
    const items = completeAt(expectAt.parsed, expectAt.offset);
    assert.deepEqual(labels(items), ['decline', 'share']);
    const word = items.find((i) => i.label === 'share');
    assert.equal(expectAt.parsed.text.slice(word!.range.start, word!.range.end), 'decline', 'replaces the whole word');
    const requireAt = cursorAfter('require: de');
    assert.deepEqual(labels(completeAt(requireAt.parsed, requireAt.offset)), ['decline', 'share']);
  });

  it('offers positive/negative in expect when the action has a scale', () => {
    const text = SCENARIO.replace(/  choices:\n    share: Send them\n    decline: Keep them\n/, '  scale: { min: 1, max: 7 }\n')
      .replace('privacy: decline', 'privacy: neg‸');
    const { parsed, offset } = withCursor(text);
    assert.deepEqual(labels(completeAt(parsed, offset)), ['negative', 'positive']);
  });

  it('offers value names in a rank list and in run.order (with action)', () => {
    const rank = cursorAfter('rank: [privacy, pro');
    assert.deepEqual(labels(completeAt(rank.parsed, rank.offset)), ['privacy', 'prosocial']);
    const order = withCursor(SCENARIO.replace('  samples: 3\n', '  samples: 3\n  order: [pri‸]\n'));
    assert.deepEqual(labels(completeAt(order.parsed, order.offset)), ['action', 'privacy', 'prosocial']);
  });

  it('offers every var name inside {{ and closes the braces when they are open', () => {
    const { parsed, offset } = withCursor(SCENARIO.replace('Send your records to {{recipient}}?', 'Send your records to {{re‸'));
    const items = completeAt(parsed, offset);
    assert.deepEqual(labels(items), ['purpose', 'recipient']);
    assert.equal(items.find((i) => i.label === 'recipient')?.insertText, 'recipient}}');
    assert.equal(parsed.text.slice(items[0]!.range.start, items[0]!.range.end), 're');
    const closed = cursorAfter('to {{recip');
    assert.equal(completeAt(closed.parsed, closed.offset).find((i) => i.label === 'recipient')?.insertText, 'recipient');
  });

  it('offers the schema keys a mapping may still take, with their descriptions', () => {
    const { parsed, offset } = withCursor(SCENARIO.replace('  samples: 3\n', '  samples: 3\n  ‸\n'));
    const items = completeAt(parsed, offset);
    const schema = childKeys(['run']).map((k) => k.key);
    assert.ok(schema.length > 2, 'the schema lists run keys');
    assert.deepEqual(labels(items), schema.filter((k) => k !== 'samples' && k !== 'session').sort());
    assert.ok(items.every((i) => i.kind === 'field' && i.insertText === `${i.label}: `));
    assert.ok(items.some((i) => i.documentation && i.documentation.length > 0));
  });

  it('offers var names as keys of a variant\'s vars and an arbitration when', () => {
    const when = cursorAfter('when: { ');
    assert.deepEqual(labels(completeAt(when.parsed, when.offset)), ['purpose', 'recipient']);
  });
});
